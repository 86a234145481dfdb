import type {
  CreateDBInstanceCommandInput,
  CreateDBInstanceCommandOutput,
  DBInstance,
  DeleteDBInstanceCommandInput,
  DeleteDBInstanceCommandOutput,
  DescribeDBInstancesCommandInput,
  DescribeDBInstancesCommandOutput,
  ModifyDBInstanceCommandInput,
  ModifyDBInstanceCommandOutput,
} from '@aws-sdk/client-rds';
import { matchesFilters, validateFilters, type FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { checkIdentifier, pageOf, tagsOfCreate } from './common.js';
import { invalidParameterCombination, invalidParameterValue, notFound, rdsError } from './errors.js';
import type { DbInstanceRecord, PendableSettings } from './records.js';
import type { RdsStore } from './store.js';
import { describeSubnetGroup } from './subnet-groups.js';
import { takeFinalSnapshot } from './snapshots.js';

/** The minor version RDS picks when a create names only the major (e.g. "16"). */
const DEFAULT_MINOR: Readonly<Record<string, string>> = {
  '14': '14.15',
  '15': '15.10',
  '16': '16.6',
  '17': '17.2',
};

function resolveEngineVersion(version: string | undefined): string {
  const asked = version ?? '16';
  return asked.includes('.') ? asked : (DEFAULT_MINOR[asked] ?? `${asked}.1`);
}

const majorOf = (version: string) => version.split('.')[0];

/** RDS master passwords: 8-128 printable ASCII characters other than '/', '"', '@' and space. */
function checkPassword(password: string | undefined): string {
  if (password === undefined)
    throw invalidParameterValue('The parameter MasterUserPassword must be provided');
  if (
    password.length < 8 ||
    password.length > 128 ||
    !/^[\x21-\x7e]+$/.test(password) ||
    /[/"@]/.test(password)
  ) {
    throw invalidParameterValue(
      "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.",
    );
  }
  return password;
}

function checkStorage(
  storageType: string,
  allocatedStorage: number,
  iops: number | undefined,
  engine: string,
): void {
  if (allocatedStorage < 20 || allocatedStorage > 65536)
    throw invalidParameterValue(
      `Invalid storage size for engine name ${engine} and storage type ${storageType}: ${allocatedStorage}`,
    );
  if ((storageType === 'io1' || storageType === 'io2') && iops === undefined)
    throw invalidParameterCombination(`You must specify an Iops value for storage type ${storageType}.`);
  if ((storageType === 'io1' || storageType === 'io2') && allocatedStorage < 100)
    throw invalidParameterValue(`Invalid storage size for storage type ${storageType}: at least 100 GiB`);
  if (storageType === 'gp2' && iops !== undefined)
    throw invalidParameterCombination('Iops can only be specified for storage types io1, io2 and gp3.');
  if (storageType === 'gp3' && iops !== undefined && allocatedStorage < 400)
    throw invalidParameterCombination(
      `You can't specify IOPS or storage throughput for engine ${engine} and a storage size less than 400.`,
    );
  const maxRatio = storageType === 'io1' ? 50 : storageType === 'io2' ? 1000 : undefined;
  if (maxRatio !== undefined && iops !== undefined && iops > allocatedStorage * maxRatio)
    throw invalidParameterCombination(
      `The IOPS to storage ratio for ${storageType} must be at most ${maxRatio}.`,
    );
}

export function describeInstance(store: RdsStore, db: DbInstanceRecord): DBInstance {
  const group = store.subnetGroups.get(db.subnetGroupName);
  const pending = db.pending;
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceClass: db.instanceClass,
    Engine: db.engine,
    DBInstanceStatus: db.state,
    MasterUsername: db.masterUsername,
    DBName: db.dbName,
    Endpoint: db.hasEndpoint
      ? {
          Address: `${db.id}.abcdefghijkl.${store.env.region}.rds.amazonaws.com`,
          Port: db.port,
          HostedZoneId: 'Z29XKXDKYMONMX',
        }
      : undefined,
    AllocatedStorage: db.allocatedStorage,
    InstanceCreateTime: db.hasEndpoint ? db.createTime : undefined,
    BackupRetentionPeriod: db.backupRetentionPeriod,
    VpcSecurityGroups: db.vpcSecurityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
    AvailabilityZone: db.hasEndpoint ? db.availabilityZone : undefined,
    DBSubnetGroup: group ? describeSubnetGroup(store, group) : { DBSubnetGroupName: db.subnetGroupName },
    PendingModifiedValues: {
      DBInstanceClass: pending.instanceClass,
      AllocatedStorage: pending.allocatedStorage,
      StorageType: pending.storageType,
      Iops: pending.iops,
      MultiAZ: pending.multiAz,
      EngineVersion: pending.engineVersion,
      BackupRetentionPeriod: pending.backupRetentionPeriod,
      // AWS shows that a password change is pending, never the password.
      MasterUserPassword: pending.masterUserPassword === undefined ? undefined : '****',
    },
    MultiAZ: db.multiAz,
    EngineVersion: db.engineVersion,
    AutoMinorVersionUpgrade: db.autoMinorVersionUpgrade,
    Iops: db.iops,
    StorageType: db.storageType,
    StorageEncrypted: db.storageEncrypted,
    KmsKeyId: db.kmsKeyId,
    DbiResourceId: db.resourceId,
    PubliclyAccessible: db.publiclyAccessible,
    SecondaryAvailabilityZone: db.multiAz && db.hasEndpoint ? db.secondaryAvailabilityZone : undefined,
    DBInstanceArn: store.arn('db', db.id),
    DeletionProtection: db.deletionProtection,
    CopyTagsToSnapshot: db.copyTagsToSnapshot,
    TagList: toTagList(db.tags),
  };
}

const instanceFilters: FilterSpec<{ record: DbInstanceRecord; arn: string }> = {
  fields: {
    'db-instance-id': (x) => [x.record.id, x.arn],
    'dbi-resource-id': (x) => x.record.resourceId,
    engine: (x) => x.record.engine,
  },
};

/** Settles a create over `polls` polls: creating -> backing-up -> available (the last step takes one poll). */
function startCreate(db: DbInstanceRecord, polls: number): void {
  if (polls <= 1) startTransition(db, 'available', polls);
  else startTransition(db, 'backing-up', polls - 1);
  if (db.state !== 'creating') db.hasEndpoint = true;
}

export function instanceHandlers(store: RdsStore) {
  /** One poll of an instance; true when it is gone now (its deletion completed). */
  const pollInstance = (db: DbInstanceRecord): boolean => {
    if (poll(db)) {
      db.hasEndpoint ||= db.state !== 'creating';
      if (db.state === 'backing-up') startTransition(db, 'available', 1);
    }
    if (db.state !== 'deleted') return false;
    store.instances.delete(db.id);
    return true;
  };

  return {
    CreateDBInstance(input: CreateDBInstanceCommandInput): Result<CreateDBInstanceCommandOutput> {
      const id = checkIdentifier('DBInstanceIdentifier', input.DBInstanceIdentifier, 63);
      if (store.instances.has(id)) throw rdsError('DBInstanceAlreadyExists', 'DB instance already exists');
      const engine = input.Engine;
      if (!engine) throw invalidParameterValue('The parameter Engine must be provided');
      if (!input.DBInstanceClass || !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(input.DBInstanceClass))
        throw invalidParameterValue(`Invalid DB instance class: ${input.DBInstanceClass}`);
      if (!input.MasterUsername) throw invalidParameterValue('The parameter MasterUsername must be provided');
      const password = checkPassword(input.MasterUserPassword);
      if (!input.DBSubnetGroupName)
        throw invalidParameterValue('The fake RDS needs DBSubnetGroupName (it has no default VPC)');
      const group = store.subnetGroup(input.DBSubnetGroupName);
      const storageType = input.StorageType ?? 'gp2';
      const allocatedStorage = input.AllocatedStorage ?? 0;
      checkStorage(storageType, allocatedStorage, input.Iops, engine);
      const retention = input.BackupRetentionPeriod ?? 1;
      if (retention < 0 || retention > 35)
        throw invalidParameterValue('The parameter BackupRetentionPeriod must be between 0 and 35');
      const tags = tagsOfCreate(input.Tags);
      const zones = [...new Set(group.subnets.map((s) => s.availabilityZone))].sort();
      const db: DbInstanceRecord = {
        id,
        resourceId: `db-${store.env.ids.next('x').slice(2).toUpperCase()}`,
        state: 'creating',
        hasEndpoint: false,
        engine,
        engineVersion: resolveEngineVersion(input.EngineVersion),
        instanceClass: input.DBInstanceClass,
        multiAz: input.MultiAZ ?? false,
        allocatedStorage,
        storageType,
        iops: input.Iops,
        storageEncrypted: input.StorageEncrypted ?? false,
        kmsKeyId: input.StorageEncrypted
          ? (input.KmsKeyId ?? `arn:aws:kms:${store.env.region}:${store.env.account}:key/0f1e2d3c-aws-rds`)
          : undefined,
        publiclyAccessible: input.PubliclyAccessible ?? false,
        vpcSecurityGroupIds: [...(input.VpcSecurityGroupIds ?? [])],
        subnetGroupName: group.name,
        dbName: input.DBName,
        masterUsername: input.MasterUsername,
        masterUserPassword: password,
        port: input.Port ?? (engine.startsWith('mysql') || engine === 'mariadb' ? 3306 : 5432),
        backupRetentionPeriod: retention,
        deletionProtection: input.DeletionProtection ?? false,
        copyTagsToSnapshot: input.CopyTagsToSnapshot ?? false,
        autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
        availabilityZone: input.AvailabilityZone ?? zones[0]!,
        // Where the standby lives once the instance is Multi-AZ (shown only then).
        secondaryAvailabilityZone: zones.find((z) => z !== (input.AvailabilityZone ?? zones[0])),
        createTime: new Date(),
        pending: {},
        tags,
      };
      if (input.MultiAZ && input.AvailabilityZone)
        throw invalidParameterCombination(
          'Requesting a specific availability zone is not valid for Multi-AZ instances.',
        );
      store.instances.set(id, db);
      startCreate(db, store.env.latency.dbCreate);
      return { DBInstance: describeInstance(store, db) };
    },

    /** Each call is a poll of every instance it selects. */
    DescribeDBInstances(input: DescribeDBInstancesCommandInput): Result<DescribeDBInstancesCommandOutput> {
      validateFilters(input.Filters, instanceFilters, invalidParameterValue);
      if (input.DBInstanceIdentifier) {
        const db = store.instance(input.DBInstanceIdentifier);
        if (pollInstance(db)) throw notFound.instance(db.id);
        return { DBInstances: [describeInstance(store, db)] };
      }
      const selected = [...store.instances.values()].filter((record) =>
        matchesFilters({ record, arn: store.arn('db', record.id) }, input.Filters, instanceFilters),
      );
      const live = selected.filter((db) => !pollInstance(db));
      const { page, marker } = pageOf(live, input);
      return { DBInstances: page.map((db) => describeInstance(store, db)), Marker: marker };
    },

    ModifyDBInstance(input: ModifyDBInstanceCommandInput): Result<ModifyDBInstanceCommandOutput> {
      const db = store.instance(input.DBInstanceIdentifier);
      if (db.state !== 'available')
        throw rdsError(
          'InvalidDBInstanceState',
          `Database instance is not in available state (it is ${db.state}).`,
        );
      const pendable: PendableSettings = {
        instanceClass: input.DBInstanceClass,
        allocatedStorage: input.AllocatedStorage,
        storageType: input.StorageType,
        iops: input.Iops,
        multiAz: input.MultiAZ,
        engineVersion: input.EngineVersion,
        backupRetentionPeriod: input.BackupRetentionPeriod,
        masterUserPassword:
          input.MasterUserPassword === undefined ? undefined : checkPassword(input.MasterUserPassword),
      };
      if (
        pendable.engineVersion &&
        majorOf(pendable.engineVersion) !== majorOf(db.engineVersion) &&
        !input.AllowMajorVersionUpgrade
      )
        throw invalidParameterCombination(
          'The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.',
        );
      if (
        pendable.backupRetentionPeriod !== undefined &&
        (pendable.backupRetentionPeriod < 0 || pendable.backupRetentionPeriod > 35)
      )
        throw invalidParameterValue('The parameter BackupRetentionPeriod must be between 0 and 35');
      const storageType = pendable.storageType ?? db.storageType;
      const iops = pendable.iops ?? (storageType === 'gp2' ? undefined : db.iops);
      checkStorage(storageType, pendable.allocatedStorage ?? db.allocatedStorage, iops, db.engine);

      let changed = false;
      // Deletion protection, public access and security groups always apply at once.
      if (input.DeletionProtection !== undefined) db.deletionProtection = input.DeletionProtection;
      if (input.CopyTagsToSnapshot !== undefined) db.copyTagsToSnapshot = input.CopyTagsToSnapshot;
      if (input.AutoMinorVersionUpgrade !== undefined)
        db.autoMinorVersionUpgrade = input.AutoMinorVersionUpgrade;
      if (input.PubliclyAccessible !== undefined && input.PubliclyAccessible !== db.publiclyAccessible) {
        db.publiclyAccessible = input.PubliclyAccessible;
        changed = true;
      }
      if (input.VpcSecurityGroupIds !== undefined) {
        db.vpcSecurityGroupIds = [...input.VpcSecurityGroupIds];
        changed = true;
      }
      const given = Object.entries(pendable).filter(([, v]) => v !== undefined);
      if (given.length > 0) {
        if (input.ApplyImmediately) {
          applySettings(db, pendable);
          changed = true;
        } else {
          Object.assign(db.pending, Object.fromEntries(given));
        }
      }
      if (changed) {
        db.state = 'modifying';
        startTransition(db, 'available', store.modifyPolls);
      }
      return { DBInstance: describeInstance(store, db) };
    },

    DeleteDBInstance(input: DeleteDBInstanceCommandInput): Result<DeleteDBInstanceCommandOutput> {
      const db = store.instance(input.DBInstanceIdentifier);
      if (db.state === 'deleting')
        throw rdsError('InvalidDBInstanceState', 'Instance is already being deleted.');
      if (db.deletionProtection)
        throw invalidParameterCombination(
          'Cannot delete protected DB Instance, please disable deletion protection and try again.',
        );
      if (!['available', 'failed', 'stopped'].includes(db.state))
        throw rdsError(
          'InvalidDBInstanceState',
          `Instance ${db.id} is currently ${db.state}, and cannot be deleted.`,
        );
      const skip = input.SkipFinalSnapshot ?? false;
      if (skip && input.FinalDBSnapshotIdentifier)
        throw invalidParameterCombination(
          'FinalDBSnapshotIdentifier can not be specified when deleting an instance with SkipFinalSnapshot=true.',
        );
      if (!skip && !input.FinalDBSnapshotIdentifier)
        throw invalidParameterCombination(
          'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
        );
      if (!skip)
        takeFinalSnapshot(
          store,
          db,
          checkIdentifier('FinalDBSnapshotIdentifier', input.FinalDBSnapshotIdentifier, 255),
        );
      // AWS's default is to delete automated backups with the instance.
      if (input.DeleteAutomatedBackups === false && db.backupRetentionPeriod > 0) {
        store.retainedBackups.push({
          instanceId: db.id,
          resourceId: db.resourceId,
          backupRetentionPeriod: db.backupRetentionPeriod,
          deletedAt: new Date(),
        });
      }
      db.state = 'deleting';
      const described = describeInstance(store, db);
      // With no polls to wait, it is gone at once (the answer still says `deleting`, as AWS's does).
      if (store.env.latency.dbDelete <= 0) store.instances.delete(db.id);
      else startTransition(db, 'deleted', store.env.latency.dbDelete);
      return { DBInstance: described };
    },
  };
}

function applySettings(db: DbInstanceRecord, settings: PendableSettings): void {
  db.instanceClass = settings.instanceClass ?? db.instanceClass;
  db.allocatedStorage = settings.allocatedStorage ?? db.allocatedStorage;
  if (settings.storageType !== undefined) {
    db.storageType = settings.storageType;
    if (settings.storageType === 'gp2') db.iops = undefined;
  }
  db.iops = settings.iops ?? db.iops;
  if (settings.multiAz !== undefined) db.multiAz = settings.multiAz;
  db.engineVersion = settings.engineVersion ? resolveEngineVersion(settings.engineVersion) : db.engineVersion;
  db.backupRetentionPeriod = settings.backupRetentionPeriod ?? db.backupRetentionPeriod;
  db.masterUserPassword = settings.masterUserPassword ?? db.masterUserPassword;
  db.pending = {};
}
