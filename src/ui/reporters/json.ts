/**
 * `--json` mode. Two channels, both machine-readable:
 * - stderr: the event stream as NDJSON, one GitlabHaEvent object per line, in emission order (this file);
 * - stdout: the command's result (plan, status, run summary) as one JSON document, printed by the CLI.
 * Keeping them apart lets `gitlab-ha status --json > status.json` capture only the result while progress
 * still streams, and lets a wrapper read events line by line without framing.
 */
import type { GitlabHaEvent } from '../../engine/events.js';
import type { Reporter, ReporterIo } from './types.js';

export function createJsonReporter(io: ReporterIo): Reporter {
  return {
    handle(event: GitlabHaEvent): void {
      if (event.level === 'debug' && !io.debug) return;
      io.stderr.write(`${JSON.stringify(event)}\n`);
    },
    close(): void {},
  };
}
