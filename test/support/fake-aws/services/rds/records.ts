/**
 * The RDS state the fake keeps. Records hold what the fake decides; the shapes the API returns
 * (Endpoint, DBSubnetGroup inside an instance...) are derived when described.
 */
import type { Transition } from '../../core/latency.js';
import type { TagMap } from '../../core/tags.js';

/** A subnet as RDS sees it: where it lives. */
export interface RdsSubnet {
  id: string;
  vpcId: string;
  availabilityZone: string;
}

export interface DbSubnetGroupRecord {
  /** RDS keeps subnet group names in lower case. */
  name: string;
  description: string;
  vpcId: string;
  subnets: RdsSubnet[];
  tags: TagMap;
}

/**
 * `creating -> backing-up -> available` after a create, `modifying -> available` after a modify,
 * `deleting -> deleted` after a delete (a deleted instance is removed from the store).
 */
export type DbInstanceStatus =
  'creating' | 'backing-up' | 'available' | 'modifying' | 'deleting' | 'deleted' | 'stopped' | 'failed';

/** Settings ModifyDBInstance may leave pending (ApplyImmediately false), as PendingModifiedValues shows them. */
export interface PendableSettings {
  instanceClass?: string | undefined;
  allocatedStorage?: number | undefined;
  storageType?: string | undefined;
  iops?: number | undefined;
  multiAz?: boolean | undefined;
  engineVersion?: string | undefined;
  backupRetentionPeriod?: number | undefined;
  /** Never returned by Describe; only whether a change is pending shows. */
  masterUserPassword?: string | undefined;
}

export interface DbInstanceRecord {
  id: string;
  resourceId: string;
  state: DbInstanceStatus;
  transition?: Transition<DbInstanceStatus> | undefined;
  /** Becomes true when the instance leaves `creating`: from then on it has an endpoint. */
  hasEndpoint: boolean;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  multiAz: boolean;
  allocatedStorage: number;
  storageType: string;
  iops?: number | undefined;
  storageEncrypted: boolean;
  kmsKeyId?: string | undefined;
  publiclyAccessible: boolean;
  vpcSecurityGroupIds: string[];
  subnetGroupName: string;
  dbName?: string | undefined;
  masterUsername: string;
  /** Kept so tests can check what was sent; never part of any response. */
  masterUserPassword: string;
  port: number;
  backupRetentionPeriod: number;
  deletionProtection: boolean;
  copyTagsToSnapshot: boolean;
  autoMinorVersionUpgrade: boolean;
  availabilityZone: string;
  secondaryAvailabilityZone?: string | undefined;
  createTime: Date;
  pending: PendableSettings;
  tags: TagMap;
}

export type DbSnapshotStatus = 'creating' | 'available';

export interface DbSnapshotRecord {
  id: string;
  instanceId: string;
  snapshotType: 'manual' | 'automated';
  state: DbSnapshotStatus;
  transition?: Transition<DbSnapshotStatus> | undefined;
  engine: string;
  engineVersion: string;
  allocatedStorage: number;
  storageType: string;
  iops?: number | undefined;
  encrypted: boolean;
  kmsKeyId?: string | undefined;
  vpcId: string;
  masterUsername: string;
  port: number;
  createTime: Date;
  tags: TagMap;
}

/** Automated backups RDS keeps after DeleteDBInstance with DeleteAutomatedBackups false. */
export interface RetainedBackupRecord {
  instanceId: string;
  resourceId: string;
  backupRetentionPeriod: number;
  deletedAt: Date;
}
