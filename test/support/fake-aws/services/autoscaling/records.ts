/** The Auto Scaling state the fake keeps: groups with their instances, scaling policies, instance refreshes. */

export type LifecycleState = 'Pending' | 'InService' | 'Terminating';
export type HealthStatus = 'Healthy' | 'Unhealthy';

/** One instance of a group (a terminated one leaves the group's list, as on AWS). */
export interface GroupInstanceRecord {
  instanceId: string;
  availabilityZone: string;
  subnetId: string;
  lifecycleState: LifecycleState;
  healthStatus: HealthStatus;
  /** The launch template version number it was launched from, as a string (`"3"`). */
  launchTemplateVersion: string;
  /** Launch order within the store (older instances have smaller numbers). */
  launchSequence: number;
  /** Polls of the running instance still needed before it is InService. */
  pollsToInService: number;
}

export interface GroupTagRecord {
  key: string;
  value: string;
  propagateAtLaunch: boolean;
}

export interface AutoScalingGroupRecord {
  name: string;
  arn: string;
  /** As the group names it: `version` may be a number, `$Latest` or `$Default`. */
  launchTemplate: { id: string; name: string; version: string };
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  healthCheckType: string;
  healthCheckGracePeriod: number;
  subnetIds: string[];
  loadBalancerNames: string[];
  terminationPolicies: string[];
  tags: GroupTagRecord[];
  instances: GroupInstanceRecord[];
  /** DeleteAutoScalingGroup with ForceDelete: gone once its instances are terminated. */
  deleting: boolean;
  createdTime: Date;
  /** Why the last launch failed (AWS shows it in the scaling activities), retried on the next poll. */
  lastLaunchFailure?: string | undefined;
}

export interface ScalingPolicyRecord {
  arn: string;
  name: string;
  groupName: string;
  policyType: 'SimpleScaling';
  adjustmentType: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';
  scalingAdjustment: number;
  cooldown?: number | undefined;
  minAdjustmentMagnitude?: number | undefined;
}

export type RefreshStatus = 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';

export interface InstanceRefreshRecord {
  id: string;
  groupName: string;
  status: RefreshStatus;
  statusReason?: string | undefined;
  startTime: Date;
  endTime?: Date | undefined;
  minHealthyPercentage: number;
  maxHealthyPercentage: number;
  instanceWarmup?: number | undefined;
  skipMatching: boolean;
  /** Instances to replace, fixed when the refresh starts replacing. */
  toReplace: string[];
  pollsToStart: number;
}
