import { paginate } from '../../core/pagination.js';
import { invalidParameterValue } from './errors.js';

/** ElastiCache's MaxRecords / Marker paging (MaxRecords 20-100 where given; 20-50 for snapshots). */
export function page<T>(
  items: readonly T[],
  input: { MaxRecords?: number | undefined; Marker?: string | undefined },
  maxRecords = 100,
): { page: T[]; marker: string | undefined } {
  if (input.MaxRecords !== undefined && (input.MaxRecords < 20 || input.MaxRecords > maxRecords)) {
    throw invalidParameterValue(`MaxRecords must be between 20 and ${maxRecords}`);
  }
  const { page: shown, nextToken } = paginate(items, input.MaxRecords, input.Marker, (marker) =>
    invalidParameterValue(`Invalid marker: ${marker}`),
  );
  return { page: shown, marker: nextToken };
}
