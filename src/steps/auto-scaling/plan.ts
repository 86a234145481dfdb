/**
 * What `plan` shows for the auto-scaling step. Offline: every resource as a create, with its sizes,
 * instance type and thresholds. Live: what ensure would do to each, and for existing ones what it
 * would change (a new launch template version for a new AMI or new settings, and the instance refresh
 * that rolls the nodes onto it; sizes and grace period; policy cooldowns; alarm thresholds).
 */
import { readOnlyStepContext } from '../../engine/context.js';
import type { PlanAction, PlanContext, PlannedResource, StepContext, StepPlan } from '../../engine/step.js';
import { findLive, planResource } from '../resource.js';
import type { ResourceSpec } from '../resource.js';
import { desiredLaunchTemplateData, frontTierOf } from './ensure.js';
import { groupDetails, groupInput, groupSpec, groupUpdate } from './group.js';
import { ASG_ROLES, ASG_TYPES, groupName } from './layout.js';
import {
  launchTemplateChanges,
  launchTemplateDetails,
  latestVersion,
  launchTemplateSpec,
} from './launch-template.js';
import type { Direction } from './scaling.js';
import {
  DIRECTIONS,
  alarmChanges,
  alarmDetails,
  alarmInput,
  alarmSpec,
  policyChanges,
  policyDetails,
  policyInput,
  policySpec,
} from './scaling.js';

const FRONT_TIER_STEPS = [
  'network',
  'security',
  'identity',
  'image',
  'load-balancer',
  'database',
  'redis',
  'storage',
] as const;

function summaryAction(resources: PlannedResource[]): PlanAction {
  if (resources.every((r) => r.action === 'noop')) return 'noop';
  if (resources.some((r) => r.action === 'create')) return 'create';
  if (resources.some((r) => r.action === 'update')) return 'update';
  return 'adopt';
}

function offlinePlan(ctx: PlanContext): StepPlan {
  const { config } = ctx;
  const ami = ctx.outputsOfIfDone('image')?.amiId;
  const lb = ctx.outputsOfIfDone('load-balancer')?.name;
  const create = (role: string, type: string, details: PlannedResource['details']): PlannedResource => ({
    role,
    type,
    action: 'create',
    ...(details ? { details } : {}),
  });
  const resources: PlannedResource[] = [
    create(
      ASG_ROLES.launchTemplate,
      ASG_TYPES.launchTemplate,
      launchTemplateDetails(config, typeof ami === 'string' ? ami : '<image amiId>'),
    ),
    create(
      ASG_ROLES.group,
      ASG_TYPES.group,
      groupDetails(config, typeof lb === 'string' ? lb : `${config.name}-elb`),
    ),
    ...(['out', 'in'] as Direction[]).flatMap((direction) => [
      create(DIRECTIONS[direction].policyRole, ASG_TYPES.policy, policyDetails(config, direction)),
      create(DIRECTIONS[direction].alarmRole, ASG_TYPES.alarm, alarmDetails(config, direction)),
    ]),
  ];
  return { step: 'auto-scaling', action: 'create', resources, live: false };
}

/** planResource, then for a resource that exists: `update` with what would change. */
async function planWithChanges<R>(
  ctx: PlanContext,
  readOnly: StepContext,
  spec: ResourceSpec<R>,
  changesOf: (live: R) => Promise<string[]> | string[],
): Promise<{ planned: PlannedResource; live: R | undefined }> {
  const planned = await planResource(ctx, spec);
  if (planned.action === 'create') return { planned, live: undefined };
  const live = await findLive(readOnly, spec);
  if (!live) return { planned, live };
  const changes = await changesOf(live);
  if (changes.length === 0) return { planned, live };
  return {
    planned: {
      ...planned,
      action: 'update',
      reason: `${planned.reason ?? 'present'}; changes: ${changes.join(', ')}`,
    },
    live,
  };
}

export async function planAutoScaling(ctx: PlanContext): Promise<StepPlan> {
  if (!ctx.aws) return offlinePlan(ctx);
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const { config } = ctx;
  const name = groupName(config);
  // Without every step it is built from, the wanted settings are not known yet: existing resources
  // are then only found, not compared.
  const ready = FRONT_TIER_STEPS.every((step) => ctx.outputsOfIfDone(step) !== undefined);
  const tier = ready ? frontTierOf(readOnly) : undefined;
  const data = tier ? await desiredLaunchTemplateData(readOnly, tier) : undefined;

  let templateChanges: string[] = [];
  let nextVersion: number | undefined;
  const template = await planWithChanges(ctx, readOnly, launchTemplateSpec(readOnly), async (live) => {
    if (!data) return [];
    const latest = await latestVersion(readOnly, live.LaunchTemplateId!);
    templateChanges = launchTemplateChanges(latest.LaunchTemplateData, data);
    nextVersion = latest.VersionNumber! + (templateChanges.length > 0 ? 1 : 0);
    return templateChanges.length > 0 ? [`new version ${nextVersion} (${templateChanges.join(', ')})`] : [];
  });

  const group = await planWithChanges(ctx, readOnly, groupSpec(readOnly), (live) => {
    if (!tier || !template.live || nextVersion === undefined) return [];
    const desired = groupInput(readOnly, tier, { id: template.live.LaunchTemplateId!, version: nextVersion });
    const applied = ctx.recorded(ASG_ROLES.group)?.attributes?.appliedDesiredCapacity;
    const update = groupUpdate(live, desired, typeof applied === 'number' ? applied : undefined);
    const roll =
      templateChanges.length > 0 ? [`instance refresh rolls the nodes onto version ${nextVersion}`] : [];
    return [...update.changes, ...roll];
  });

  const owner = { name, tags: group.live?.Tags };
  const resources: PlannedResource[] = [template.planned, group.planned];
  for (const direction of ['out', 'in'] as Direction[]) {
    const policy = await planWithChanges(ctx, readOnly, policySpec(readOnly, direction, owner), (live) =>
      policyChanges(live, policyInput(config, direction, name)),
    );
    const alarm = await planWithChanges(ctx, readOnly, alarmSpec(readOnly, direction), (live) => {
      const arn = policy.live?.PolicyARN;
      if (!arn) return ['actions (scaling policy)'];
      const tags = readOnly.tags(DIRECTIONS[direction].alarmRole);
      return alarmChanges(live.alarm, alarmInput(config, direction, name, arn, tags));
    });
    resources.push(policy.planned, alarm.planned);
  }
  return { step: 'auto-scaling', action: summaryAction(resources), resources, live: true };
}
