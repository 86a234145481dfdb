/** The output layer: only src/cli imports this. Reporters render events on stderr; renderers build stdout results. */
export { createReporter, chooseReporterMode } from './reporters/index.js';
export type { Reporter, ReporterIo, ReporterMode } from './reporters/index.js';
export {
  renderPlan,
  renderPlanOutlook,
  renderStatus,
  renderSummary,
  OFFLINE_PLAN_NOTE,
} from './render/index.js';
export type { PlanOutlook, PlanRenderOptions, RenderOptions } from './render/index.js';
export { formatDuration } from './format.js';
export { shouldUseColor } from './color.js';
export type { ColorEnv } from './color.js';
