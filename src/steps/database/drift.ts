/**
 * Compares a live RDS instance with the config. Pure, so ensure, plan and inspect decide the same.
 *
 * Settings RDS changes online, without a restart, are converged by apply (ModifyDBInstance with
 * ApplyImmediately): deletion protection, backup retention, Multi-AZ (RDS adds or drops the standby
 * in the background), public access (always off) and the security group. Settings whose change
 * restarts the database or cannot be undone (engine version, instance class, storage) are reported
 * with the command to change them in a maintenance window, and left alone by apply: a config edit
 * should never cause an unplanned outage of GitLab's database. Encryption cannot change at all.
 */
import type { DBInstance, ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { DatabaseLayout, DesiredInstance } from './layout.js';
import { DATABASE_NAME, MASTER_USERNAME, describeStorage } from './layout.js';

export interface SettingChange {
  /** Human name of the setting, e.g. `deletion protection`. */
  setting: string;
  from: string;
  to: string;
}

/** A difference apply leaves alone, and how the operator changes it. */
export interface LeftDifference extends SettingChange {
  /** A shell command that makes the change, or what to do when none can. */
  remedy: string;
}

export interface InstanceDrift {
  /** Changes ensure makes, and the ModifyDBInstance parameters that make them. */
  converge: SettingChange[];
  modify: Omit<ModifyDBInstanceCommandInput, 'DBInstanceIdentifier'>;
  /** Differences ensure reports and leaves. */
  left: LeftDifference[];
}

type Pending = NonNullable<DBInstance['PendingModifiedValues']>;

/** A pending value (ApplyImmediately false, or still applying) counts as the live one. */
function effective<K extends keyof Pending & keyof DBInstance>(db: DBInstance, key: K): DBInstance[K] {
  const pending = db.PendingModifiedValues?.[key] as DBInstance[K] | undefined;
  return pending ?? db[key];
}

function versionParts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10));
}

/**
 * Whether the live engine version satisfies the configured one: same major, and at least the
 * configured minor when one is given (automatic minor upgrades may have moved it further).
 */
export function engineVersionSatisfies(live: string, wanted: string): boolean {
  const [liveMajor, liveMinor = 0] = versionParts(live);
  const [wantedMajor, wantedMinor] = versionParts(wanted);
  if (liveMajor !== wantedMajor) return false;
  return wantedMinor === undefined || liveMinor >= wantedMinor;
}

export function instanceDrift(
  layout: DatabaseLayout,
  securityGroupId: string,
  db: DBInstance,
  region: string,
): InstanceDrift {
  const want: DesiredInstance = layout.instance;
  const id = layout.instanceIdentifier;
  const cli = (args: string) =>
    `aws rds modify-db-instance --db-instance-identifier ${db.DBInstanceIdentifier ?? id} ${args} --apply-immediately --region ${region}`;
  const converge: SettingChange[] = [];
  const modify: InstanceDrift['modify'] = {};
  const left: LeftDifference[] = [];

  if (Boolean(db.DeletionProtection) !== want.deletionProtection) {
    converge.push({
      setting: 'deletion protection',
      from: String(Boolean(db.DeletionProtection)),
      to: String(want.deletionProtection),
    });
    modify.DeletionProtection = want.deletionProtection;
  }
  const retention = effective(db, 'BackupRetentionPeriod');
  if (retention !== want.backupRetentionPeriod) {
    converge.push({
      setting: 'backup retention (days)',
      from: String(retention ?? 'none'),
      to: String(want.backupRetentionPeriod),
    });
    modify.BackupRetentionPeriod = want.backupRetentionPeriod;
  }
  const multiAz = Boolean(effective(db, 'MultiAZ'));
  if (multiAz !== want.multiAz) {
    converge.push({ setting: 'Multi-AZ', from: String(multiAz), to: String(want.multiAz) });
    modify.MultiAZ = want.multiAz;
  }
  if (db.PubliclyAccessible) {
    converge.push({ setting: 'public access', from: 'true', to: 'false' });
    modify.PubliclyAccessible = false;
  }
  const groups = (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').sort();
  if (groups.length !== 1 || groups[0] !== securityGroupId) {
    converge.push({ setting: 'security groups', from: groups.join(', ') || 'none', to: securityGroupId });
    modify.VpcSecurityGroupIds = [securityGroupId];
  }

  const version = effective(db, 'EngineVersion') ?? 'unknown';
  if (!engineVersionSatisfies(version, want.engineVersion)) {
    const major = versionParts(version)[0] !== versionParts(want.engineVersion)[0];
    left.push({
      setting: 'engine version',
      from: version,
      to: want.engineVersion,
      remedy: cli(`--engine-version ${want.engineVersion}${major ? ' --allow-major-version-upgrade' : ''}`),
    });
  }
  const instanceClass = effective(db, 'DBInstanceClass');
  if (instanceClass !== want.instanceClass) {
    left.push({
      setting: 'instance class',
      from: instanceClass ?? 'unknown',
      to: want.instanceClass,
      remedy: cli(`--db-instance-class ${want.instanceClass}`),
    });
  }
  const storageType = effective(db, 'StorageType') ?? 'unknown';
  const size = effective(db, 'AllocatedStorage') ?? 0;
  const iops = effective(db, 'Iops');
  const iopsDiffer = want.iops !== undefined && iops !== want.iops;
  if (storageType !== want.storageType || size !== want.allocatedStorage || iopsDiffer) {
    left.push({
      setting: 'storage',
      from: describeStorage(
        storageType,
        size,
        storageType === 'gp3' && want.iops === undefined ? undefined : iops,
      ),
      to: describeStorage(want.storageType, want.allocatedStorage, want.iops),
      remedy: cli(
        `--storage-type ${want.storageType} --allocated-storage ${want.allocatedStorage}${want.iops === undefined ? '' : ` --iops ${want.iops}`}`,
      ),
    });
  }
  if (!db.StorageEncrypted) {
    left.push({
      setting: 'storage encryption',
      from: 'false',
      to: 'true',
      remedy:
        'encryption cannot be switched on for an existing instance: restore an encrypted copy of a snapshot of it',
    });
  }
  if (db.DBName !== DATABASE_NAME) {
    left.push({
      setting: 'database name',
      from: db.DBName ?? 'none',
      to: DATABASE_NAME,
      remedy: `connect as ${db.MasterUsername ?? MASTER_USERNAME} and run CREATE DATABASE ${DATABASE_NAME}`,
    });
  }
  if (db.MasterUsername !== MASTER_USERNAME) {
    left.push({
      setting: 'master username',
      from: db.MasterUsername ?? 'none',
      to: MASTER_USERNAME,
      remedy: `the master username cannot change; GitLab connects as ${db.MasterUsername ?? 'the master user'}`,
    });
  }
  return { converge, modify, left };
}

/** `deletion protection false -> true`. */
export function describeChange(change: SettingChange): string {
  return `${change.setting} ${change.from} -> ${change.to}`;
}
