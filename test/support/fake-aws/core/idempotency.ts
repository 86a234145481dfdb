/**
 * AWS's ClientToken semantics: the same token with the same parameters returns what the first call
 * created (so a retried or resumed create never makes a duplicate); with other parameters it fails.
 */
export class ClientTokens {
  private readonly byToken = new Map<string, { fingerprint: string; resourceId: string }>();

  /** The id created earlier with this token, undefined for a new token; `mismatch()` when params differ. */
  recall(
    command: string,
    input: { ClientToken?: string | undefined },
    mismatch: () => Error,
  ): string | undefined {
    if (!input.ClientToken) return undefined;
    const earlier = this.byToken.get(`${command}:${input.ClientToken}`);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== fingerprint(input)) throw mismatch();
    return earlier.resourceId;
  }

  remember(command: string, input: { ClientToken?: string | undefined }, resourceId: string): void {
    if (!input.ClientToken) return;
    this.byToken.set(`${command}:${input.ClientToken}`, { fingerprint: fingerprint(input), resourceId });
  }
}

/** The parameters that make a request "the same", ignoring DryRun and the token itself. */
function fingerprint(input: object): string {
  const rest: Record<string, unknown> = { ...input };
  delete rest.ClientToken;
  delete rest.DryRun;
  return stableStringify(rest);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
