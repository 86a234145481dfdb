import type { TagMap } from './tags.js';

/** The `{ Name, Values }` filter shape of EC2 (and RDS, ElastiCache...). */
export interface NamedFilter {
  Name?: string | undefined;
  Values?: string[] | undefined;
}

export type FilterValue = string | number | boolean | undefined | readonly (string | undefined)[];

/**
 * What a resource kind can be filtered by: filter name -> the resource's value(s) for it. Tag filters
 * (`tag:<Key>`, `tag-key`, `tag-value`) come for free when `tags` is given.
 */
export interface FilterSpec<T> {
  fields: Readonly<Record<string, (item: T) => FilterValue>>;
  tags?: (item: T) => TagMap;
}

/** Throws `invalid(message)` for a filter AWS would reject: an unknown name or no values. */
export function validateFilters<T>(
  filters: readonly NamedFilter[] | undefined,
  spec: FilterSpec<T>,
  invalid: (message: string) => Error,
): void {
  for (const filter of filters ?? []) {
    const name = filter.Name ?? '';
    const known =
      name in spec.fields ||
      (spec.tags !== undefined && (name.startsWith('tag:') || name === 'tag-key' || name === 'tag-value'));
    if (!known) throw invalid(`The filter '${name}' is invalid`);
    if (!filter.Values?.length) throw invalid(`The filter '${name}' requires at least one value`);
  }
}

/** AWS semantics: filters are ANDed, the values of one filter ORed, `*` and `?` are wildcards. */
export function matchesFilters<T>(
  item: T,
  filters: readonly NamedFilter[] | undefined,
  spec: FilterSpec<T>,
): boolean {
  return (filters ?? []).every((filter) => {
    const patterns = (filter.Values ?? []).map(wildcard);
    const actual = valuesOf(item, filter.Name ?? '', spec);
    return actual.some((value) => patterns.some((pattern) => pattern.test(value)));
  });
}

/** Splits filters into those named in `names` and the rest (e.g. to apply `state` after a poll). */
export function partitionFilters(
  filters: readonly NamedFilter[] | undefined,
  names: readonly string[],
): [named: NamedFilter[], rest: NamedFilter[]] {
  const all = filters ?? [];
  return [all.filter((f) => names.includes(f.Name ?? '')), all.filter((f) => !names.includes(f.Name ?? ''))];
}

function valuesOf<T>(item: T, name: string, spec: FilterSpec<T>): string[] {
  const tags = spec.tags?.(item) ?? {};
  if (name.startsWith('tag:')) {
    const key = name.slice('tag:'.length);
    return key in tags ? [tags[key] ?? ''] : [];
  }
  if (name === 'tag-key') return Object.keys(tags);
  if (name === 'tag-value') return Object.values(tags);
  const field = spec.fields[name];
  const value = field ? field(item) : undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string | number | boolean => v !== undefined).map(String);
}

function wildcard(pattern: string): RegExp {
  const source = pattern.replace(/\\?[*?]|[.+^${}()|[\]\\]/g, (token) => {
    if (token === '*') return '.*';
    if (token === '?') return '.';
    if (token.startsWith('\\') && token.length === 2) return `\\${token[1]}`;
    return `\\${token}`;
  });
  return new RegExp(`^${source}$`, 's');
}
