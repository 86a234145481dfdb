/** An Auto Scaling group's capacity: launching from its template, terminating, keeping the desired size. */
import { launchFromTemplate } from '../ec2/index.js';
import type { AutoScalingGroupRecord, GroupInstanceRecord } from './records.js';
import type { AutoScalingStore } from './store.js';

export function isActive(instance: GroupInstanceRecord): boolean {
  return instance.lifecycleState !== 'Terminating';
}

/** The version number `$Latest` / `$Default` / `n` means now, as a string; undefined if the template is gone. */
export function currentVersion(store: AutoScalingStore, group: AutoScalingGroupRecord): string | undefined {
  const template = store.ec2.launchTemplates.get(group.launchTemplate.id);
  if (!template) return undefined;
  const wanted = group.launchTemplate.version;
  if (wanted === '$Latest') return String(template.versions.length);
  if (wanted === '$Default') return String(template.defaultVersion);
  return wanted;
}

/** Launches `count` instances from the group's launch template; stops at the first refused launch. */
export function launch(store: AutoScalingStore, group: AutoScalingGroupRecord, count: number): void {
  const launched: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const subnetId = leastUsedSubnet(store, group);
    try {
      const { instance, version } = launchFromTemplate(store.ec2, {
        launchTemplateId: group.launchTemplate.id,
        version: group.launchTemplate.version,
        subnetId,
        instanceTags: store.propagatedTags(group),
        systemTags: { 'aws:autoscaling:groupName': group.name },
      });
      group.instances.push({
        instanceId: instance.id,
        availabilityZone: instance.availabilityZone,
        subnetId,
        lifecycleState: 'Pending',
        healthStatus: 'Healthy',
        launchTemplateVersion: String(version),
        launchSequence: store.nextLaunchSequence(),
        pollsToInService: store.env.latency.asgInstanceInService,
      });
      launched.push(instance.id);
      group.lastLaunchFailure = undefined;
    } catch (error) {
      group.lastLaunchFailure = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  if (launched.length > 0) store.onLaunch?.(group.name, launched, [...group.loadBalancerNames]);
}

/** Starts terminating instances: deregistered from the load balancers, then terminated in EC2. */
export function terminate(
  store: AutoScalingStore,
  group: AutoScalingGroupRecord,
  instances: readonly GroupInstanceRecord[],
): void {
  const ids: string[] = [];
  for (const instance of instances) {
    if (instance.lifecycleState === 'Terminating') continue;
    instance.lifecycleState = 'Terminating';
    const ec2Instance = store.ec2.instances.get(instance.instanceId);
    if (ec2Instance && ec2Instance.state !== 'terminated')
      store.ec2.instanceOps?.terminate(instance.instanceId);
    ids.push(instance.instanceId);
  }
  if (ids.length > 0) store.onTerminate?.(group.name, ids, [...group.loadBalancerNames]);
}

/** Launches up to the desired capacity; outside an instance refresh, terminates what is above it. */
export function reconcileCapacity(store: AutoScalingStore, group: AutoScalingGroupRecord): void {
  if (group.deleting) return;
  const active = group.instances.filter(isActive);
  if (active.length < group.desiredCapacity) {
    launch(store, group, group.desiredCapacity - active.length);
  } else if (active.length > group.desiredCapacity && !store.activeRefresh(group.name)) {
    terminate(store, group, scaleInVictims(store, group, active.length - group.desiredCapacity));
  }
}

function zoneOf(store: AutoScalingStore, subnetId: string): string {
  return store.ec2.subnets.get(subnetId)?.availabilityZone ?? subnetId;
}

function leastUsedSubnet(store: AutoScalingStore, group: AutoScalingGroupRecord): string {
  const perZone = new Map<string, number>();
  for (const instance of group.instances.filter(isActive)) {
    perZone.set(instance.availabilityZone, (perZone.get(instance.availabilityZone) ?? 0) + 1);
  }
  let best = group.subnetIds[0] ?? '';
  let bestCount = Infinity;
  for (const subnetId of group.subnetIds) {
    const count = perZone.get(zoneOf(store, subnetId)) ?? 0;
    if (count < bestCount) {
      best = subnetId;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Which instances a scale-in removes, one at a time: from the zone with the most instances, then
 * by the group's termination policies (instances of an older template version first for
 * OldestLaunchTemplate and Default, then the oldest, or the newest for NewestInstance).
 */
function scaleInVictims(
  store: AutoScalingStore,
  group: AutoScalingGroupRecord,
  count: number,
): GroupInstanceRecord[] {
  const remaining = group.instances.filter(isActive);
  const victims: GroupInstanceRecord[] = [];
  const version = currentVersion(store, group);
  const policies = group.terminationPolicies.length ? group.terminationPolicies : ['Default'];
  const outdatedFirst = policies.includes('OldestLaunchTemplate') || policies.includes('Default');
  const newestFirst = policies.includes('NewestInstance');
  for (let i = 0; i < count; i += 1) {
    const perZone = new Map<string, number>();
    for (const instance of remaining)
      perZone.set(instance.availabilityZone, (perZone.get(instance.availabilityZone) ?? 0) + 1);
    const busiest = Math.max(...perZone.values());
    const candidates = remaining
      .filter((instance) => perZone.get(instance.availabilityZone) === busiest)
      .sort((a, b) => {
        const outdated = (x: GroupInstanceRecord) =>
          outdatedFirst && x.launchTemplateVersion !== version ? 0 : 1;
        const byVersion = outdated(a) - outdated(b);
        if (byVersion !== 0) return byVersion;
        return newestFirst ? b.launchSequence - a.launchSequence : a.launchSequence - b.launchSequence;
      });
    const victim = candidates[0];
    if (!victim) break;
    victims.push(victim);
    remaining.splice(remaining.indexOf(victim), 1);
  }
  return victims;
}
