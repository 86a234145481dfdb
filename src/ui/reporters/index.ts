import { createInteractiveReporter } from './interactive.js';
import { createJsonReporter } from './json.js';
import { createPlainReporter } from './plain.js';
import type { Reporter, ReporterIo, ReporterMode } from './types.js';

export { chooseReporterMode } from './mode.js';
export type { Reporter, ReporterIo, ReporterMode } from './types.js';

/** The reporter for a mode; pick the mode with chooseReporterMode. Every reporter writes to io.stderr only. */
export function createReporter(mode: ReporterMode, io: ReporterIo): Reporter {
  switch (mode) {
    case 'interactive':
      return createInteractiveReporter(io);
    case 'plain':
      return createPlainReporter(io);
    case 'json':
      return createJsonReporter(io);
  }
}
