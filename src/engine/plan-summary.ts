/**
 * Counts over a plan: per action, per step and overall, and whether apply would change anything.
 * One source for the plan's footer, its JSON summary and `plan --detailed-exitcode`.
 */
import type { PlanAction, PlannedResource, StepPlan } from './step.js';

export type ActionCounts = Record<PlanAction, number>;

export interface PlanSummary extends ActionCounts {
  /** True when apply would create, adopt, update or delete anything. */
  changes: boolean;
}

const ACTIONS: readonly PlanAction[] = ['create', 'adopt', 'update', 'noop', 'delete', 'keep'];

/**
 * Actions that change AWS or the state file. `keep` does not: it leaves a resource as it is (an
 * earlier image kept until destroy), so a plan of only noop and keep is "no changes".
 */
const CHANGING_ACTIONS: ReadonlySet<PlanAction> = new Set(['create', 'adopt', 'update', 'delete']);

export function countActions(resources: readonly PlannedResource[]): ActionCounts {
  const counts = Object.fromEntries(ACTIONS.map((action) => [action, 0])) as ActionCounts;
  for (const resource of resources) counts[resource.action] += 1;
  return counts;
}

export function isChange(action: PlanAction): boolean {
  return CHANGING_ACTIONS.has(action);
}

export function summarizePlans(plans: readonly StepPlan[]): PlanSummary {
  const resources = plans.flatMap((plan) => plan.resources);
  return { ...countActions(resources), changes: resources.some((resource) => isChange(resource.action)) };
}
