/**
 * How a live replication group differs from what the config asks for, and how it reads in `status`.
 * Pure: inspect, plan and ensure share it.
 */
import type { ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { JsonValue } from '../../state/schema.js';
import type { RedisLayout } from './layout.js';
import { engineVersionMatches } from './layout.js';

export interface LiveRedis {
  group: ReplicationGroup;
  /** From the member clusters (DescribeReplicationGroups does not report it). */
  engineVersion: string | undefined;
}

function members(group: ReplicationGroup) {
  return group.NodeGroups?.[0]?.NodeGroupMembers ?? [];
}

/** Every way the live group differs from the config and from what GitLab needs. */
export function redisDrift(layout: RedisLayout, live: LiveRedis): string[] {
  const { group } = live;
  const name = `replication group ${group.ReplicationGroupId}`;
  const drift: string[] = [];
  const differs = (what: string, actual: string | number, wanted: string | number) =>
    drift.push(`${name} has ${what} ${actual}, the config asks for ${wanted}`);
  if (group.CacheNodeType !== layout.nodeType)
    differs('node type', group.CacheNodeType ?? 'unknown', layout.nodeType);
  if (live.engineVersion && !engineVersionMatches(live.engineVersion, layout.engineVersion)) {
    differs('engine version', live.engineVersion, layout.engineVersion);
  }
  const replicas = (group.MemberClusters?.length ?? 0) - 1;
  if (replicas !== layout.numCacheClusters - 1)
    differs('replica count', replicas, layout.numCacheClusters - 1);
  if (group.ClusterEnabled) drift.push(`${name} runs in cluster mode, which GitLab does not support`);
  if (group.AutomaticFailover !== 'enabled')
    drift.push(`${name} has automatic failover ${group.AutomaticFailover ?? 'off'}`);
  if (group.MultiAZ !== 'enabled') drift.push(`${name} has Multi-AZ ${group.MultiAZ ?? 'off'}`);
  if (!group.AtRestEncryptionEnabled) drift.push(`${name} is not encrypted at rest`);
  if (!group.TransitEncryptionEnabled) drift.push(`${name} is not encrypted in transit`);
  if (!group.AuthTokenEnabled) drift.push(`${name} has no AUTH token`);
  const zones = new Set(members(group).map((m) => m.PreferredAvailabilityZone));
  if (members(group).length > 1 && zones.size < 2) {
    drift.push(`${name} has all its nodes in ${[...zones].join(', ')}: one zone's outage takes Redis down`);
  }
  return drift;
}

/** `host:port` of the primary, once AWS has assigned it. */
export function primaryEndpoint(group: ReplicationGroup): { address: string; port: number } | undefined {
  const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint;
  return endpoint?.Address && endpoint.Port ? { address: endpoint.Address, port: endpoint.Port } : undefined;
}

/** What `status` shows for the group: endpoints, nodes and their zones, and the safety flags. */
export function redisStatusOutputs(live: LiveRedis): Record<string, JsonValue> {
  const { group } = live;
  const endpoint = (e: { Address?: string; Port?: number } | undefined) =>
    e?.Address ? `${e.Address}:${e.Port ?? ''}` : 'not assigned yet';
  const nodeGroup = group.NodeGroups?.[0];
  return {
    replicationGroupId: group.ReplicationGroupId ?? null,
    status: group.Status ?? 'unknown',
    primaryEndpoint: endpoint(nodeGroup?.PrimaryEndpoint),
    readerEndpoint: endpoint(nodeGroup?.ReaderEndpoint),
    nodes: members(group).map(
      (m) =>
        `${m.CacheClusterId}: ${m.PreferredAvailabilityZone ?? 'unknown zone'} (${m.CurrentRole ?? 'role not known yet'})`,
    ),
    nodeType: group.CacheNodeType ?? null,
    engineVersion: live.engineVersion ?? null,
    automaticFailover: group.AutomaticFailover ?? null,
    multiAz: group.MultiAZ ?? null,
    encryptionAtRest: group.AtRestEncryptionEnabled ?? false,
    encryptionInTransit: group.TransitEncryptionEnabled ?? false,
    authToken: group.AuthTokenEnabled ? 'enabled' : 'disabled',
  };
}
