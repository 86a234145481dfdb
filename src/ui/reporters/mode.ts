import type { ReporterMode } from './types.js';

/**
 * `--json` always gets NDJSON; a terminal gets spinners unless CI says it is a log; everything else
 * (pipes, files, CI logs) gets one plain line per event, since cursor movement would garble a log.
 */
export function chooseReporterMode(opts: {
  json: boolean;
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}): ReporterMode {
  if (opts.json) return 'json';
  if (!opts.isTTY || isCi(opts.env)) return 'plain';
  return 'interactive';
}

/** CI runners set CI=true (or 1, or a vendor name); `CI=false`/`CI=0` is an explicit "not CI". */
function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI']?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}
