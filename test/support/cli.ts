/**
 * Runs the real CLI (src/cli/main.ts) in-process with captured streams, the fake AWS and fast waits.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { HttpProbe, Timing } from '../../src/engine/step.js';
import type { Prompts } from '../../src/init/prompts.js';
import type { FakeAws } from './fake-aws/index.js';

export const FAST_TIMING: Timing = {
  minDelaySeconds: 0.001,
  maxDelaySeconds: 0.002,
  maxWaitScale: 1,
  heartbeatSeconds: 3600,
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export interface CliHarnessOptions {
  fake?: FakeAws;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
  timing?: Timing;
  answers?: string[];
  signals?: EventEmitter;
  /** GitLab's readiness answers; by default no HTTP probe succeeds (nothing is reachable in tests). */
  httpProbe?: HttpProbe;
  /** The init wizard's answers (used when isTTY is true); by default any question fails the test. */
  prompts?: Prompts;
}

const unexpected = async (): Promise<never> => {
  throw new Error('this test did not expect a question to be asked');
};
const unexpectedPrompts: Prompts = {
  input: unexpected,
  number: unexpected,
  select: unexpected,
  checkbox: unexpected,
  confirm: unexpected,
};

export async function runCli(args: string[], options: CliHarnessOptions): Promise<CliResult> {
  const out = capture();
  const err = capture();
  const answers = [...(options.answers ?? [])];
  const overrides: Partial<CliIo> = {
    stdout: out.stream,
    stderr: err.stream,
    env: { NO_COLOR: '1', CI: 'true', ...options.env },
    isTTY: options.isTTY ?? false,
    cwd: options.cwd,
    timing: options.timing ?? FAST_TIMING,
    signals: options.signals ?? new EventEmitter(),
    askToType: async () => answers.shift() ?? '',
    httpProbe: options.httpProbe ?? (async () => ({ error: 'ECONNREFUSED' })),
    prompts: options.prompts ?? unexpectedPrompts,
    createAws: (clientOptions) => {
      if (!options.fake) throw new Error('this test did not expect AWS to be contacted');
      return options.fake.clients(clientOptions);
    },
  };
  const code = await main(['node', 'gitlab-ha', ...args], overrides);
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A temp dir holding the given config text as gitlab-ha.yaml. */
export async function tempConfig(
  text: string,
  name = 'gitlab-ha.yaml',
): Promise<{ dir: string; configPath: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-test-'));
  const configPath = path.join(dir, name);
  await writeFile(configPath, text);
  return { dir, configPath };
}
