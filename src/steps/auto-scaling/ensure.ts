/**
 * apply for the auto-scaling step, in order: the launch template (a new version when the image or the
 * node settings changed), the group (sizes, grace period and template version converged), the two
 * scaling policies and their CPU alarms, a rolling instance refresh when nodes run an older version,
 * then a bounded wait until `min` nodes serve behind the load balancer, and the URL.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { awsCall } from '../../aws/errors.js';
import type { StepContext, StepResult } from '../../engine/step.js';
import { ensureResource } from '../resource.js';
import { describeGroup, groupInput, groupSpec, groupUpdate, updateGroup } from './group.js';
import type { FrontTier } from './layout.js';
import { ASG_ROLES, ASG_TYPES, frontTier, groupName } from './layout.js';
import {
  convergeLaunchTemplate,
  imageRootDevice,
  launchTemplateSpec,
  nodeLaunchTemplateData,
  nodeUserData,
} from './launch-template.js';
import { awaitServingNodes } from './nodes.js';
import { rollGroup } from './rollout.js';
import type { Direction } from './scaling.js';
import {
  DIRECTIONS,
  alarmChanges,
  alarmInput,
  alarmSpec,
  policyChanges,
  policyInput,
  policySpec,
} from './scaling.js';

export interface AutoScalingOutputs {
  groupName: string;
  launchTemplateId: string;
  launchTemplateVersion: number;
  /** config.gitlab.externalUrl: point its DNS name at the load balancer. */
  url: string;
  loadBalancerDnsName: string;
  scaleOutPolicyArn: string;
  scaleInPolicyArn: string;
  highCpuAlarmName: string;
  lowCpuAlarmName: string;
}

export function frontTierOf(ctx: Pick<StepContext, 'outputsOf'>): FrontTier {
  return frontTier({
    network: ctx.outputsOf('network'),
    security: ctx.outputsOf('security'),
    identity: ctx.outputsOf('identity'),
    image: ctx.outputsOf('image'),
    loadBalancer: ctx.outputsOf('load-balancer'),
  });
}

/** The launch template data the nodes should start from now. */
export async function desiredLaunchTemplateData(
  ctx: Pick<StepContext, 'aws' | 'config' | 'tags' | 'outputsOf'>,
  tier: FrontTier,
): Promise<RequestLaunchTemplateData> {
  return nodeLaunchTemplateData(ctx.config, {
    amiId: tier.amiId,
    rootDeviceName: await imageRootDevice(ctx, tier.amiId),
    securityGroupId: tier.appSecurityGroupId,
    instanceProfileArn: tier.instanceProfileArn,
    userData: nodeUserData(ctx.config, {
      database: ctx.outputsOf('database'),
      redis: ctx.outputsOf('redis'),
      storage: ctx.outputsOf('storage'),
    }),
    instanceTags: ctx.tags(ASG_ROLES.node),
    volumeTags: ctx.tags(ASG_ROLES.nodeRootVolume),
  });
}

async function convergeGroup(
  ctx: StepContext,
  group: AutoScalingGroup,
  desired: ReturnType<typeof groupInput>,
): Promise<void> {
  const recorded = ctx.recorded(ASG_ROLES.group);
  const applied = recorded?.attributes?.appliedDesiredCapacity;
  const update = groupUpdate(group, desired, typeof applied === 'number' ? applied : undefined);
  const name = group.AutoScalingGroupName!;
  for (const drift of update.drift) {
    ctx.events.warn('resource.drift', drift, { type: ASG_TYPES.group, role: ASG_ROLES.group, id: name });
  }
  await updateGroup(ctx, update);
  const wanted = desired.DesiredCapacity!;
  if (update.input?.DesiredCapacity === undefined && group.DesiredCapacity !== wanted && applied === wanted) {
    ctx.events.info(
      'note',
      `${name} runs ${group.DesiredCapacity} nodes (its scaling policies' doing); the config's desired ${wanted} is left for them to manage`,
      { id: name, desiredCapacity: group.DesiredCapacity, configured: wanted },
    );
  }
  // Remember the desired capacity gitlab-ha set last, so a later scale-out is not undone.
  const nowApplied = update.input?.DesiredCapacity ?? (group.DesiredCapacity === wanted ? wanted : applied);
  if (recorded && nowApplied !== applied && typeof nowApplied === 'number') {
    await ctx.record(ASG_ROLES.group, {
      type: recorded.type,
      id: recorded.id,
      origin: recorded.origin,
      attributes: { ...recorded.attributes, appliedDesiredCapacity: nowApplied },
    });
  }
}

