/**
 * The Auto Scaling group over the private subnets: the launch template at an explicit version,
 * min / desired / max from the config, attached to the classic load balancer, health check type ELB
 * with a grace period long enough for a node's first `gitlab-ctl reconfigure`.
 *
 * Why an explicit version rather than `$Latest`: the group then says exactly which version its nodes
 * should run. A new version changes nothing until apply points the group at it and starts an
 * instance refresh, so a scale-out between the two (or a version made by hand) never launches a node
 * the rest of the group does not run; and a resumed apply sees from the group alone whether it still
 * has to roll it.
 */
import {
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type {
  AutoScalingGroup,
  CreateAutoScalingGroupCommandInput,
  Tag as GroupTag,
  UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { awsCall, failedWith } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue, tagValue } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { Config } from '../../config/schema.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { FrontTier } from './layout.js';
import {
  ASG_ROLES,
  ASG_TYPES,
  ASG_WAITS,
  DEFAULT_COOLDOWN_SECONDS,
  TERMINATION_POLICIES,
  groupName,
} from './layout.js';
import type { AsgCtx } from './launch-template.js';
import { autoScalingDelete, autoScalingFind } from './not-found.js';

type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

const LABEL = 'Auto Scaling group';
const DELETING = 'Delete in progress';

/** A group ForceDelete was sent for: it goes once its instances are terminated. */
export function isBeingDeleted(group: AutoScalingGroup | undefined): boolean {
  return group?.Status === DELETING;
}

/**
 * The group's tags. The role and Name tags stay on the group: its nodes get theirs (`node`) from the
 * launch template. The others (deployment, created-by, the config's tags) are propagated to the nodes.
 */
export function groupTags(name: string, tags: readonly Tag[]): GroupTag[] {
  return tags.map((tag) => ({
    ResourceId: name,
    ResourceType: 'auto-scaling-group',
    Key: tag.Key,
    Value: tag.Value,
    PropagateAtLaunch: tag.Key !== 'Name' && tag.Key !== TAG_RESOURCE,
  }));
}

/** Everything CreateAutoScalingGroup is given, from the config and the steps before. */
export function groupInput(
  ctx: Pick<AsgCtx, 'config' | 'tags'>,
  tier: FrontTier,
  launchTemplate: { id: string; version: number },
): CreateAutoScalingGroupCommandInput {
  const { autoScaling } = ctx.config;
  const name = groupName(ctx.config);
  return {
    AutoScalingGroupName: name,
    LaunchTemplate: { LaunchTemplateId: launchTemplate.id, Version: String(launchTemplate.version) },
    MinSize: autoScaling.min,
    MaxSize: autoScaling.max,
    DesiredCapacity: autoScaling.desired,
    DefaultCooldown: DEFAULT_COOLDOWN_SECONDS,
    VPCZoneIdentifier: tier.privateSubnetIds.join(','),
    LoadBalancerNames: [tier.loadBalancerName],
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: autoScaling.healthCheckGracePeriodSeconds,
    TerminationPolicies: TERMINATION_POLICIES,
    Tags: groupTags(name, ctx.tags(ASG_ROLES.group)),
  };
}

export function groupDetails(
  config: Config,
  loadBalancerName: string,
): Record<string, string | number | boolean> {
  const { min, desired, max, healthCheckGracePeriodSeconds } = config.autoScaling;
  return {
    name: groupName(config),
    min,
    desired,
    max,
    subnets: `${config.network.privateSubnetCidrs.length} private`,
    healthCheck: 'ELB',
    gracePeriodSeconds: healthCheckGracePeriodSeconds,
    loadBalancer: loadBalancerName,
  };
}

export interface GroupUpdate {
  /** The fields UpdateAutoScalingGroup is to change (undefined when none). */
  input: UpdateAutoScalingGroupCommandInput | undefined;
  changes: string[];
  /** What differs but cannot be changed here (reported, not fixed). */
  drift: string[];
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  [...(a ?? [])].sort().join(',') === [...(b ?? [])].sort().join(',');

/**
 * What UpdateAutoScalingGroup must change for the live group to match. The desired capacity is set
 * only when the config's value changed since gitlab-ha last set it (`appliedDesired`): a different
 * live value is the scaling policies' doing, and apply does not undo a scale-out.
 */
export function groupUpdate(
  live: AutoScalingGroup,
  desired: CreateAutoScalingGroupCommandInput,
  appliedDesired: number | undefined,
): GroupUpdate {
  const update: UpdateAutoScalingGroupCommandInput = { AutoScalingGroupName: live.AutoScalingGroupName };
  const changes: string[] = [];
  const change = <K extends keyof UpdateAutoScalingGroupCommandInput>(
    key: K,
    value: UpdateAutoScalingGroupCommandInput[K],
    text: string,
  ) => {
    update[key] = value;
    changes.push(text);
  };
  const lt = live.LaunchTemplate;
  const want = desired.LaunchTemplate!;
  if (lt?.LaunchTemplateId !== want.LaunchTemplateId || lt?.Version !== want.Version) {
    change('LaunchTemplate', want, `launch template version ${lt?.Version ?? 'none'} -> ${want.Version}`);
  }
  if (live.MinSize !== desired.MinSize)
    change('MinSize', desired.MinSize, `min ${live.MinSize} -> ${desired.MinSize}`);
  if (live.MaxSize !== desired.MaxSize)
    change('MaxSize', desired.MaxSize, `max ${live.MaxSize} -> ${desired.MaxSize}`);
  if (live.DesiredCapacity !== desired.DesiredCapacity && appliedDesired !== desired.DesiredCapacity) {
    change(
      'DesiredCapacity',
      desired.DesiredCapacity,
      `desired ${live.DesiredCapacity} -> ${desired.DesiredCapacity}`,
    );
  }
  if (live.HealthCheckType !== desired.HealthCheckType) {
    change(
      'HealthCheckType',
      desired.HealthCheckType,
      `health check ${live.HealthCheckType} -> ${desired.HealthCheckType}`,
    );
  }
  if (live.HealthCheckGracePeriod !== desired.HealthCheckGracePeriod) {
    change(
      'HealthCheckGracePeriod',
      desired.HealthCheckGracePeriod,
      `grace period ${live.HealthCheckGracePeriod} s -> ${desired.HealthCheckGracePeriod} s`,
    );
  }
  if (live.DefaultCooldown !== desired.DefaultCooldown) {
    change(
      'DefaultCooldown',
      desired.DefaultCooldown,
      `default cooldown ${live.DefaultCooldown} s -> ${desired.DefaultCooldown} s`,
    );
  }
  if (!sameSet(live.VPCZoneIdentifier?.split(','), desired.VPCZoneIdentifier?.split(','))) {
    change('VPCZoneIdentifier', desired.VPCZoneIdentifier, 'subnets');
  }
  if ((live.TerminationPolicies ?? []).join(',') !== (desired.TerminationPolicies ?? []).join(',')) {
    change(
      'TerminationPolicies',
      desired.TerminationPolicies,
      `termination policies ${desired.TerminationPolicies?.join(', ')}`,
    );
  }
  const drift = sameSet(live.LoadBalancerNames, desired.LoadBalancerNames)
    ? []
    : [
        `${LABEL} ${live.AutoScalingGroupName} is attached to ${live.LoadBalancerNames?.join(', ') || 'no load balancer'}, not ${desired.LoadBalancerNames?.join(', ')} (attach it with aws autoscaling attach-load-balancers)`,
      ];
  return { input: changes.length > 0 ? update : undefined, changes, drift };
}

/** The group by name, as AWS shows it now (including one being deleted); undefined when there is none. */
export function describeGroup(ctx: Pick<AsgCtx, 'aws'>, name: string): Promise<AutoScalingGroup | undefined> {
  return autoScalingFind(
    `describing ${LABEL}`,
    async () =>
      (
        await ctx.aws.autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
        )
      ).AutoScalingGroups?.[0],
    name,
  );
}

function isOurs(ctx: Pick<AsgCtx, 'config' | 'step'>, group: AutoScalingGroup): boolean {
  return (
    tagValue(group.Tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(group.Tags, TAG_RESOURCE) === resourceTagValue(ctx.step, ASG_ROLES.group)
  );
}

/** Waits, bounded, until no group of this name is left (an earlier delete still running, or ours). */
export async function awaitGroupGone(ctx: AsgCtx, name: string, maxWaitSeconds: number): Promise<void> {
  await pollUntil(
    ctx,
    { what: `${LABEL} ${name} to be deleted`, resourceId: name, maxWaitSeconds },
    async () => {
      const group = await describeGroup(ctx, name);
      if (!group) return { done: true, value: undefined };
      const left = group.Instances?.length ?? 0;
      return { done: false, state: `${group.Status ?? 'active'}, ${left} instance(s) left` };
    },
  );
}

/** `desired` (the CreateAutoScalingGroup input) is needed only to create the group. */
export function groupSpec(
  ctx: AsgCtx,
  desired?: () => CreateAutoScalingGroupCommandInput,
): Spec<AutoScalingGroup> {
  const { autoscaling } = ctx.aws;
  const name = groupName(ctx.config);
  const live = (group: AutoScalingGroup | undefined) =>
    group && group.Status !== DELETING ? group : undefined;
  return {
    role: ASG_ROLES.group,
    type: ASG_TYPES.group,
    label: LABEL,
    details: { name },
    idOf: (g) => g.AutoScalingGroupName!,
    tagsOf: (g) => g.Tags,
    attributes: (g) => ({
      arn: g.AutoScalingGroupARN ?? null,
      appliedDesiredCapacity: g.DesiredCapacity ?? null,
    }),
    findById: async (id) => live(await describeGroup(ctx, id)),
    findByTags: async () =>
      (
        (
          await awsCall(`finding the ${LABEL} by tags`, () =>
            autoscaling.send(
              new DescribeAutoScalingGroupsCommand({
                Filters: [
                  { Name: `tag:${TAG_DEPLOYMENT}`, Values: [ctx.config.name] },
                  { Name: `tag:${TAG_RESOURCE}`, Values: [resourceTagValue(ctx.step, ASG_ROLES.group)] },
                ],
              }),
            ),
          )
        ).AutoScalingGroups ?? []
      ).filter((g) => g.Status !== DELETING),
    create: async () => {
      if (!desired) throw new Error('auto-scaling: creating the group needs its settings');
      const input = desired();
      // A group of this name still being deleted (a destroy moments ago) blocks the name until it is gone.
      if (isBeingDeleted(await describeGroup(ctx, name))) {
        await awaitGroupGone(ctx, name, ASG_WAITS.previousGroupGone);
      }
      try {
        await awsCall(`creating ${LABEL} ${name}`, () =>
          autoscaling.send(new CreateAutoScalingGroupCommand(input)),
        );
      } catch (error) {
        if (!failedWith(error, 'AlreadyExists')) throw error;
        const existing = await describeGroup(ctx, name);
        // Ours by its tags: a create whose answer was lost, seen again on the SDK's retry.
        if (!existing || !isOurs(ctx, existing)) {
          throw new ProvisioningError(
            `An ${LABEL} named ${name} already exists and is not tagged for this deployment`,
            {
              code: 'NAME_TAKEN',
              resourceId: name,
              hint: `Delete it, or tag it ${TAG_DEPLOYMENT}=${ctx.config.name} and ${TAG_RESOURCE}=${resourceTagValue(ctx.step, ASG_ROLES.group)} to adopt it, and run again.`,
            },
          );
        }
      }
      const created = await describeGroup(ctx, name);
      if (!created) throw new Error(`auto-scaling: ${LABEL} ${name} is not visible right after its creation`);
      return created;
    },
    delete: async (group) => {
      const id = group.AutoScalingGroupName!;
      // ForceDelete terminates its instances; the group is gone once they are.
      await autoScalingDelete(
        `deleting ${LABEL}`,
        () =>
          autoscaling.send(
            new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: id, ForceDelete: true }),
          ),
        id,
      );
      await awaitGroupGone(ctx, id, ASG_WAITS.groupDeleted);
    },
  };
}

/** Applies a group update and says what changed. */
export async function updateGroup(ctx: AsgCtx, update: GroupUpdate): Promise<void> {
  if (!update.input) return;
  const name = update.input.AutoScalingGroupName!;
  const input = update.input;
  await awsCall(
    `updating ${LABEL} (${update.changes.join(', ')})`,
    () => ctx.aws.autoscaling.send(new UpdateAutoScalingGroupCommand(input)),
    name,
  );
  ctx.events.info('resource.update', `${LABEL} ${name}: ${update.changes.join(', ')}`, {
    type: ASG_TYPES.group,
    role: ASG_ROLES.group,
    id: name,
    changes: update.changes,
  });
}
