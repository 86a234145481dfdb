import type {
  CacheCluster,
  CreateReplicationGroupCommandInput,
  CreateReplicationGroupCommandOutput,
  DeleteReplicationGroupCommandInput,
  DeleteReplicationGroupCommandOutput,
  DescribeCacheClustersCommandInput,
  DescribeCacheClustersCommandOutput,
  DescribeReplicationGroupsCommandInput,
  DescribeReplicationGroupsCommandOutput,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { elastiCacheError, invalidParameterCombination, invalidParameterValue, notFound } from './errors.js';
import { checkIdentifier } from './names.js';
import { page } from './paging.js';
import type { MemberClusterRecord, ReplicationGroupRecord } from './records.js';
import { takeSnapshot } from './snapshots.js';
import type { ElastiCacheStore } from './store.js';
import { checkedTags } from './tags.js';

/** Cluster mode disabled: one primary and up to five replicas. */
const MAX_CACHE_CLUSTERS = 6;
const DEFAULT_ENGINE_VERSION = '7.1';

/** AUTH token rules: 16-128 printable characters, of the specials only ! & # $ ^ < > and -. */
const AUTH_TOKEN = /^[A-Za-z0-9!&#$^<>-]{16,128}$/;

function hasEndpoints(group: ReplicationGroupRecord): boolean {
  // AWS fills in endpoints once the nodes exist, i.e. not while creating or after a failed create.
  return group.state !== 'creating' && group.state !== 'create-failed';
}

function describeReplicationGroup(store: ElastiCacheStore, group: ReplicationGroupRecord): ReplicationGroup {
  const endpoint = (prefix: string) =>
    hasEndpoints(group) ? { Address: store.hostName(prefix, group), Port: group.port } : undefined;
  const settled = group.state !== 'creating';
  return {
    ReplicationGroupId: group.id,
    Description: group.description,
    Status: group.state,
    PendingModifiedValues: {},
    MemberClusters: group.members.map((m) => m.id),
    NodeGroups: [
      {
        NodeGroupId: '0001',
        Status: group.state,
        PrimaryEndpoint: endpoint(`master.${group.id}`),
        ReaderEndpoint: endpoint(`replica.${group.id}`),
        NodeGroupMembers: group.members.map((m, i) => ({
          CacheClusterId: m.id,
          CacheNodeId: '0001',
          ReadEndpoint: endpoint(m.id),
          PreferredAvailabilityZone: m.availabilityZone,
          CurrentRole: settled ? (i === 0 ? 'primary' : 'replica') : undefined,
        })),
      },
    ],
    SnapshottingClusterId: group.snapshotRetentionLimit > 0 ? group.members.at(-1)?.id : undefined,
    AutomaticFailover: group.automaticFailover ? (settled ? 'enabled' : 'enabling') : 'disabled',
    MultiAZ: group.multiAz ? 'enabled' : 'disabled',
    SnapshotRetentionLimit: group.snapshotRetentionLimit,
    SnapshotWindow: group.snapshotRetentionLimit > 0 ? '03:30-04:30' : undefined,
    ClusterEnabled: false,
    ClusterMode: 'disabled',
    CacheNodeType: group.nodeType,
    AuthTokenEnabled: group.authTokenEnabled,
    AuthTokenLastModifiedDate: group.authTokenEnabled ? group.createTime : undefined,
    TransitEncryptionEnabled: group.transitEncryption,
    TransitEncryptionMode: group.transitEncryption ? 'required' : undefined,
    AtRestEncryptionEnabled: group.atRestEncryption,
    ARN: store.arn('replicationgroup', group.id),
    ReplicationGroupCreateTime: group.createTime,
    AutoMinorVersionUpgrade: true,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    Engine: group.engine,
    LogDeliveryConfigurations: [],
  };
}

function describeMember(
  store: ElastiCacheStore,
  group: ReplicationGroupRecord,
  member: MemberClusterRecord,
  showNodes: boolean,
): CacheCluster {
  const status = group.state;
  return {
    CacheClusterId: member.id,
    ReplicationGroupId: group.id,
    CacheClusterStatus: status,
    CacheNodeType: group.nodeType,
    Engine: group.engine,
    EngineVersion: group.engineVersion,
    NumCacheNodes: 1,
    PreferredAvailabilityZone: member.availabilityZone,
    CacheClusterCreateTime: group.createTime,
    CacheSubnetGroupName: group.subnetGroupName,
    SecurityGroups: group.securityGroupIds.map((id) => ({ SecurityGroupId: id, Status: 'active' })),
    SnapshotRetentionLimit: group.snapshotRetentionLimit,
    AuthTokenEnabled: group.authTokenEnabled,
    TransitEncryptionEnabled: group.transitEncryption,
    AtRestEncryptionEnabled: group.atRestEncryption,
    ARN: store.arn('cluster', member.id),
    ReplicationGroupLogDeliveryEnabled: false,
    CacheNodes: showNodes
      ? [
          {
            CacheNodeId: '0001',
            CacheNodeStatus: status,
            CustomerAvailabilityZone: member.availabilityZone,
            Endpoint: hasEndpoints(group)
              ? { Address: store.hostName(member.id, group), Port: group.port }
              : undefined,
          },
        ]
      : undefined,
  };
}

/** `7.1` -> `7.1.0`: what DescribeCacheClusters reports for a major.minor request. */
function fullVersion(version: string | undefined): string {
  const requested = version ?? DEFAULT_ENGINE_VERSION;
  if (!/^\d+\.\d+(\.\d+)?$/.test(requested)) {
    throw invalidParameterValue(`Invalid engine version: ${requested}`);
  }
  return requested.split('.').length === 2 ? `${requested}.0` : requested;
}

/** The AZ of each member: as requested, else spread over the subnet group's (or the region's) zones. */
function placeMembers(
  store: ElastiCacheStore,
  id: string,
  count: number,
  requested: string[] | undefined,
  subnetZones: string[] | undefined,
): MemberClusterRecord[] {
  const usable = subnetZones ?? [...store.env.availabilityZones];
  if (requested) {
    if (requested.length !== count) {
      throw invalidParameterValue(
        `The number of PreferredCacheClusterAZs (${requested.length}) must match NumCacheClusters (${count}).`,
      );
    }
    const outside = requested.filter((az) => !usable.includes(az));
    if (outside.length > 0) {
      throw invalidParameterValue(
        `The subnet group has no subnet in ${outside.join(', ')}; it covers ${usable.join(', ')}.`,
      );
    }
  }
  return Array.from({ length: count }, (_, i) => ({
    id: `${id}-${String(i + 1).padStart(3, '0')}`,
    availabilityZone: requested?.[i] ?? usable[i % usable.length] ?? '',
  }));
}

function createReplicationGroup(
  store: ElastiCacheStore,
  input: CreateReplicationGroupCommandInput,
): ReplicationGroupRecord {
  const id = checkIdentifier('ReplicationGroupId', input.ReplicationGroupId, 40).toLowerCase();
  if (!input.ReplicationGroupDescription) {
    throw invalidParameterValue('The parameter ReplicationGroupDescription must be provided.');
  }
  if (store.replicationGroups.has(id)) {
    throw elastiCacheError('ReplicationGroupAlreadyExistsFault', `Replication group ${id} already exists.`);
  }
  if ((input.NumNodeGroups ?? 1) > 1 || input.NodeGroupConfiguration?.length) {
    throw new Error('fake-aws: ElastiCache cluster mode (several node groups) is not modelled');
  }
  if (!input.CacheNodeType) throw invalidParameterValue('The parameter CacheNodeType must be provided.');
  const engine = (input.Engine ?? 'redis').toLowerCase();
  if (engine !== 'redis' && engine !== 'valkey')
    throw invalidParameterValue(`Invalid engine: ${input.Engine}`);
  const count = input.NumCacheClusters ?? input.PreferredCacheClusterAZs?.length ?? 1;
  if (count < 1 || count > MAX_CACHE_CLUSTERS) {
    throw invalidParameterValue(`NumCacheClusters must be between 1 and ${MAX_CACHE_CLUSTERS}.`);
  }
  const failover = input.AutomaticFailoverEnabled ?? false;
  const multiAz = input.MultiAZEnabled ?? false;
  const transit = input.TransitEncryptionEnabled ?? false;
  if (failover && count < 2) {
    throw invalidParameterCombination(
      'Automatic failover needs at least 2 cache clusters (a primary and a replica).',
    );
  }
  if (multiAz && !failover) {
    throw invalidParameterCombination('Multi-AZ can be enabled only together with automatic failover.');
  }
  if (input.AuthToken !== undefined) {
    if (!transit) {
      throw invalidParameterCombination('AuthToken can be set only when TransitEncryptionEnabled is true.');
    }
    // The message never echoes the token.
    if (!AUTH_TOKEN.test(input.AuthToken)) {
      throw invalidParameterValue(
        'The AUTH token must be 16 to 128 printable characters; of the special characters only !&#$^<>- are allowed.',
      );
    }
  }
  const retention = input.SnapshotRetentionLimit ?? 0;
  if (retention < 0 || retention > 35) throw invalidParameterValue('SnapshotRetentionLimit must be 0 to 35.');
  const subnetGroup = input.CacheSubnetGroupName ? store.subnetGroup(input.CacheSubnetGroupName) : undefined;
  const subnetZones = subnetGroup?.subnets.every((s) => s.availabilityZone)
    ? [...new Set(subnetGroup.subnets.map((s) => s.availabilityZone!))]
    : undefined;
  const tags = checkedTags(input.Tags);
  const group: ReplicationGroupRecord = {
    id,
    description: input.ReplicationGroupDescription,
    state: 'creating',
    engine,
    engineVersion: fullVersion(input.EngineVersion),
    nodeType: input.CacheNodeType,
    port: input.Port ?? 6379,
    subnetGroupName: subnetGroup?.name ?? 'default',
    securityGroupIds: [...(input.SecurityGroupIds ?? [])],
    members: placeMembers(store, id, count, input.PreferredCacheClusterAZs, subnetZones),
    automaticFailover: failover,
    multiAz,
    atRestEncryption: input.AtRestEncryptionEnabled ?? false,
    transitEncryption: transit,
    authTokenEnabled: input.AuthToken !== undefined,
    snapshotRetentionLimit: retention,
    dnsLabel: store.env.ids.next('x').slice(-6),
    createTime: new Date(),
    tags,
  };
  startTransition(group, 'available', store.env.latency.cacheCreate);
  store.replicationGroups.set(id, group);
  return group;
}

export function replicationGroupHandlers(store: ElastiCacheStore) {
  /** One poll of a group; a group whose delete completes is gone from then on. */
  const pollGroup = (group: ReplicationGroupRecord): boolean => {
    poll(group);
    if (group.state !== 'deleted') return true;
    store.replicationGroups.delete(group.id);
    return false;
  };

  return {
    /** `creating`, then `available` after cacheCreate polls of DescribeReplicationGroups. */
    CreateReplicationGroup(
      input: CreateReplicationGroupCommandInput,
    ): Result<CreateReplicationGroupCommandOutput> {
      return { ReplicationGroup: describeReplicationGroup(store, createReplicationGroup(store, input)) };
    },

    DescribeReplicationGroups(
      input: DescribeReplicationGroupsCommandInput,
    ): Result<DescribeReplicationGroupsCommandOutput> {
      if (input.ReplicationGroupId) {
        const group = store.replicationGroup(input.ReplicationGroupId);
        if (!pollGroup(group)) throw notFound.replicationGroup(input.ReplicationGroupId);
        return { ReplicationGroups: [describeReplicationGroup(store, group)] };
      }
      const live = [...store.replicationGroups.values()].filter(pollGroup);
      const { page: shown, marker } = page(live, input);
      return { ReplicationGroups: shown.map((g) => describeReplicationGroup(store, g)), Marker: marker };
    },

    /** Member clusters of the replication groups (the fake models no standalone clusters). */
    DescribeCacheClusters(
      input: DescribeCacheClustersCommandInput,
    ): Result<DescribeCacheClustersCommandOutput> {
      const members = [...store.replicationGroups.values()].flatMap((group) =>
        group.members.map((member) => ({ group, member })),
      );
      const selected = input.CacheClusterId
        ? members.filter((m) => m.member.id === input.CacheClusterId?.toLowerCase())
        : members;
      if (input.CacheClusterId && selected.length === 0) throw notFound.cacheCluster(input.CacheClusterId);
      const { page: shown, marker } = page(selected, input);
      return {
        CacheClusters: shown.map(({ group, member }) =>
          describeMember(store, group, member, input.ShowCacheNodeInfo ?? false),
        ),
        Marker: marker,
      };
    },

    /**
     * Only an `available` (or failed) group can be deleted. `deleting`, then gone after cacheDelete
     * polls; with FinalSnapshotIdentifier a manual snapshot carrying the group's tags is started.
     */
    DeleteReplicationGroup(
      input: DeleteReplicationGroupCommandInput,
    ): Result<DeleteReplicationGroupCommandOutput> {
      const group = store.replicationGroup(input.ReplicationGroupId);
      if (group.state !== 'available' && group.state !== 'create-failed') {
        throw elastiCacheError(
          'InvalidReplicationGroupStateFault',
          `Replication group ${group.id} is not in available state (it is ${group.state}).`,
        );
      }
      if (input.RetainPrimaryCluster) {
        throw new Error('fake-aws: DeleteReplicationGroup with RetainPrimaryCluster is not modelled');
      }
      if (input.FinalSnapshotIdentifier !== undefined)
        takeSnapshot(store, group, input.FinalSnapshotIdentifier);
      group.state = 'deleting';
      const answer = describeReplicationGroup(store, group);
      const polls = store.env.latency.cacheDelete;
      if (polls > 0) startTransition(group, 'deleted', polls);
      else store.replicationGroups.delete(group.id);
      return { ReplicationGroup: answer };
    },
  };
}
