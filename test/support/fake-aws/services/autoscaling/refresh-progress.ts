/**
 * A rolling instance refresh, one step per poll of its group. After `latency.instanceRefreshStart`
 * polls it is InProgress and fixes the instances to replace (with SkipMatching, only those not on
 * the group's current template version). Then, each poll:
 *   - an instance to replace is terminated while the InService instances left stay at or above
 *     MinHealthyPercentage of the desired capacity (one not InService is terminated at once);
 *   - replacements from the current version are launched, up to MaxHealthyPercentage of the desired
 *     capacity (so 100 / 150 launches before it terminates, 50 / 100 terminates first);
 * and it is Successful once the instances to replace are terminated and the desired capacity is
 * InService on new instances. A test ends it Failed or Cancelled with `store.endInstanceRefresh`.
 */
import { currentVersion, isActive, launch, terminate } from './capacity.js';
import type { AutoScalingGroupRecord, GroupInstanceRecord, InstanceRefreshRecord } from './records.js';
import type { AutoScalingStore } from './store.js';

function inService(instance: GroupInstanceRecord): boolean {
  return instance.lifecycleState === 'InService' && instance.healthStatus === 'Healthy';
}

export function advanceRefresh(store: AutoScalingStore, group: AutoScalingGroupRecord): void {
  const refresh = store.activeRefresh(group.name);
  if (!refresh) return;
  if (refresh.status === 'Pending') {
    refresh.pollsToStart -= 1;
    if (refresh.pollsToStart > 0) return;
    begin(store, group, refresh);
  }
  replaceSome(store, group, refresh);
}

function begin(store: AutoScalingStore, group: AutoScalingGroupRecord, refresh: InstanceRefreshRecord): void {
  const version = currentVersion(store, group);
  refresh.status = 'InProgress';
  refresh.toReplace = group.instances
    .filter(isActive)
    .filter((i) => !refresh.skipMatching || i.launchTemplateVersion !== version)
    .map((i) => i.instanceId);
}

function replaceSome(
  store: AutoScalingStore,
  group: AutoScalingGroupRecord,
  refresh: InstanceRefreshRecord,
): void {
  const desired = group.desiredCapacity;
  const minInService = Math.ceil((desired * refresh.minHealthyPercentage) / 100);
  const maxTotal = Math.max(desired, Math.floor((desired * refresh.maxHealthyPercentage) / 100));
  const toReplace = (i: GroupInstanceRecord) => refresh.toReplace.includes(i.instanceId);

  const oldOnes = () => group.instances.filter((i) => isActive(i) && toReplace(i));
  const newOnes = () => group.instances.filter((i) => isActive(i) && !toReplace(i));
  const inServiceCount = () => group.instances.filter((i) => isActive(i) && inService(i)).length;

  // Old instances that are not serving go first: they take nothing away.
  for (const old of oldOnes().sort((a, b) => Number(inService(a)) - Number(inService(b)))) {
    if (inService(old) && inServiceCount() - 1 < minInService) break;
    terminate(store, group, [old]);
  }
  const room = maxTotal - group.instances.filter(isActive).length;
  const needed = desired - newOnes().length;
  if (oldOnes().length > 0 && room > 0 && needed > 0) launch(store, group, Math.min(room, needed));

  // Done once the old instances are gone, not just terminating.
  const oldLeft = group.instances.some(toReplace);
  if (!oldLeft && newOnes().length >= desired && newOnes().every(inService)) {
    refresh.status = 'Successful';
    refresh.statusReason = undefined;
    refresh.endTime = new Date();
  }
}

/** How far along a refresh is, as DescribeInstanceRefreshes reports it. */
export function refreshProgress(
  group: AutoScalingGroupRecord | undefined,
  refresh: InstanceRefreshRecord,
): { percentageComplete: number; instancesToUpdate: number } {
  if (refresh.status === 'Successful') return { percentageComplete: 100, instancesToUpdate: 0 };
  if (refresh.status === 'Pending')
    return { percentageComplete: 0, instancesToUpdate: group?.instances.length ?? 0 };
  const left = (group?.instances ?? []).filter(
    (i) => isActive(i) && refresh.toReplace.includes(i.instanceId),
  ).length;
  const total = refresh.toReplace.length;
  return {
    percentageComplete: total === 0 ? 100 : Math.floor((100 * (total - left)) / total),
    instancesToUpdate: left,
  };
}
