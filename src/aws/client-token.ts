/**
 * Idempotency tokens for EC2 creates (design rule 2). A token must stay the same across a crash and
 * the resumed run, so it is derived from what the resource depends on, never random. AWS keeps a
 * token's answer long after the resource is gone: sending it again returns the terminated instance or
 * the deleted volume instead of a new one. So when the answer is such a dead resource, the next token
 * of a short, deterministic sequence (`<base>`, `<base>-2`, `<base>-3`...) is tried; a resumed run
 * walks the same sequence and lands on the same live resource.
 */
import { ProvisioningError } from '../engine/errors.js';

/** EC2 accepts client tokens of up to 64 ASCII characters. */
export const CLIENT_TOKEN_MAX_LENGTH = 64;
const MAX_GENERATIONS = 10;

export function clientToken(base: string, generation: number): string {
  const suffix = generation <= 1 ? '' : `-${generation}`;
  return `${base.slice(0, CLIENT_TOKEN_MAX_LENGTH - suffix.length)}${suffix}`;
}

export async function createWithFreshToken<R>(
  what: string,
  base: string,
  create: (token: string) => Promise<R>,
  isGone: (resource: R) => boolean,
): Promise<R> {
  for (let generation = 1; generation <= MAX_GENERATIONS; generation += 1) {
    const resource = await create(clientToken(base, generation));
    if (!isGone(resource)) return resource;
  }
  throw new ProvisioningError(
    `Creating ${what}: the last ${MAX_GENERATIONS} client tokens derived from ${base} all answered with resources that are gone`,
    {
      code: 'CLIENT_TOKENS_EXHAUSTED',
      hint: 'AWS forgets client tokens after a while; run again later, or report this as a bug.',
    },
  );
}
