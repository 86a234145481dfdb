/**
 * Reads gitlab-ha.yaml: YAML syntax -> zod schema -> dependent defaults -> cross-field rules.
 * Every failure is an InvalidInputError (exit code 2) whose issues carry the dotted path and the
 * 1-based line and column of the offending node, so the CLI can print `file:line:col: message`.
 * Schema problems are reported all at once; the cross-field rules run only on a config that
 * passed the schema (they need its types), so a file can show two rounds of problems.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { InvalidInputError, type InputIssue } from '../engine/errors.js';
import { parsePath, type ConfigIssue } from './issue-path.js';
import { normalizeConfig } from './normalize.js';
import { checkConfigRules } from './rules.js';
import { configSchema, type Config } from './schema.js';
import { locatePath, parseYamlSource, yamlSyntaxIssues, type YamlSource } from './yaml-source.js';
import { parseWithIssues } from './zod-issues.js';

export interface LoadedConfig {
  /** Fully defaulted and normalized. */
  config: Config;
  /** Absolute path of the file (for parseConfig: `source` resolved against the working directory). */
  path: string;
  /** The file's text as read. */
  text: string;
}

const START_HINT = 'Run `gitlab-ha init` to write one, or start from examples/gitlab-ha.yaml.';

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw unreadableFileError(path, absolute, error);
  }
  return parseConfig(text, path);
}

/** Parses and validates config text; `source` names it in messages (usually the path as given). */
export function parseConfig(text: string, source: string): LoadedConfig {
  const yaml = parseYamlSource(text);
  const syntaxIssues = yamlSyntaxIssues(yaml);
  if (syntaxIssues.length > 0) {
    throw new InvalidInputError(`${source} is not valid YAML (${countProblems(syntaxIssues)})`, {
      code: 'CONFIG_YAML',
      source,
      issues: syntaxIssues,
      hint: 'Fix the YAML at the positions shown: indent with spaces, and quote values that contain ": " or " #".',
    });
  }
  checkTopLevelIsMapping(yaml, source);

  let data: unknown;
  try {
    data = yaml.document.toJS();
  } catch (error) {
    // e.g. yaml's guard against alias expansion bombs
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${source} is not valid YAML (1 problem)`, {
      code: 'CONFIG_YAML',
      source,
      issues: [{ path: '', message }],
      cause: error,
    });
  }

  const parsed = parseWithIssues(configSchema, data);
  if (!parsed.ok) throw invalidConfigError(source, yaml, parsed.issues);
  const config = normalizeConfig(parsed.value);
  const ruleIssues = checkConfigRules(config);
  if (ruleIssues.length > 0) throw invalidConfigError(source, yaml, ruleIssues);
  return { config, path: resolve(source), text };
}

function countProblems(issues: readonly unknown[]): string {
  return `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
}

function checkTopLevelIsMapping(yaml: YamlSource, source: string): void {
  const contents = yaml.document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    throw new InvalidInputError(`${source} is empty`, {
      code: 'CONFIG_INVALID',
      source,
      issues: [
        { path: '', message: 'the file has no settings; it needs at least name, region, network and gitlab' },
      ],
      hint: START_HINT,
    });
  }
  if (isMap(contents)) return;
  const found = isSeq(contents)
    ? 'a list'
    : `a single value (${JSON.stringify(isScalar(contents) ? contents.value : contents.toJSON())})`;
  const at = locatePath(yaml, []) ?? { line: 1, column: 1 };
  throw new InvalidInputError(`${source} is not valid (1 problem)`, {
    code: 'CONFIG_INVALID',
    source,
    issues: [
      {
        path: '',
        message: `the top level must be a mapping of keys (name:, region:, network:, ...), but it is ${found}`,
        ...at,
      },
    ],
    hint: START_HINT,
  });
}

function placeIssue(yaml: YamlSource, issue: ConfigIssue): InputIssue {
  const position = locatePath(yaml, parsePath(issue.path), issue.target);
  return { path: issue.path, message: issue.message, ...position };
}

function invalidConfigError(source: string, yaml: YamlSource, issues: ConfigIssue[]): InvalidInputError {
  const placed = issues
    .map((issue) => placeIssue(yaml, issue))
    // Stable sort into file order; issues about the document as a whole (no line) come first.
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return new InvalidInputError(`${source} is not valid (${countProblems(placed)})`, {
    code: 'CONFIG_INVALID',
    source,
    issues: placed,
    hint: 'Fix the keys listed and run again. Editors can check the file as you type with the JSON schema (`gitlab-ha schema`).',
  });
}

function unreadableFileError(path: string, absolute: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint = 'Create one with `gitlab-ha init`, or point to an existing file with --config <path>.';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new InvalidInputError(`No config file at ${absolute}`, {
        code: 'CONFIG_NOT_FOUND',
        source: path,
        hint,
        cause: error,
      });
    case 'EISDIR':
      return new InvalidInputError(`${absolute} is a directory, not a config file`, {
        code: 'CONFIG_NOT_FOUND',
        source: path,
        hint,
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new InvalidInputError(`Cannot read ${absolute}: permission denied`, {
        code: 'CONFIG_NOT_FOUND',
        source: path,
        hint: 'Make the file readable by the user running gitlab-ha.',
        cause: error,
      });
    default:
      // Anything else (EMFILE, EIO, ...) is not the user's input being wrong.
      return error;
  }
}
