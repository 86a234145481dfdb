/** "Did you mean ...?" for unknown config keys. */

/** Edit distance (insertions, deletions, substitutions), two rows at a time. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known key nearest to `unknown`, when it is close enough to be a likely typo: at most
 * max(2, a third of the unknown key's length) edits away. Ties go to the earlier known key.
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, unknown.length / 3);
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = levenshtein(unknown.toLowerCase(), key.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
