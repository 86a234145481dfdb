import type { FakeEnvironment } from '../../core/environment.js';
import type { TaggedResource } from '../../core/service.js';
import type { TagMap } from '../../core/tags.js';
import { invalidParameterValue, notFound } from './errors.js';
import type {
  DbInstanceRecord,
  DbSnapshotRecord,
  DbSubnetGroupRecord,
  RdsSubnet,
  RetainedBackupRecord,
} from './records.js';

/** How RDS sees EC2 subnets: the fake's EC2 store answers (undefined when there is no such subnet). */
export type SubnetLookup = (subnetId: string) => RdsSubnet | undefined;

/** An RDS ARN's resource type: `db`, `subgrp` or `snapshot`. */
export type RdsResourceType = 'db' | 'subgrp' | 'snapshot';

/**
 * The RDS state of one fake account and region. Tests may read it and tamper with it (e.g. switch
 * deletion protection on behind the tool's back); the maps are keyed by identifier / name.
 */
export class RdsStore {
  readonly subnetGroups = new Map<string, DbSubnetGroupRecord>();
  /** Deleted instances are removed once their `deleting` polls are over. */
  readonly instances = new Map<string, DbInstanceRecord>();
  readonly snapshots = new Map<string, DbSnapshotRecord>();
  /** Automated backups kept after deleting an instance with DeleteAutomatedBackups false. */
  readonly retainedBackups: RetainedBackupRecord[] = [];
  /** Polls a ModifyDBInstance applied immediately keeps the instance `modifying` (test-adjustable). */
  modifyPolls = 1;

  constructor(
    readonly env: FakeEnvironment,
    readonly lookupSubnet: SubnetLookup,
  ) {}

  instance(id: string | undefined): DbInstanceRecord {
    const record = id === undefined ? undefined : this.instances.get(id.toLowerCase());
    if (!record) throw notFound.instance(id ?? '');
    return record;
  }

  subnetGroup(name: string | undefined): DbSubnetGroupRecord {
    const record = name === undefined ? undefined : this.subnetGroups.get(name.toLowerCase());
    if (!record) throw notFound.subnetGroup(name ?? '');
    return record;
  }

  snapshot(id: string | undefined): DbSnapshotRecord {
    const record = id === undefined ? undefined : this.snapshots.get(id.toLowerCase());
    if (!record) throw notFound.snapshot(id ?? '');
    return record;
  }

  arn(type: RdsResourceType, id: string): string {
    return `arn:aws:rds:${this.env.region}:${this.env.account}:${type}:${id}`;
  }

  /** The tags of the resource an ARN names (AddTagsToResource, ListTagsForResource). */
  taggable(arn: string | undefined): { tags: TagMap } {
    const match = /^arn:aws:rds:([a-z0-9-]+):(\d{12}):(db|subgrp|snapshot):(.+)$/.exec(arn ?? '');
    if (!match || match[1] !== this.env.region || match[2] !== this.env.account)
      throw invalidParameterValue(
        `The parameter ResourceName must be a valid ARN of this account and region: ${arn}`,
      );
    const id = match[4]!;
    if (match[3] === 'db') return this.instance(id);
    if (match[3] === 'subgrp') return this.subnetGroup(id);
    return this.snapshot(id);
  }

  /** Live resources with tags, for the Resource Groups Tagging API. */
  listTagged(): TaggedResource[] {
    const all = [
      ...[...this.instances.values()].map((r) => ({ arn: this.arn('db', r.id), tags: r.tags })),
      ...[...this.subnetGroups.values()].map((r) => ({ arn: this.arn('subgrp', r.name), tags: r.tags })),
      ...[...this.snapshots.values()].map((r) => ({ arn: this.arn('snapshot', r.id), tags: r.tags })),
    ];
    return all
      .filter((r) => Object.keys(r.tags).length > 0)
      .map((r) => ({ arn: r.arn, tags: { ...r.tags } }));
  }
}
