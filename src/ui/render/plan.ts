/**
 * `gitlab-ha plan` output: per step a header with its title and counts, per resource one line, a
 * footer with the totals; then the outlook: the waves the steps run in, the estimated time and the
 * monthly cost.
 *
 *   network (create)  Network (VPC, subnets, gateways, routes): 1 to create, 1 to adopt
 *     + create  ec2:vpc     vpc                       cidr=10.0.0.0/16
 *     = adopt   ec2:subnet  subnet/public/eu-west-1a  subnet-0a1  cidr=10.0.0.0/24  (found by tags)
 *   identity (noop)  Identity (IAM role and instance profile for GitLab nodes): 5 unchanged
 *
 *   Plan: 1 to create, 1 to adopt, 0 to update, 5 unchanged.
 *
 * A live plan shows a step with nothing to do on its header line alone, unless `verbose`.
 */
import type { ChalkInstance } from 'chalk';
import type { CostEstimate } from '../../cost/estimate.js';
import type { DurationEstimate } from '../../engine/duration.js';
import type { ActionCounts } from '../../engine/plan-summary.js';
import { countActions } from '../../engine/plan-summary.js';
import type { PlanAction, PlannedResource, StepPlan } from '../../engine/step.js';
import type { StepId } from '../../steps/ids.js';
import { createChalk } from '../color.js';
import { padEnd } from '../format.js';
import { ACTION_SYMBOL, colorAction } from '../symbols.js';
import { columnWidths } from './columns.js';
import { formatUsd } from './cost.js';
import type { RenderOptions } from './options.js';

export const OFFLINE_PLAN_NOTE = '(offline: AWS was not contacted; every resource is shown as a create)';

export interface PlanRenderOptions extends RenderOptions {
  /** Step titles for the headers ("Network (VPC, subnets, gateways, routes)"). */
  titles?: Partial<Readonly<Record<StepId, string>>>;
  /** List the resources of steps with nothing to do too (a live plan shows them on one line). */
  verbose?: boolean;
}

const COUNT_PHRASE: Readonly<Record<PlanAction, string>> = {
  create: 'to create',
  adopt: 'to adopt',
  update: 'to update',
  noop: 'unchanged',
  delete: 'to delete',
  keep: 'to keep',
};

/** `13 to create, 2 unchanged`: only the actions that occur. */
function stepCounts(counts: ActionCounts): string {
  const parts = (Object.keys(COUNT_PHRASE) as PlanAction[])
    .filter((action) => counts[action] > 0)
    .map((action) => `${counts[action]} ${COUNT_PHRASE[action]}`);
  return parts.length === 0 ? 'no resources' : parts.join(', ');
}

export function renderPlan(plans: readonly StepPlan[], opts: PlanRenderOptions): string {
  const c = createChalk(opts.color);
  const collapsed = (plan: StepPlan) => !opts.verbose && plan.live && plan.action === 'noop';
  const listed = plans.filter((plan) => !collapsed(plan)).flatMap((plan) => plan.resources);
  // type, role and id line up across the listed resources, so the eye can run down one column.
  const widths = columnWidths(listed.map((resource) => [resource.type, resource.role, resource.id ?? '']));
  const hasIds = listed.some((resource) => resource.id !== undefined);

  function resourceLine(resource: PlannedResource): string {
    const action = colorAction(
      c,
      resource.action,
      `${ACTION_SYMBOL[resource.action]} ${padEnd(resource.action, 6)}`,
    );
    const cells = [resource.type, resource.role, ...(hasIds ? [resource.id ?? ''] : [])];
    const details = Object.entries(resource.details ?? {}).map(([key, value]) => `${key}=${String(value)}`);
    const reason = resource.reason === undefined ? [] : [c.dim(`(${resource.reason})`)];
    const padded = cells.map((cell, i) => padEnd(cell, widths[i] ?? 0));
    return `  ${[action, ...padded, ...details, ...reason].join('  ')}`.trimEnd();
  }

  // Titles start in one column, so a run of one-line steps reads as a table.
  const plainName = (plan: StepPlan) => `${plan.step} (${plan.action})`;
  const nameWidth = Math.max(0, ...plans.map((plan) => plainName(plan).length));
  function header(plan: StepPlan): string {
    const title = opts.titles?.[plan.step];
    const counts = stepCounts(countActions(plan.resources));
    const name = `${c.bold(plan.step)} ${colorAction(c, plan.action, `(${plan.action})`)}`;
    if (title === undefined) return `${name}: ${counts}`;
    return `${name}${' '.repeat(nameWidth - plainName(plan).length)}  ${title}: ${counts}`;
  }

  // Consecutive one-line steps (folded, or without resources) stay together; a step with its
  // resources stands apart.
  const blocks: { text: string; oneLine: boolean }[] = [];
  for (const plan of plans) {
    if (collapsed(plan) || plan.resources.length === 0) {
      const previous = blocks.at(-1);
      if (previous?.oneLine) previous.text += `\n${header(plan)}`;
      else blocks.push({ text: header(plan), oneLine: true });
      continue;
    }
    blocks.push({ text: [header(plan), ...plan.resources.map(resourceLine)].join('\n'), oneLine: false });
  }

  const offline = plans.some((plan) => !plan.live) ? [c.yellow(OFFLINE_PLAN_NOTE)] : [];
  const collapsedCount = plans.filter(collapsed).length;
  return `${[...offline, ...blocks.map((b) => b.text), planFooter(plans, collapsedCount)].join('\n\n')}\n`;
}

