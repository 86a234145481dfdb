/**
 * The ElastiCache state the fake keeps. Like the EC2 records, they hold only what the fake decides;
 * endpoints, member clusters' states and ARNs are derived when described.
 */
import type { Transition } from '../../core/latency.js';
import type { TagMap } from '../../core/tags.js';

export interface CacheSubnetRecord {
  id: string;
  /** Undefined when the fake cannot see EC2's subnets (no lookup given). */
  availabilityZone: string | undefined;
}

export interface CacheSubnetGroupRecord {
  name: string;
  description: string;
  vpcId: string | undefined;
  subnets: CacheSubnetRecord[];
  tags: TagMap;
}

/**
 * `deleted` is the fake's own end state: a group that reaches it is removed from the store, so the
 * poll that completes a delete is the first to answer ReplicationGroupNotFoundFault.
 */
export type ReplicationGroupState =
  'creating' | 'available' | 'modifying' | 'snapshotting' | 'create-failed' | 'deleting' | 'deleted';

/** One node of a cluster-mode-disabled group: a cache cluster of one node. */
export interface MemberClusterRecord {
  id: string;
  availabilityZone: string;
}

export interface ReplicationGroupRecord {
  id: string;
  description: string;
  state: ReplicationGroupState;
  transition?: Transition<ReplicationGroupState> | undefined;
  engine: string;
  /** Full version as AWS reports it (`7.1.0` for a requested `7.1`). */
  engineVersion: string;
  nodeType: string;
  port: number;
  subnetGroupName: string;
  securityGroupIds: string[];
  /** The first member is the primary. */
  members: MemberClusterRecord[];
  automaticFailover: boolean;
  multiAz: boolean;
  atRestEncryption: boolean;
  transitEncryption: boolean;
  /** Whether an AUTH token was set. The token itself is never kept, as AWS never returns it. */
  authTokenEnabled: boolean;
  snapshotRetentionLimit: number;
  /** The random part of the endpoints AWS issues per account (`master.<id>.<dnsLabel>.<region>...`). */
  dnsLabel: string;
  createTime: Date;
  tags: TagMap;
}

export interface SnapshotRecord {
  name: string;
  replicationGroupId: string;
  state: 'creating' | 'available';
  transition?: Transition<'creating' | 'available'> | undefined;
  /** `manual` for final snapshots (and CreateSnapshot), `automated` for the daily ones. */
  source: 'manual' | 'automated';
  engine: string;
  engineVersion: string;
  nodeType: string;
  createTime: Date;
  tags: TagMap;
}
