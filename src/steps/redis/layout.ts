/**
 * What the redis step builds, derived from the config alone: names, node count and where each node
 * goes. Pure, so offline plans, ensure and inspect agree.
 */
import type { CreateReplicationGroupCommandInput, Tag } from '@aws-sdk/client-elasticache';
import type { Config } from '../../config/schema.js';

export const REDIS_PORT = 6379;
export const ENGINE = 'redis';

/** SSM key of the AUTH token (a SecureString under /gitlab-ha/<name>/). */
export const AUTH_TOKEN_KEY = 'redis-auth-token';
/** AWS allows 16-128 characters; letters and digits only (ensureSecret's alphabet) need no escaping anywhere. */
export const AUTH_TOKEN_LENGTH = 64;

/**
 * Daily automatic backups kept one day. Redis holds GitLab's caches, sessions and Sidekiq queues,
 * not its system of record (PostgreSQL and Gitaly): one recent backup lets queued jobs be recovered
 * after a bad day at next to no cost, and older copies of short-lived data are worth little. AWS
 * deletes automatic backups with the group, so they never outlive a destroy.
 */
export const SNAPSHOT_RETENTION_DAYS = 1;

export const ROLES = {
  subnetGroup: 'cache-subnet-group',
  replicationGroup: 'replication-group',
} as const;

export const TYPES = {
  subnetGroup: 'elasticache:subnet-group',
  replicationGroup: 'elasticache:replication-group',
  snapshot: 'elasticache:snapshot',
} as const;

export interface RedisLayout {
  /** `<name>-redis`: at most 28 characters for a 22-character deployment name (AWS allows 40). */
  replicationGroupId: string;
  subnetGroupName: string;
  description: string;
  subnetGroupDescription: string;
  engineVersion: string;
  nodeType: string;
  /** Primary plus replicas: cluster mode disabled, one shard. */
  numCacheClusters: number;
  /** The zone of each node, primary first, spread round-robin over the deployment's zones. */
  nodeZones: string[];
}

export function redisLayout(
  config: Config,
  zones: readonly string[] = config.network.availabilityZones,
): RedisLayout {
  const numCacheClusters = 1 + config.redis.replicas;
  return {
    replicationGroupId: `${config.name}-redis`,
    subnetGroupName: `${config.name}-redis`,
    description: `gitlab-ha ${config.name}: Redis for GitLab (cache, sessions, Sidekiq queues)`,
    subnetGroupDescription: `gitlab-ha ${config.name}: private subnets for Redis`,
    engineVersion: config.redis.engineVersion,
    nodeType: config.redis.nodeType,
    numCacheClusters,
    nodeZones: Array.from({ length: numCacheClusters }, (_, i) => zones[i % zones.length]!),
  };
}

/** Key parameters of the cache subnet group, for plans and events. */
export function subnetGroupDetails(layout: RedisLayout, zones: readonly string[]): Record<string, string> {
  return { name: layout.subnetGroupName, subnets: `private subnets in ${zones.join(', ')}` };
}

/** Key parameters of the replication group, for plans and events. */
export function replicationGroupDetails(layout: RedisLayout): Record<string, string | number | boolean> {
  return {
    id: layout.replicationGroupId,
    engine: `${ENGINE} ${layout.engineVersion}`,
    nodeType: layout.nodeType,
    nodes: layout.numCacheClusters,
    zones: layout.nodeZones.join(', '),
    clusterMode: 'disabled',
    automaticFailover: true,
    multiAz: true,
    encryption: 'at rest and in transit',
    port: REDIS_PORT,
  };
}

/** The ids and secret a replication group is created with. */
export interface ReplicationGroupWiring {
  subnetGroupName: string;
  securityGroupId: string;
  authToken: string;
  tags: Tag[];
}

export function createReplicationGroupInput(
  layout: RedisLayout,
  wiring: ReplicationGroupWiring,
): CreateReplicationGroupCommandInput {
  return {
    ReplicationGroupId: layout.replicationGroupId,
    ReplicationGroupDescription: layout.description,
    Engine: ENGINE,
    EngineVersion: layout.engineVersion,
    CacheNodeType: layout.nodeType,
    // NumCacheClusters (not NumNodeGroups) is what makes it cluster mode disabled, as GitLab needs.
    NumCacheClusters: layout.numCacheClusters,
    PreferredCacheClusterAZs: layout.nodeZones,
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
    AtRestEncryptionEnabled: true,
    TransitEncryptionEnabled: true,
    AuthToken: wiring.authToken,
    CacheSubnetGroupName: wiring.subnetGroupName,
    SecurityGroupIds: [wiring.securityGroupId],
    Port: REDIS_PORT,
    SnapshotRetentionLimit: SNAPSHOT_RETENTION_DAYS,
    Tags: wiring.tags,
  };
}

/** `<name>-redis-final-20240601-134502` (UTC): unique per destroy, sortable, a valid snapshot name. */
export function finalSnapshotName(deployment: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${deployment}-redis-final-${stamp}`;
}

/** Whether a live engine version (`7.1.0`) is the configured one (`7.1`, or exactly `7.1.0`). */
export function engineVersionMatches(live: string, wanted: string): boolean {
  return live === wanted || live.startsWith(`${wanted}.`);
}
