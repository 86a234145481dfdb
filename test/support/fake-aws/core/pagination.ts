/**
 * `MaxResults` / `NextToken` paging over an already filtered list. Without `maxResults` everything is
 * one page, as when the SDK's paginators are not used.
 */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  invalidToken: (token: string) => Error,
): { page: T[]; nextToken: string | undefined } {
  let start = 0;
  if (nextToken) {
    const match = /^fake-page-(\d+)$/.exec(nextToken);
    if (!match) throw invalidToken(nextToken);
    start = Number(match[1]);
  }
  const end = maxResults ? start + maxResults : items.length;
  return { page: items.slice(start, end), nextToken: end < items.length ? `fake-page-${end}` : undefined };
}
