/** Quoting for values rendered into shell scripts and gitlab.rb. */

/** A POSIX shell word that stands for exactly `value` (single quotes; `'` as `'\''`). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A Ruby single-quoted string literal for `value` (only `\` and `'` need escaping there). */
export function rubyString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
