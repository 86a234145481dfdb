/**
 * Turns zod issues into plain sentences. Messages written in schema.ts (regex explanations,
 * refinements) win over `configErrorMap`, which only fills in zod's generic
 * "Invalid input: expected string, received number" kind of message.
 */
import { z } from 'zod';
import { formatPath, type ConfigIssue, type PathSegment } from './issue-path.js';
import { suggestKey } from './suggest.js';

const MAX_SHOWN_CHARS = 40;

/** How a YAML value reads back to its author: `a string ("abc")`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (the key has no value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}...` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case 'number':
      // YAML's .nan and .inf parse to numbers that no field accepts.
      return Number.isFinite(value) ? `a number (${value})` : String(value);
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

function invalidTypeMessage(expected: string, input: unknown): string {
  const base = `expected ${EXPECTED[expected] ?? expected}, got ${describeValue(input)}`;
  // YAML reads 16 and 7.1 as numbers; version fields want the text.
  if (expected === 'string' && typeof input === 'number') return `${base}; put it in quotes: "${input}"`;
  if (expected === 'boolean' && typeof input === 'string')
    return `${base}; write true or false without quotes`;
  return base;
}

function sizeMessage(
  direction: 'at least' | 'at most',
  origin: string,
  limit: number | bigint,
  inclusive: boolean,
  input: unknown,
): string {
  switch (origin) {
    case 'string':
      if (direction === 'at least' && limit === 1) return 'must not be empty';
      return `must be ${direction} ${limit} characters long`;
    case 'array':
      return `must have ${direction} ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    default: {
      const bound = inclusive ? direction : direction === 'at least' ? 'greater than' : 'less than';
      return `must be ${bound} ${limit}, got ${String(input)}`;
    }
  }
}

/**
 * Per-parse error map: zod consults it only for issues whose schema has no message of its own.
 * `unrecognized_keys` gets a placeholder here; toConfigIssues rewrites it with suggestions.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : invalidTypeMessage(issue.expected, issue.input);
    case 'too_small':
      return sizeMessage('at least', issue.origin, issue.minimum, issue.inclusive ?? true, issue.input);
    case 'too_big':
      return sizeMessage('at most', issue.origin, issue.maximum, issue.inclusive ?? true, issue.input);
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')} (got ${describeValue(issue.input)})`;
    case 'invalid_format':
      if (issue.format === 'starts_with') return `must start with "${String(issue['prefix'])}"`;
      if (issue.format === 'regex') return `does not have the expected form (${String(issue.pattern)})`;
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'is not an allowed key';
    case 'unrecognized_keys':
      return `unknown keys: ${issue.keys.join(', ')}`;
    default:
      return 'is not valid';
  }
};

/** Unwraps `.default()` / `.optional()` and follows one path segment into an object, list or map. */
function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return (inner.shape as Record<string, z.ZodType>)[String(segment)];
  if (inner instanceof z.ZodArray) return inner.element as z.ZodType;
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The keys an object schema at `path` accepts (empty when `path` is not an object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) current = current === undefined ? undefined : childSchema(current, segment);
  const inner = current === undefined ? undefined : unwrap(current);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unknownKeyIssues(schema: z.ZodType, objectPath: PathSegment[], keys: string[]): ConfigIssue[] {
  const known = knownKeysAt(schema, objectPath);
  const where = objectPath.length === 0 ? 'at the top level' : `in ${formatPath(objectPath)}`;
  return keys.map((key) => {
    const suggestion = suggestKey(key, known);
    const advice =
      suggestion !== undefined ? `did you mean "${suggestion}"?` : `known keys are: ${known.join(', ')}`;
    return {
      path: formatPath([...objectPath, key]),
      message: `unknown key "${key}" ${where}; ${advice}`,
      target: 'key' as const,
    };
  });
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/** Parses `data` with `schema`, returning plain-sentence issues instead of throwing. */
export function parseWithIssues<S extends z.ZodType>(schema: S, data: unknown): ParseOutcome<z.output<S>> {
  // reportInput keeps `input` on each issue, which tells a missing key (undefined) from `key:` (null).
  const result = schema.safeParse(data, { error: configErrorMap, reportInput: true });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, issues: toConfigIssues(schema, result.error.issues) };
}

/**
 * Zod's issues for `schema` as config issues: one per unknown key (with a suggestion), `required`
 * for missing keys whatever message the schema set, and the error map's sentences otherwise.
 */
function toConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code === 'unrecognized_keys') return unknownKeyIssues(schema, path, issue.keys);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return [
      {
        path: formatPath(path),
        message: missing ? 'required' : issue.message,
        ...(issue.code === 'invalid_key' ? { target: 'key' as const } : {}),
      },
    ];
  });
}
