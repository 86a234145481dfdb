import {
  matchesFilters,
  partitionFilters,
  validateFilters,
  type FilterSpec,
  type NamedFilter,
} from '../../core/filters.js';
import { paginate } from '../../core/pagination.js';
import { ec2Error, invalidParameterValue } from './errors.js';

export interface SelectOptions<T> {
  /** Explicit ids (VpcIds, SubnetIds...): each must exist, else `lookup` throws EC2's NotFound. */
  byIds?: { ids: readonly string[] | undefined; lookup: (id: string) => T };
  all: () => Iterable<T>;
  filters: readonly NamedFilter[] | undefined;
  spec: FilterSpec<T>;
  /**
   * For resources that settle over polls: `poll` runs on each selected resource before the filters
   * named in `names` (its state) apply, so polling with a `state` filter still moves it along.
   */
  settle?: { names: readonly string[]; poll: (item: T) => void };
}

/** What a Describe* call returns, before paging: by ids, then filters, with polling. */
export function select<T>(options: SelectOptions<T>): T[] {
  validateFilters(options.filters, options.spec, invalidParameterValue);
  const ids = options.byIds?.ids ?? [];
  const byIds =
    options.byIds && ids.length ? [...new Set(ids)].map(options.byIds.lookup) : [...options.all()];
  const [stateFilters, otherFilters] = partitionFilters(options.filters, options.settle?.names ?? []);
  const selected = byIds.filter((item) => matchesFilters(item, otherFilters, options.spec));
  if (!options.settle) return selected;
  selected.forEach(options.settle.poll);
  return selected.filter((item) => matchesFilters(item, stateFilters, options.spec));
}

/** EC2's MaxResults / NextToken paging. */
export function page<T>(
  items: readonly T[],
  input: { MaxResults?: number | undefined; NextToken?: string | undefined },
): { page: T[]; nextToken: string | undefined } {
  return paginate(items, input.MaxResults, input.NextToken, (token) =>
    ec2Error('InvalidNextToken', `The token '${token}' is invalid`),
  );
}
