import type { FakeEnvironment } from '../../core/environment.js';
import type { TaggedResource } from '../../core/service.js';
import { notFound } from './errors.js';
import type { CacheSubnetGroupRecord, ReplicationGroupRecord, SnapshotRecord } from './records.js';

/** What the fake needs to know about an EC2 subnet to put cache nodes in it. */
export interface SubnetInfo {
  availabilityZone: string;
  vpcId: string;
}

/**
 * How the ElastiCache fake sees EC2's subnets: the subnet with this id, or undefined when there is
 * none. FakeAws wires it to its EC2 store; without it every subnet is accepted and its zone unknown.
 */
export type SubnetLookup = (subnetId: string) => SubnetInfo | undefined;

/** The kinds of ElastiCache ARN the fake issues: `arn:aws:elasticache:<region>:<account>:<kind>:<name>`. */
export type ElastiCacheArnKind = 'replicationgroup' | 'subnetgroup' | 'snapshot' | 'cluster';

/** ElastiCache cache subnet groups, replication groups and snapshots (keyed by name or id). */
export class ElastiCacheStore {
  readonly subnetGroups = new Map<string, CacheSubnetGroupRecord>();
  readonly replicationGroups = new Map<string, ReplicationGroupRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  /**
   * ARNs the Resource Groups Tagging API does not list yet: it lags behind creates on AWS, so a test
   * can put a fresh resource here to see the tool find it another way.
   */
  readonly notYetInTaggingApi = new Set<string>();

  constructor(
    readonly env: FakeEnvironment,
    /** Replaceable by tests that build subnets in the EC2 fake (see createElastiCacheService). */
    public subnetLookup: SubnetLookup | undefined = undefined,
  ) {}

  arn(kind: ElastiCacheArnKind, name: string): string {
    return `arn:aws:elasticache:${this.env.region}:${this.env.account}:${kind}:${name}`;
  }

  replicationGroup(id: string | undefined): ReplicationGroupRecord {
    const group = this.replicationGroups.get((id ?? '').toLowerCase());
    if (!group) throw notFound.replicationGroup(id ?? '');
    return group;
  }

  subnetGroup(name: string | undefined): CacheSubnetGroupRecord {
    const group = this.subnetGroups.get((name ?? '').toLowerCase());
    if (!group) throw notFound.subnetGroup(name ?? '');
    return group;
  }

  snapshot(name: string | undefined): SnapshotRecord {
    const snapshot = this.snapshots.get(name ?? '');
    if (!snapshot) throw notFound.snapshot(name ?? '');
    return snapshot;
  }

  /** `master.demo-redis.ab12cd.euw1.cache.amazonaws.com` for the primary endpoint of `demo-redis`. */
  hostName(prefix: string, group: ReplicationGroupRecord): string {
    return `${prefix}.${group.dnsLabel}.${regionShortName(this.env.region)}.cache.amazonaws.com`;
  }

  listTagged(): TaggedResource[] {
    const tagged = [
      ...[...this.replicationGroups.values()].map((g) => ({
        arn: this.arn('replicationgroup', g.id),
        tags: g.tags,
      })),
      ...[...this.subnetGroups.values()].map((g) => ({ arn: this.arn('subnetgroup', g.name), tags: g.tags })),
      ...[...this.snapshots.values()].map((s) => ({ arn: this.arn('snapshot', s.name), tags: s.tags })),
    ];
    return tagged
      .filter((r) => Object.keys(r.tags).length > 0 && !this.notYetInTaggingApi.has(r.arn))
      .map((r) => ({ arn: r.arn, tags: { ...r.tags } }));
  }
}

const DIRECTIONS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** The short region in ElastiCache host names: eu-west-1 -> euw1, ap-southeast-2 -> apse2. */
export function regionShortName(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-').filter((part) => part !== 'gov');
  return `${area}${DIRECTIONS[direction] ?? direction}${number}`;
}
