export { renderPlan, OFFLINE_PLAN_NOTE } from './plan.js';
export { renderStatus } from './status.js';
export { renderSummary } from './summary.js';
export type { RenderOptions } from './options.js';
