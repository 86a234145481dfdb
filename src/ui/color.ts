/**
 * Colour decisions. Colours exist only in src/ui, and every renderer receives an explicit `color` flag
 * instead of letting chalk sniff the process: output is then deterministic in tests, and the rules below
 * are visible in one place (chalk's own detection reads FORCE_COLOR but ignores NO_COLOR).
 */
import { Chalk, type ChalkInstance } from 'chalk';

export type ColorEnv = Readonly<Record<string, string | undefined>>;

/**
 * Whether to colour a stream. FORCE_COLOR wins when set (as in Node's own tty.getColorDepth):
 * `0`/`false` turn colour off, any other value turns it on. Otherwise a non-empty NO_COLOR
 * (https://no-color.org) or TERM=dumb turns it off, and a TTY turns it on.
 */
export function shouldUseColor(opts: { isTTY: boolean; env: ColorEnv }): boolean {
  const force = opts.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  const noColor = opts.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (opts.env['TERM'] === 'dumb') return false;
  return opts.isTTY;
}

/** A chalk instance that colours exactly when asked to: basic 16 colours, which every terminal renders. */
export function createChalk(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
