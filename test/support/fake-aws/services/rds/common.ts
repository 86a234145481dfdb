import { paginate } from '../../core/pagination.js';
import { tagProblem, toTagMap, type KeyValueTag, type TagMap } from '../../core/tags.js';
import { invalidParameterValue } from './errors.js';

/**
 * RDS identifiers (instances, snapshots): 1 to `max` letters, digits or hyphens, starting with a
 * letter, without two hyphens in a row or a hyphen at the end. RDS stores them in lower case.
 */
export function checkIdentifier(parameter: string, value: string | undefined, max: number): string {
  const id = value ?? '';
  const valid =
    id.length >= 1 &&
    id.length <= max &&
    /^[A-Za-z][A-Za-z0-9-]*$/.test(id) &&
    !id.includes('--') &&
    !id.endsWith('-');
  if (!valid) {
    throw invalidParameterValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  return id.toLowerCase();
}

/** The tags of a create call, checked by AWS's common rules. */
export function tagsOfCreate(tags: readonly KeyValueTag[] | undefined): TagMap {
  const map = toTagMap(tags);
  const problem = tagProblem(map);
  if (problem) throw invalidParameterValue(problem);
  return map;
}

/** RDS's MaxRecords (20-100, default 100) / Marker paging. */
export function pageOf<T>(
  items: readonly T[],
  input: { MaxRecords?: number | undefined; Marker?: string | undefined },
): { page: T[]; marker: string | undefined } {
  const max = input.MaxRecords ?? 100;
  if (max < 20 || max > 100)
    throw invalidParameterValue(`The parameter MaxRecords must be between 20 and 100 (got ${max})`);
  const { page, nextToken } = paginate(items, max, input.Marker || undefined, (token) =>
    invalidParameterValue(`The parameter Marker is not valid: ${token}`),
  );
  return { page, marker: nextToken };
}
