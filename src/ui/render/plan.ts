/**
 * `gitlab-ha plan` output: per step a header, per resource one line, and a footer with the counts.
 *
 *   network (create)
 *     + create  ec2:vpc     vpc                       cidr=10.0.0.0/16
 *     = adopt   ec2:subnet  subnet/public/eu-west-1a  subnet-0a1  cidr=10.0.0.0/24  (found by tags)
 *
 *   Plan: 14 to create, 1 to adopt, 0 to update, 3 unchanged.
 */
import type { PlanAction, PlannedResource, StepPlan } from '../../engine/step.js';
import { createChalk } from '../color.js';
import { padEnd } from '../format.js';
import { ACTION_SYMBOL, colorAction } from '../symbols.js';
import { columnWidths } from './columns.js';
import type { RenderOptions } from './options.js';

export const OFFLINE_PLAN_NOTE = '(offline: AWS was not contacted; every resource is shown as a create)';

export function renderPlan(plans: readonly StepPlan[], opts: RenderOptions): string {
  const c = createChalk(opts.color);
  const resources = plans.flatMap((plan) => plan.resources);
  // type, role and id line up across the whole plan, so the eye can run down one column.
  const widths = columnWidths(resources.map((resource) => [resource.type, resource.role, resource.id ?? '']));
  const hasIds = resources.some((resource) => resource.id !== undefined);

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

  const sections = plans.map((plan) => {
    const header = `${c.bold(plan.step)} ${colorAction(c, plan.action, `(${plan.action})`)}`;
    const lines =
      plan.resources.length === 0 ? [c.dim('  (no resources)')] : plan.resources.map(resourceLine);
    return [header, ...lines].join('\n');
  });

  const offline = plans.some((plan) => !plan.live) ? [c.yellow(OFFLINE_PLAN_NOTE)] : [];
  return `${[...offline, ...sections, planFooter(resources)].join('\n\n')}\n`;
}

function planFooter(resources: readonly PlannedResource[]): string {
  const count = (action: PlanAction): number => resources.filter((r) => r.action === action).length;
  const parts = [
    `${count('create')} to create`,
    `${count('adopt')} to adopt`,
    `${count('update')} to update`,
    `${count('noop')} unchanged`,
  ];
  // Deletions and kept resources only appear in destroy plans; mention them only then.
  if (count('delete') > 0) parts.push(`${count('delete')} to delete`);
  if (count('keep') > 0) parts.push(`${count('keep')} to keep`);
  return `Plan: ${parts.join(', ')}.`;
}