async function ensurePolicy(
  ctx: StepContext,
  direction: Direction,
  group: AutoScalingGroup,
): Promise<string> {
  const name = group.AutoScalingGroupName!;
  const input = policyInput(ctx.config, direction, name);
  const spec = policySpec(ctx, direction, { name, tags: group.Tags }, () => input);
  const { resource, action } = await ensureResource(ctx, spec);
  const changes = action === 'created' ? [] : policyChanges(resource, input);
  if (changes.length > 0) {
    await awsCall(
      `updating Auto Scaling ${spec.label}`,
      () => ctx.aws.autoscaling.send(new PutScalingPolicyCommand(input)),
      name,
    );
    ctx.events.info('resource.update', `${spec.label}: ${changes.join(', ')}`, {
      type: spec.type,
      role: spec.role,
      id: resource.PolicyARN,
      changes,
    });
  }
  return resource.PolicyARN!;
}

async function ensureAlarm(
  ctx: StepContext,
  direction: Direction,
  group: string,
  policyArn: string,
): Promise<string> {
  const input = alarmInput(
    ctx.config,
    direction,
    group,
    policyArn,
    ctx.tags(DIRECTIONS[direction].alarmRole),
  );
  const spec = alarmSpec(ctx, direction, () => input);
  const { resource, action } = await ensureResource(ctx, spec);
  const changes = action === 'created' ? [] : alarmChanges(resource.alarm, input);
  if (changes.length > 0) {
    // PutMetricAlarm overwrites the whole configuration (the tags of an existing alarm stay as they are).
    await awsCall(
      `updating ${spec.label}`,
      () => ctx.aws.cloudwatch.send(new PutMetricAlarmCommand(input)),
      input.AlarmName,
    );
    ctx.events.info('resource.update', `${spec.label}: ${changes.join(', ')}`, {
      type: spec.type,
      role: spec.role,
      id: input.AlarmName,
      changes,
    });
  }
  return input.AlarmName!;
}

export async function ensureAutoScaling(ctx: StepContext): Promise<StepResult> {
  const tier = frontTierOf(ctx);
  const name = groupName(ctx.config);
  const data = await desiredLaunchTemplateData(ctx, tier);
  const { resource: template } = await ensureResource(
    ctx,
    launchTemplateSpec(ctx, () =>
      Promise.resolve({ data, tokenBase: `${ctx.config.name}-lt-${tier.appSecurityGroupId}` }),
    ),
  );
  const { version } = await convergeLaunchTemplate(ctx, template, data);
  const templateId = template.LaunchTemplateId!;

  const desiredGroup = groupInput(ctx, tier, { id: templateId, version });
  const { resource: group, action } = await ensureResource(
    ctx,
    groupSpec(ctx, () => desiredGroup),
  );
  if (action !== 'created') await convergeGroup(ctx, group, desiredGroup);

  const scaleOutPolicyArn = await ensurePolicy(ctx, 'out', group);
  const scaleInPolicyArn = await ensurePolicy(ctx, 'in', group);
  const highCpuAlarmName = await ensureAlarm(ctx, 'out', name, scaleOutPolicyArn);
  const lowCpuAlarmName = await ensureAlarm(ctx, 'in', name, scaleInPolicyArn);

  await rollGroup(ctx, async () => {
    const current = await describeGroup(ctx, name);
    if (!current)
      throw new Error(`auto-scaling: the Auto Scaling group ${name} disappeared while it was being set up`);
    return current;
  });
  await awaitServingNodes(ctx, name, tier.loadBalancerName, ctx.config.autoScaling.min);

  const url = ctx.config.gitlab.externalUrl;
  ctx.events.info('note', `GitLab: ${url} — point its DNS at ${tier.loadBalancerDnsName} (CNAME/ALIAS)`, {
    url,
    loadBalancerDnsName: tier.loadBalancerDnsName,
  });
  const outputs: AutoScalingOutputs = {
    groupName: name,
    launchTemplateId: templateId,
    launchTemplateVersion: version,
    url,
    loadBalancerDnsName: tier.loadBalancerDnsName,
    scaleOutPolicyArn,
    scaleInPolicyArn,
    highCpuAlarmName,
    lowCpuAlarmName,
  };
  return { outputs: { ...outputs } };
}
