/**
 * Config issues as data, and the dotted paths that locate them (`network.publicSubnetCidrs[1]`).
 * Paths are strings so rules and callers can print them as-is; load.ts parses them back into
 * segments to find the YAML node a path points at.
 */

/** One problem found in a config, before it is placed at a line and column. */
export interface ConfigIssue {
  /** Dotted path, e.g. `network.publicSubnetCidrs[1]`; empty for the document itself. */
  path: string;
  message: string;
  /** Which half of a `key: value` pair the issue is about (unknown keys, bad tag keys); `value` when unset. */
  target?: 'key' | 'value';
}

export type PathSegment = string | number;

/** Keys that print bare after a dot; anything else (e.g. a tag key like `aws:foo`) prints as `["..."]`. */
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (BARE_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

const SEGMENT = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The inverse of formatPath. Throws on text formatPath cannot produce (a bug in the caller). */
export function parsePath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const start = SEGMENT.lastIndex;
    const match = SEGMENT.exec(text);
    if (match === null) throw new Error(`Malformed config path "${text}" at character ${start}`);
    const [, key, index, quoted] = match;
    if (key !== undefined) segments.push(key);
    else if (index !== undefined) segments.push(Number(index));
    else if (quoted !== undefined) segments.push(JSON.parse(quoted) as string);
  }
  return segments;
}
