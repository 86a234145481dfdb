/**
 * The auto-scaling step's fixed facts: names, roles, resource types, wait bounds, and what it takes
 * from the steps before it (private subnets, the `app` group, the node instance profile, the GitLab
 * image, the load balancer).
 */
import type { Config } from '../../config/schema.js';
import type { StepOutputs } from '../../engine/step.js';

export const ASG_ROLES = {
  launchTemplate: 'launch-template',
  group: 'group',
  /** The instances the group launches (tagged through the launch template), and their root volumes. */
  node: 'node',
  nodeRootVolume: 'node/root-volume',
  scaleOutPolicy: 'policy/scale-out',
  scaleInPolicy: 'policy/scale-in',
  highCpuAlarm: 'alarm/cpu-high',
  lowCpuAlarm: 'alarm/cpu-low',
} as const;

export const ASG_TYPES = {
  launchTemplate: 'ec2:launch-template',
  group: 'autoscaling:group',
  policy: 'autoscaling:policy',
  alarm: 'cloudwatch:alarm',
  instance: 'ec2:instance',
} as const;

/** `<deployment>-gitlab`: the launch template and the group share it. */
export function groupName(config: Pick<Config, 'name'>): string {
  return `${config.name}-gitlab`;
}

export const launchTemplateName = groupName;

/** Bounds of the step's waits, in seconds (scaled by ctx.timing.maxWaitScale). */
export const ASG_WAITS = {
  /** Boot, NFS mount, `gitlab-ctl reconfigure` and the load balancer's healthy threshold. */
  inService: 25 * 60,
  /** A group being deleted by an earlier run, before one of the same name can be created. */
  previousGroupGone: 20 * 60,
  /** ForceDelete: every instance terminated (connection draining included). */
  groupDeleted: 20 * 60,
  instancesTerminated: 15 * 60,
} as const;

/**
 * A rolling refresh replaces instances one batch at a time, each booting and then warming up for the
 * grace period: allow boot + warm-up per desired instance, and never less than 30 minutes.
 */
export function instanceRefreshWaitSeconds(config: Config): number {
  const perInstance = config.autoScaling.healthCheckGracePeriodSeconds + 10 * 60;
  return Math.max(30 * 60, config.autoScaling.desired * perInstance);
}

/**
 * Scale-in removes instances still on an older launch template version first (left over from an
 * interrupted refresh), then the longest-running ones. Auto Scaling balances the zones before either.
 */
export const TERMINATION_POLICIES = ['OldestLaunchTemplate', 'OldestInstance'];

/** Seconds after a scaling activity before the next (the simple policies set their own cooldowns). */
export const DEFAULT_COOLDOWN_SECONDS = 300;

/** What the group is built from: outputs of the steps it depends on. */
export interface FrontTier {
  privateSubnetIds: string[];
  appSecurityGroupId: string;
  instanceProfileArn: string;
  amiId: string;
  loadBalancerName: string;
  loadBalancerDnsName: string;
}

function need(value: unknown, step: string, output: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`auto-scaling: the ${step} step recorded no ${output} output`);
  }
  return value;
}

export function frontTier(outputs: {
  network: StepOutputs;
  security: StepOutputs;
  identity: StepOutputs;
  image: StepOutputs;
  loadBalancer: StepOutputs;
}): FrontTier {
  const subnets = outputs.network.privateSubnetIds;
  if (!Array.isArray(subnets) || subnets.length === 0 || !subnets.every((s) => typeof s === 'string')) {
    throw new Error('auto-scaling: the network step recorded no privateSubnetIds output');
  }
  const groups = outputs.security.securityGroupIds;
  const app = groups && typeof groups === 'object' && !Array.isArray(groups) ? groups.app : undefined;
  return {
    privateSubnetIds: subnets,
    appSecurityGroupId: need(app, 'security', 'securityGroupIds.app'),
    instanceProfileArn: need(outputs.identity.instanceProfileArn, 'identity', 'instanceProfileArn'),
    amiId: need(outputs.image.amiId, 'image', 'amiId'),
    loadBalancerName: need(outputs.loadBalancer.name, 'load-balancer', 'name'),
    loadBalancerDnsName: need(outputs.loadBalancer.dnsName, 'load-balancer', 'dnsName'),
  };
}

/** GitLab's readiness endpoint under the external URL (the load balancer checks the same path). */
export function readinessUrl(config: Config): string {
  return `${config.gitlab.externalUrl.replace(/\/+$/, '')}/-/readiness`;
}
