export { renderPlan, renderPlanOutlook, formatMinutes, OFFLINE_PLAN_NOTE } from './plan.js';
export type { PlanOutlook, PlanRenderOptions } from './plan.js';
export { renderStatus } from './status.js';
export { renderSummary } from './summary.js';
export type { RenderOptions } from './options.js';
