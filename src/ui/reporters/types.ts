import type { GitlabHaEvent } from '../../engine/events.js';

/** Renders the engine's events as they happen; `close()` flushes whatever is left (spinners, failures). */
export interface Reporter {
  handle(event: GitlabHaEvent): void;
  close(): void;
}

export type ReporterMode = 'interactive' | 'plain' | 'json';

export interface ReporterIo {
  /** Where every reporter writes: progress is not a result, so it never goes to stdout. */
  stderr: NodeJS.WritableStream;
  /** Results (plan, status, summary documents) are the CLI's to print; no reporter writes here. */
  stdout: NodeJS.WritableStream;
  color: boolean;
  /** Show `debug`-level events. */
  debug: boolean;
  /** Milliseconds clock for elapsed times; injectable so tests are deterministic. */
  now?: () => number;
}
