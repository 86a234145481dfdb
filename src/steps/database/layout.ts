/**
 * What the database step builds, derived from the config alone: names, and the settings of the RDS
 * instance. Pure, so plan (offline), ensure, inspect and destroy agree.
 */
import type { Config } from '../../config/schema.js';
import { normalizeConfig } from '../../config/normalize.js';

/** The database GitLab's Omnibus package expects (gitlab_rails['db_database']). */
export const DATABASE_NAME = 'gitlabhq_production';
export const MASTER_USERNAME = 'gitlab';
export const POSTGRES_PORT = 5432;
/** SSM key of the master password: /gitlab-ha/<deployment>/db-password. */
export const PASSWORD_KEY = 'db-password';

export const INSTANCE_ROLE = 'db';
export const SUBNET_GROUP_ROLE = 'db-subnet-group';
export const DB_INSTANCE_TYPE = 'rds:db-instance';
export const DB_SUBNET_GROUP_TYPE = 'rds:db-subnet-group';
export const DB_SNAPSHOT_TYPE = 'rds:db-snapshot';
/** Role and type ensureSecret records the password parameter under. */
export const SECRET_ROLE = `secret/${PASSWORD_KEY}`;
export const SECRET_TYPE = 'ssm:parameter';

export type StorageType = Config['database']['storage']['type'];

/** The instance settings the config asks for. */
export interface DesiredInstance {
  /** Major ("16") or major.minor ("16.4"); RDS picks the minor for a bare major. */
  engineVersion: string;
  instanceClass: string;
  multiAz: boolean;
  storageType: StorageType;
  allocatedStorage: number;
  /** Set for io1/io2 (defaulted by normalizeConfig) and for gp3 when configured. */
  iops: number | undefined;
  backupRetentionPeriod: number;
  deletionProtection: boolean;
}

export interface DatabaseLayout {
  /** `<deployment>-db`: also the idempotency key of CreateDBInstance, which has no ClientToken. */
  instanceIdentifier: string;
  subnetGroupName: string;
  subnetGroupDescription: string;
  instance: DesiredInstance;
}

export function databaseLayout(config: Config): DatabaseLayout {
  const { database } = normalizeConfig(config);
  return {
    instanceIdentifier: `${config.name}-db`,
    subnetGroupName: `${config.name}-db`,
    subnetGroupDescription: `gitlab-ha ${config.name}: private subnets of the GitLab database`,
    instance: {
      engineVersion: database.engineVersion,
      instanceClass: database.instanceClass,
      multiAz: database.multiAz,
      storageType: database.storage.type,
      allocatedStorage: database.storage.sizeGb,
      iops: database.storage.iops,
      backupRetentionPeriod: database.backupRetentionDays,
      deletionProtection: database.deletionProtection,
    },
  };
}

/** Key parameters of the instance for plans and events (never the password). */
export function instanceDetails(layout: DatabaseLayout): Record<string, string | number | boolean> {
  const i = layout.instance;
  return {
    identifier: layout.instanceIdentifier,
    engine: `postgres ${i.engineVersion}`,
    class: i.instanceClass,
    multiAz: i.multiAz,
    storage: describeStorage(i.storageType, i.allocatedStorage, i.iops),
    encrypted: true,
    public: false,
    database: DATABASE_NAME,
    username: MASTER_USERNAME,
    backupRetentionDays: i.backupRetentionPeriod,
    deletionProtection: i.deletionProtection,
  };
}

export function subnetGroupDetails(layout: DatabaseLayout): Record<string, string> {
  return { name: layout.subnetGroupName, subnets: 'the private subnets' };
}

/** `io1, 100 GB, 1000 IOPS`; `gp3, 100 GB` when the IOPS are gp3's baseline. */
export function describeStorage(type: string, sizeGb: number, iops: number | undefined): string {
  return `${type}, ${sizeGb} GB${iops === undefined ? '' : `, ${iops} IOPS`}`;
}

/**
 * `<deployment>-final-<yyyymmdd>-<hhmmss>` (UTC): a valid DB snapshot identifier (starts with a
 * letter, letters, digits and single hyphens, at most 255 characters) because deployment names are.
 */
export function finalSnapshotIdentifier(deployment: string, at: Date): string {
  const iso = at.toISOString(); // 2024-06-01T12:34:56.789Z
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return `${deployment}-final-${date}-${time}`;
}

/** The prefix every final snapshot of a deployment starts with. */
export function finalSnapshotPrefix(deployment: string): string {
  return `${deployment}-final-`;
}
