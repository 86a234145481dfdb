import { paginate } from '../../core/pagination.js';
import { invalidInput } from './errors.js';

/** IAM's `MaxItems` / `Marker` paging (answers carry `IsTruncated` and the next `Marker`). */
export function iamPage<T>(
  items: readonly T[],
  input: { MaxItems?: number | undefined; Marker?: string | undefined },
): { page: T[]; marker: string | undefined } {
  const { page, nextToken } = paginate(items, input.MaxItems, input.Marker, (token) =>
    invalidInput(`Invalid Marker: ${token}`),
  );
  return { page, marker: nextToken };
}
