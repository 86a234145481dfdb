/**
 * The guide's "Policies": two simple scaling policies on the group (+1 instance, -1 instance) and the
 * CloudWatch alarms that run them, on the group's average CPU (AWS/EC2 CPUUtilization by
 * AutoScalingGroupName): above `scaleOut.cpuPercent` -> +1, below `scaleIn.cpuPercent` -> -1, each
 * over its own period, evaluation periods and cooldown. PutScalingPolicy and PutMetricAlarm create or
 * overwrite by name, so a create that crashed before it was recorded is simply found again by name.
 */
import {
  DeletePolicyCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-auto-scaling';
import type { PutScalingPolicyCommandInput, ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import type { MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { awsCall, awsDelete, awsFind } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue, tagValue } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import { ASG_ROLES, ASG_TYPES } from './layout.js';
import type { AsgCtx } from './launch-template.js';
import { autoScalingDelete, autoScalingFind } from './not-found.js';

type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;
export type Direction = 'out' | 'in';

interface DirectionFacts {
  policyRole: string;
  alarmRole: string;
  policySuffix: string;
  alarmSuffix: string;
  adjustment: number;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  symbol: string;
  settings(config: Config): Config['autoScaling']['scaleOut'];
}

export const DIRECTIONS: Record<Direction, DirectionFacts> = {
  out: {
    policyRole: ASG_ROLES.scaleOutPolicy,
    alarmRole: ASG_ROLES.highCpuAlarm,
    policySuffix: 'scale-out',
    alarmSuffix: 'cpu-high',
    adjustment: 1,
    comparison: 'GreaterThanThreshold',
    symbol: '>',
    settings: (config) => config.autoScaling.scaleOut,
  },
  in: {
    policyRole: ASG_ROLES.scaleInPolicy,
    alarmRole: ASG_ROLES.lowCpuAlarm,
    policySuffix: 'scale-in',
    alarmSuffix: 'cpu-low',
    adjustment: -1,
    comparison: 'LessThanThreshold',
    symbol: '<',
    settings: (config) => config.autoScaling.scaleIn,
  },
};

export function policyName(config: Pick<Config, 'name'>, direction: Direction): string {
  return `${config.name}-${DIRECTIONS[direction].policySuffix}`;
}

export function alarmName(config: Pick<Config, 'name'>, direction: Direction): string {
  return `${config.name}-${DIRECTIONS[direction].alarmSuffix}`;
}

// --- scaling policies ---------------------------------------------------------------------------

export function policyInput(
  config: Config,
  direction: Direction,
  group: string,
): PutScalingPolicyCommandInput {
  const facts = DIRECTIONS[direction];
  return {
    AutoScalingGroupName: group,
    PolicyName: policyName(config, direction),
    PolicyType: 'SimpleScaling',
    AdjustmentType: 'ChangeInCapacity',
    ScalingAdjustment: facts.adjustment,
    Cooldown: facts.settings(config).cooldownSeconds,
  };
}

export function policyDetails(
  config: Config,
  direction: Direction,
): Record<string, string | number | boolean> {
  const facts = DIRECTIONS[direction];
  return {
    name: policyName(config, direction),
    adjustment: `${facts.adjustment > 0 ? '+' : ''}${facts.adjustment} instance`,
    cooldownSeconds: facts.settings(config).cooldownSeconds,
  };
}

export function policyChanges(live: ScalingPolicy, desired: PutScalingPolicyCommandInput): string[] {
  const checks: [boolean, string][] = [
    [live.PolicyType !== desired.PolicyType, `type ${live.PolicyType} -> ${desired.PolicyType}`],
    [
      live.AdjustmentType !== desired.AdjustmentType,
      `adjustment type ${live.AdjustmentType} -> ${desired.AdjustmentType}`,
    ],
    [
      live.ScalingAdjustment !== desired.ScalingAdjustment,
      `adjustment ${live.ScalingAdjustment} -> ${desired.ScalingAdjustment}`,
    ],
    [live.Cooldown !== desired.Cooldown, `cooldown ${live.Cooldown ?? 'default'} s -> ${desired.Cooldown} s`],
  ];
  return checks.filter(([differs]) => differs).map(([, text]) => text);
}

/**
 * A policy of the group. Policies carry no tags: they belong to the group, so `groupTags` (the
 * group's) decide whether gitlab-ha made it. `desired` is needed only to create it.
 */
export function policySpec(
  ctx: AsgCtx,
  direction: Direction,
  group: { name: string; tags: { Key?: string; Value?: string }[] | undefined },
  desired?: () => PutScalingPolicyCommandInput,
): Spec<ScalingPolicy> {
  const { autoscaling } = ctx.aws;
  const name = policyName(ctx.config, direction);
  const label = `scaling policy ${name}`;
  const describe = (nameOrArn: string) =>
    autoScalingFind(
      `describing Auto Scaling ${label}`,
      async () =>
        (
          await autoscaling.send(
            new DescribePoliciesCommand({ AutoScalingGroupName: group.name, PolicyNames: [nameOrArn] }),
          )
        ).ScalingPolicies?.[0],
      nameOrArn,
    );
  return {
    role: DIRECTIONS[direction].policyRole,
    type: ASG_TYPES.policy,
    label,
    details: policyDetails(ctx.config, direction),
    idOf: (p) => p.PolicyARN!,
    tagsOf: () => group.tags,
    attributes: (p) => ({ name: p.PolicyName ?? name }),
    findById: describe,
    findByTags: async () => {
      const found = await describe(name);
      return found ? [found] : [];
    },
    create: async () => {
      if (!desired) throw new Error(`auto-scaling: creating the ${label} needs its settings`);
      const input = desired();
      const { PolicyARN } = await awsCall(`creating Auto Scaling ${label}`, () =>
        autoscaling.send(new PutScalingPolicyCommand(input)),
      );
      return { ...input, PolicyARN };
    },
    delete: async (policy) => {
      const arn = policy.PolicyARN!;
      await autoScalingDelete(
        `deleting Auto Scaling ${label}`,
        () =>
          autoscaling.send(new DeletePolicyCommand({ AutoScalingGroupName: group.name, PolicyName: name })),
        arn,
      );
    },
  };
}

// --- CloudWatch alarms ----------------------------------------------------------------------------

export function alarmInput(
  config: Config,
  direction: Direction,
  group: string,
  policyArn: string,
  tags: Tag[],
): PutMetricAlarmCommandInput {
  const facts = DIRECTIONS[direction];
  const settings = facts.settings(config);
  return {
    AlarmName: alarmName(config, direction),
    AlarmDescription: `gitlab-ha ${config.name}: average CPU of the GitLab nodes ${facts.symbol} ${settings.cpuPercent} % -> ${policyName(config, direction)} (${facts.adjustment > 0 ? '+' : ''}${facts.adjustment} instance)`,
    ActionsEnabled: true,
    AlarmActions: [policyArn],
    MetricName: 'CPUUtilization',
    Namespace: 'AWS/EC2',
    Statistic: 'Average',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
    Period: settings.periodSeconds,
    EvaluationPeriods: settings.evaluationPeriods,
    Threshold: settings.cpuPercent,
    ComparisonOperator: facts.comparison,
    Tags: tags,
  };
}

export function alarmDetails(
  config: Config,
  direction: Direction,
): Record<string, string | number | boolean> {
  const facts = DIRECTIONS[direction];
  const settings = facts.settings(config);
  return {
    name: alarmName(config, direction),
    condition: `average CPU ${facts.symbol} ${settings.cpuPercent} %`,
    evaluation: `${settings.evaluationPeriods} x ${settings.periodSeconds} s`,
    action: policyName(config, direction),
  };
}

export function alarmChanges(live: MetricAlarm, desired: PutMetricAlarmCommandInput): string[] {
  const dimensions = (d: { Name?: string; Value?: string }[] | undefined) =>
    (d ?? [])
      .map((x) => `${x.Name}=${x.Value}`)
      .sort()
      .join(',');
  const checks: [boolean, string][] = [
    [live.Threshold !== desired.Threshold, `threshold ${live.Threshold} % -> ${desired.Threshold} %`],
    [
      live.ComparisonOperator !== desired.ComparisonOperator,
      `comparison ${live.ComparisonOperator} -> ${desired.ComparisonOperator}`,
    ],
    [live.Period !== desired.Period, `period ${live.Period} s -> ${desired.Period} s`],
    [
      live.EvaluationPeriods !== desired.EvaluationPeriods,
      `evaluation periods ${live.EvaluationPeriods} -> ${desired.EvaluationPeriods}`,
    ],
    [
      live.MetricName !== desired.MetricName ||
        live.Namespace !== desired.Namespace ||
        live.Statistic !== desired.Statistic,
      'metric',
    ],
    [dimensions(live.Dimensions) !== dimensions(desired.Dimensions), 'dimensions'],
    [
      (live.AlarmActions ?? []).join(',') !== (desired.AlarmActions ?? []).join(','),
      'actions (scaling policy)',
    ],
    [live.ActionsEnabled !== desired.ActionsEnabled, 'actions enabled'],
  ];
  return checks.filter(([differs]) => differs).map(([, text]) => text);
}

/** An alarm as found, with its tags when they were looked up (to tell ours from someone else's). */
export interface LiveAlarm {
  alarm: MetricAlarm;
  tags?: { Key?: string; Value?: string }[];
}

/** `desired` (the PutMetricAlarm input) is needed only to create the alarm. */
export function alarmSpec(
  ctx: AsgCtx,
  direction: Direction,
  desired?: () => PutMetricAlarmCommandInput,
): Spec<LiveAlarm> {
  const { cloudwatch } = ctx.aws;
  const name = alarmName(ctx.config, direction);
  const role = DIRECTIONS[direction].alarmRole;
  const label = `CloudWatch alarm ${name}`;
  const describe = () =>
    awsFind(
      `describing ${label}`,
      async () =>
        (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0],
      name,
    );
  const tagsOf = async (alarm: MetricAlarm) =>
    (
      await awsCall(
        `reading the tags of ${label}`,
        () => cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn })),
        name,
      )
    ).Tags ?? [];
  const isOurs = (tags: { Key?: string; Value?: string }[]) =>
    tagValue(tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(tags, TAG_RESOURCE) === resourceTagValue(ctx.step, role);
  return {
    role,
    type: ASG_TYPES.alarm,
    label,
    details: alarmDetails(ctx.config, direction),
    idOf: (a) => a.alarm.AlarmName!,
    tagsOf: (a) => a.tags,
    attributes: (a) => ({ arn: a.alarm.AlarmArn ?? null }),
    findById: async (id) => {
      const alarm = id === name ? await describe() : undefined;
      return alarm ? { alarm } : undefined;
    },
    // Alarms cannot be filtered by tag: the one with this deployment's name, when its tags say it is ours.
    findByTags: async () => {
      const alarm = await describe();
      if (!alarm) return [];
      const tags = await tagsOf(alarm);
      return isOurs(tags) ? [{ alarm, tags }] : [];
    },
    create: async () => {
      if (!desired) throw new Error(`auto-scaling: creating the ${label} needs its settings`);
      // PutMetricAlarm would overwrite an alarm of the same name that someone else made.
      if (await describe()) {
        throw new ProvisioningError(`A ${label} already exists and is not tagged for this deployment`, {
          code: 'NAME_TAKEN',
          resourceId: name,
          hint: `Delete it (aws cloudwatch delete-alarms --alarm-names ${name}), or tag it ${TAG_DEPLOYMENT}=${ctx.config.name} and ${TAG_RESOURCE}=${resourceTagValue(ctx.step, role)} to adopt it, and run again.`,
        });
      }
      const input = desired();
      await awsCall(`creating ${label}`, () => cloudwatch.send(new PutMetricAlarmCommand(input)), name);
      const created = await describe();
      if (!created) throw new Error(`auto-scaling: ${label} is not visible right after its creation`);
      return { alarm: created, tags: input.Tags ?? [] };
    },
    delete: async () => {
      await awsDelete(
        `deleting ${label}`,
        () => cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [name] })),
        name,
      );
    },
  };
}
