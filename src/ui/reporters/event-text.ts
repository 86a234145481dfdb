/** Reading the loosely typed `data` of events: the engine documents the shapes in events.ts. */
import type { GitlabHaEvent } from '../../engine/events.js';
import { formatDuration } from '../format.js';

export function numberField(event: GitlabHaEvent, key: string): number | undefined {
  const value = event.data?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringField(event: GitlabHaEvent, key: string): string | undefined {
  const value = event.data?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Codes whose `data.elapsedMs` is shown after the message (engine messages leave the time out). */
const TIMED_CODES = new Set<GitlabHaEvent['code']>([
  'step.done',
  'step.fail',
  'wait.heartbeat',
  'wait.done',
  'run.done',
]);

export function elapsedSuffix(event: GitlabHaEvent): string {
  const elapsedMs = numberField(event, 'elapsedMs');
  return TIMED_CODES.has(event.code) && elapsedMs !== undefined ? ` (${formatDuration(elapsedMs)})` : '';
}
