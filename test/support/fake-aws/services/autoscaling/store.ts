import type { FakeEnvironment } from '../../core/environment.js';
import type { TaggedResource } from '../../core/service.js';
import type { TagMap } from '../../core/tags.js';
import type { Ec2Store } from '../ec2/index.js';
import { groupNotFound } from './errors.js';
import { executePolicy } from './policies.js';
import type {
  AutoScalingGroupRecord,
  InstanceRefreshRecord,
  RefreshStatus,
  ScalingPolicyRecord,
} from './records.js';

/** Called with the group's name, the instances concerned and the group's classic load balancers. */
export type GroupInstancesHook = (
  groupName: string,
  instanceIds: string[],
  loadBalancerNames: string[],
) => void;

/** Refresh statuses after which a new refresh may start. */
export const FINISHED_REFRESH: readonly RefreshStatus[] = ['Successful', 'Failed', 'Cancelled'];

/**
 * Auto Scaling groups, their scaling policies and instance refreshes. A group launches and terminates
 * its instances through the EC2 store (see simulation.ts); tests may read and tamper with it.
 */
export class AutoScalingStore {
  /** By group name. */
  readonly groups = new Map<string, AutoScalingGroupRecord>();
  /** By policy ARN. */
  readonly policies = new Map<string, ScalingPolicyRecord>();
  /** Every refresh ever started, oldest first. */
  readonly refreshes: InstanceRefreshRecord[] = [];

  /**
   * Instances a group launched: FakeAws registers them with the group's load balancers (as AWS
   * does before they go InService).
   */
  onLaunch?: GroupInstancesHook;
  /** Instances a group started terminating: FakeAws deregisters them from its load balancers. */
  onTerminate?: GroupInstancesHook;
  /** Whether a classic load balancer exists (CreateAutoScalingGroup refuses unknown ones). Unset: any name. */
  loadBalancerExists?: (name: string) => boolean;

  private launchCount = 0;

  constructor(
    readonly env: FakeEnvironment,
    readonly ec2: Ec2Store,
  ) {}

  group(name: string | undefined): AutoScalingGroupRecord {
    const group = this.groups.get(name ?? '');
    if (!group) throw groupNotFound(name ?? '');
    return group;
  }

  groupArn(name: string): string {
    return `arn:aws:autoscaling:${this.env.region}:${this.env.account}:autoScalingGroup:${this.env.ids.requestId()}:autoScalingGroupName/${name}`;
  }

  policyArn(groupName: string, policyName: string): string {
    return `arn:aws:autoscaling:${this.env.region}:${this.env.account}:scalingPolicy:${this.env.ids.requestId()}:autoScalingGroupName/${groupName}:policyName/${policyName}`;
  }

  nextLaunchSequence(): number {
    this.launchCount += 1;
    return this.launchCount;
  }

  /** The refresh of a group that is still Pending or InProgress. */
  activeRefresh(groupName: string): InstanceRefreshRecord | undefined {
    return this.refreshes.find((r) => r.groupName === groupName && !FINISHED_REFRESH.includes(r.status));
  }

  /** Test hook: ends a group's running refresh as AWS does when it gives up (or is cancelled). */
  endInstanceRefresh(groupName: string, status: 'Failed' | 'Cancelled', reason: string): void {
    const refresh = this.activeRefresh(groupName);
    if (!refresh) throw new Error(`fake-aws: no instance refresh in progress for ${groupName}`);
    refresh.status = status;
    refresh.statusReason = reason;
    refresh.endTime = new Date();
  }

  /** What a CloudWatch alarm action does: runs the scaling policy (FakeAws wires the CloudWatch fake to it). */
  executePolicy(policyArn: string): void {
    executePolicy(this, policyArn);
  }

  /** The tags a group puts on the instances it launches. */
  propagatedTags(group: AutoScalingGroupRecord): TagMap {
    return Object.fromEntries(group.tags.filter((t) => t.propagateAtLaunch).map((t) => [t.key, t.value]));
  }

  listTagged(): TaggedResource[] {
    return [...this.groups.values()]
      .filter((g) => g.tags.length > 0)
      .map((g) => ({ arn: g.arn, tags: Object.fromEntries(g.tags.map((t) => [t.key, t.value])) }));
  }
}
