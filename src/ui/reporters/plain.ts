/**
 * Plain mode, for pipes and CI logs: one self-contained line per event, never a cursor movement.
 * `2026-11-26T21:58:09Z [network] resource.create created VPC vpc-0abc (10.0.0.0/16)`
 * Long waits show up as the engine's `wait.heartbeat` events, so a quiet log still proves progress.
 */
import type { GitlabHaEvent } from '../../engine/events.js';
import { createChalk } from '../color.js';
import { elapsedSuffix } from './event-text.js';
import type { Reporter, ReporterIo } from './types.js';

export function createPlainReporter(io: ReporterIo): Reporter {
  const c = createChalk(io.color);
  return {
    handle(event: GitlabHaEvent): void {
      if (event.level === 'debug' && !io.debug) return;
      const parts = [c.dim(secondsTimestamp(event.time))];
      if (event.level === 'warn') parts.push(c.yellow('WARN'));
      if (event.level === 'error') parts.push(c.red('ERROR'));
      if (event.level === 'debug') parts.push(c.dim('DEBUG'));
      if (event.step) parts.push(`[${event.step}]`);
      parts.push(event.code, event.message + elapsedSuffix(event));
      io.stderr.write(`${parts.join(' ')}\n`);
    },
    close(): void {},
  };
}

/** `2026-11-26T21:58:09.123Z` -> `2026-11-26T21:58:09Z`: second precision is plenty in a log. */
function secondsTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