function planFooter(plans: readonly StepPlan[], collapsedCount: number): string {
  const counts = countActions(plans.flatMap((plan) => plan.resources));
  const parts = [
    `${counts.create} to create`,
    `${counts.adopt} to adopt`,
    `${counts.update} to update`,
    `${counts.noop} unchanged`,
  ];
  // Deletions and kept resources only appear in some plans (a builder left behind, an earlier image).
  if (counts.delete > 0) parts.push(`${counts.delete} to delete`);
  if (counts.keep > 0) parts.push(`${counts.keep} to keep`);
  const lines = [`Plan: ${parts.join(', ')}.`];
  if (counts.create + counts.adopt + counts.update + counts.delete === 0) {
    lines.push('No changes: what exists in AWS matches the config.');
  }
  if (collapsedCount > 0) {
    const steps = collapsedCount === 1 ? '1 step' : `${collapsedCount} steps`;
    lines.push(`${steps} with nothing to do shown on one line; --verbose lists their resources.`);
  }
  return lines.join('\n');
}

/** What the plan adds to the list of resources: the order steps run in, the time, the cost. */
export interface PlanOutlook {
  /** Steps that run concurrently, wave after wave (src/engine/graph.ts waves()). */
  waves: readonly (readonly StepId[])[];
  estimate: DurationEstimate;
  cost: CostEstimate;
}

/** `14`, `2.5`, `16.3`: minutes to a tenth, without a trailing `.0`. */
export function formatMinutes(minutes: number): string {
  return String(Number(minutes.toFixed(1)));
}

/**
 *   Runs in 5 waves (the steps of a wave run concurrently):
 *     1. network, identity  2. security  3. database, redis, storage, load-balancer  4. image  5. auto-scaling
 *   Estimated time: about 37 min (typical AWS creation times); critical path in minutes:
 *     network 2.5 -> security 0.6 -> database 14 -> image 16.3 -> auto-scaling 3.4
 *   Monthly cost: $1,234.56 with 2 GitLab nodes (the group's min), $1,795.20 with 4 (max)
 *     on-demand USD, AWS list prices as of 2025-01-01 (bundled); per resource: gitlab-ha cost
 */
export function renderPlanOutlook(outlook: PlanOutlook, opts: RenderOptions): string {
  const c = createChalk(opts.color);
  const waves = outlook.waves.map((wave, i) => `${i + 1}. ${wave.join(', ')}`).join('  ');
  const lines = [
    `Runs in ${outlook.waves.length} waves (the steps of a wave run concurrently):`,
    `  ${waves}`,
    ...timeLines(outlook.estimate),
    ...costLines(outlook.cost, c),
  ];
  return `${lines.join('\n')}\n`;
}

function timeLines(estimate: DurationEstimate): string[] {
  if (estimate.criticalPath.length === 0) return ['Estimated time: none, nothing to change.'];
  const total = estimate.minutes < 1 ? 'under a minute' : `about ${Math.round(estimate.minutes)} min`;
  const path = estimate.criticalPath.map((entry) => `${entry.step} ${formatMinutes(entry.minutes)}`);
  return [
    `Estimated time: ${total} (typical AWS creation times); critical path in minutes:`,
    `  ${path.join(' -> ')}`,
  ];
}

function costLines(cost: CostEstimate, c: ChalkInstance): string[] {
  const { min, max } = cost.autoScaling;
  const nodes = (n: number) => (n === 1 ? '1 GitLab node' : `${n} GitLab nodes`);
  const range =
    min === max
      ? `${formatUsd(cost.totalAtMin)} with ${nodes(min)}`
      : `${formatUsd(cost.totalAtMin)} with ${nodes(min)} (the group's min), ${formatUsd(cost.totalAtMax)} with ${max} (max)`;
  const source =
    cost.pricesAsOf === cost.bundledPricesAsOf
      ? `AWS list prices as of ${cost.pricesAsOf} (bundled)`
      : `prices from ${cost.pricesAsOf}`;
  const unknown =
    cost.unknown.length === 0
      ? []
      : [c.yellow(`  unknown prices, left out of the totals (never guessed): ${cost.unknown.join('; ')}`)];
  return [
    `Monthly cost: ${range}`,
    `  on-demand ${cost.currency}, ${source}; per resource: gitlab-ha cost`,
    ...unknown,
  ];
}
