/** Small text helpers shared by the reporters and the renderers. */

/**
 * Human elapsed time, coarse enough to read at a glance: `850ms`, `12s`, `1m 05s`, `1h 02m`.
 * Rounds down, so a spinner never shows a second that has not passed yet.
 */
export function formatDuration(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
  if (safe < 1000) return `${safe}ms`;
  const totalSeconds = Math.floor(safe / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${pad2(totalSeconds % 60)}s`;
  return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Pads to `width` visible characters (the strings padded here never hold escape codes). */
export function padEnd(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Width of a step-id column: the longest step id, `load-balancer`. */
export const STEP_COLUMN_WIDTH = 13;
/** Width of an elapsed-time column: `1m 05s`. */
export const ELAPSED_COLUMN_WIDTH = 6;

const PAST_TENSE: Readonly<Record<string, string>> = {
  create: 'created',
  adopt: 'adopted',
  update: 'updated',
  noop: 'unchanged',
  delete: 'deleted',
  keep: 'kept',
};

/** `create` -> `created`; an action this table does not know is shown as it is. */
export function actionPastTense(action: string): string {
  return PAST_TENSE[action] ?? action;
}
