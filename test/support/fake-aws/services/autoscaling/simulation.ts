/**
 * What an Auto Scaling group does between calls, advanced one step per poll of the group
 * (DescribeAutoScalingGroups or DescribeInstanceRefreshes selecting it):
 *   - each instance is polled through EC2 (pending -> running), then stays `Pending` for
 *     `latency.asgInstanceInService` more polls before it is `InService`; one terminated or stopped
 *     behind the group's back is marked Unhealthy and replaced;
 *   - `Terminating` instances leave the group once EC2 shows them terminated;
 *   - a running instance refresh replaces instances (refresh.ts);
 *   - the group launches instances up to its desired capacity, spread over the zones of its subnets
 *     (the least used first), and terminates extras: the zone with most instances first, then by its
 *     termination policies;
 *   - a group being deleted disappears once it has no instances left.
 * Launches go through EC2's RunInstances (launchFromTemplate): a launch EC2 refuses (a missing AMI,
 * an instance profile it cannot see yet) is remembered as the group's last failure and tried again
 * on the next poll, as AWS retries failed scaling activities.
 */
import { reconcileCapacity, terminate } from './capacity.js';
import type { AutoScalingGroupRecord, GroupInstanceRecord } from './records.js';
import { advanceRefresh } from './refresh-progress.js';
import type { AutoScalingStore } from './store.js';

const LIVE_EC2_STATES = ['pending', 'running'];

/** One poll of the group; false when the group is gone after it (a finished delete). */
export function tick(store: AutoScalingStore, group: AutoScalingGroupRecord): boolean {
  for (const instance of [...group.instances]) advanceInstance(store, group, instance);
  if (group.deleting) {
    if (group.instances.length > 0) return true;
    store.groups.delete(group.name);
    return false;
  }
  advanceRefresh(store, group);
  reconcileCapacity(store, group);
  return true;
}

function advanceInstance(
  store: AutoScalingStore,
  group: AutoScalingGroupRecord,
  instance: GroupInstanceRecord,
): void {
  const ec2Instance = store.ec2.instances.get(instance.instanceId);
  if (ec2Instance) store.ec2.instanceOps?.poll(instance.instanceId);
  const state = ec2Instance?.state ?? 'terminated';
  if (instance.lifecycleState === 'Terminating') {
    if (state === 'terminated') group.instances.splice(group.instances.indexOf(instance), 1);
    return;
  }
  if (!LIVE_EC2_STATES.includes(state)) {
    // Terminated or stopped behind the group's back: unhealthy, replaced.
    instance.healthStatus = 'Unhealthy';
    terminate(store, group, [instance]);
    return;
  }
  if (instance.lifecycleState === 'Pending' && state === 'running') {
    if (instance.pollsToInService <= 0) instance.lifecycleState = 'InService';
    else instance.pollsToInService -= 1;
  }
}
