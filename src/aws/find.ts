/** Find-by-tags (design rule 1): zero -> create, one -> adopt, more -> a conflict naming the ids. */
import { ConflictError } from '../engine/errors.js';

export function exactlyOneOrNone<T>(what: string, found: T[], idOf: (item: T) => string): T | undefined {
  if (found.length > 1) throw new ConflictError(what, found.map(idOf));
  return found[0];
}
