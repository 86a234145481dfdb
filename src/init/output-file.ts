/**
 * Where `init` writes: an existing config is never replaced without a yes (or --force), and the
 * write is atomic (temp file + rename), so an interrupted `init` leaves the old file or none,
 * never half a file. A replaced file is kept as `<file>.bak`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AbortedError, InvalidInputError } from '../engine/errors.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { errorCode } from '../state/fs-error.js';
import type { Prompts } from './prompts.js';

export interface OutputFileOptions {
  /** --force: replace an existing file without asking. */
  force: boolean;
  /** The terminal to ask on; undefined when there is none. */
  prompts: Prompts | undefined;
  /** The path as the user gave it, for messages. */
  shownAs: string;
}

/** Checks that `target` may be written: its folder exists, and an existing file may be replaced. */
export async function checkOutputFile(target: string, options: OutputFileOptions): Promise<void> {
  const folder = path.dirname(target);
  const folderStat = await statOrUndefined(folder);
  if (!folderStat?.isDirectory()) {
    throw new InvalidInputError(`Cannot write ${options.shownAs}: the folder ${folder} does not exist`, {
      code: 'INIT_OUTPUT',
      hint: 'Create the folder first, or pass --output with a path in an existing folder.',
    });
  }
  const existing = await statOrUndefined(target);
  if (existing === undefined || options.force) {
    if (existing?.isDirectory()) throw isDirectoryError(options.shownAs);
    return;
  }
  if (existing.isDirectory()) throw isDirectoryError(options.shownAs);
  if (!options.prompts) {
    throw new InvalidInputError(`${options.shownAs} already exists`, {
      code: 'INIT_OUTPUT_EXISTS',
      hint: 'Pass --force to replace it (the old file is kept as .bak), or --output <file> to write another file.',
    });
  }
  const replace = await options.prompts.confirm({
    message: `${options.shownAs} already exists. Replace it (the old file is kept as ${path.basename(target)}.bak)?`,
    default: false,
  });
  if (!replace) {
    throw new AbortedError(`Kept the existing ${options.shownAs}; nothing was written`, {
      hint: 'Pass --output <file> to write the new config elsewhere.',
    });
  }
}

export async function writeConfigFile(target: string, text: string): Promise<void> {
  await writeFileAtomic(target, text, { backup: true });
}

function isDirectoryError(shownAs: string): InvalidInputError {
  return new InvalidInputError(`${shownAs} is a directory`, {
    code: 'INIT_OUTPUT',
    hint: 'Pass --output with a file name, e.g. --output gitlab-ha.yaml.',
  });
}

async function statOrUndefined(target: string) {
  try {
    return await stat(target);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}
