import type {
  DBSnapshot,
  DescribeDBSnapshotsCommandInput,
  DescribeDBSnapshotsCommandOutput,
} from '@aws-sdk/client-rds';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { pageOf } from './common.js';
import { invalidParameterValue, rdsError } from './errors.js';
import type { DbInstanceRecord, DbSnapshotRecord } from './records.js';
import type { RdsStore } from './store.js';

function describeSnapshot(store: RdsStore, snapshot: DbSnapshotRecord): DBSnapshot {
  return {
    DBSnapshotIdentifier: snapshot.id,
    DBInstanceIdentifier: snapshot.instanceId,
    SnapshotCreateTime: snapshot.createTime,
    Engine: snapshot.engine,
    EngineVersion: snapshot.engineVersion,
    AllocatedStorage: snapshot.allocatedStorage,
    StorageType: snapshot.storageType,
    Iops: snapshot.iops,
    Status: snapshot.state,
    PercentProgress: snapshot.state === 'available' ? 100 : 0,
    Port: snapshot.port,
    VpcId: snapshot.vpcId,
    MasterUsername: snapshot.masterUsername,
    SnapshotType: snapshot.snapshotType,
    Encrypted: snapshot.encrypted,
    KmsKeyId: snapshot.kmsKeyId,
    DBSnapshotArn: store.arn('snapshot', snapshot.id),
    TagList: toTagList(snapshot.tags),
  };
}

/**
 * The final snapshot DeleteDBInstance takes: `creating`, then `available` after dbSnapshot polls. It
 * carries the instance's tags when the instance copies tags to snapshots.
 */
export function takeFinalSnapshot(store: RdsStore, db: DbInstanceRecord, id: string): DbSnapshotRecord {
  if (store.snapshots.has(id))
    throw rdsError(
      'DBSnapshotAlreadyExists',
      `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
    );
  const snapshot: DbSnapshotRecord = {
    id,
    instanceId: db.id,
    snapshotType: 'manual',
    state: 'creating',
    engine: db.engine,
    engineVersion: db.engineVersion,
    allocatedStorage: db.allocatedStorage,
    storageType: db.storageType,
    iops: db.iops,
    encrypted: db.storageEncrypted,
    kmsKeyId: db.kmsKeyId,
    vpcId: store.subnetGroups.get(db.subnetGroupName)?.vpcId ?? '',
    masterUsername: db.masterUsername,
    port: db.port,
    createTime: new Date(),
    tags: db.copyTagsToSnapshot ? { ...db.tags } : {},
  };
  store.snapshots.set(id, snapshot);
  startTransition(snapshot, 'available', store.env.latency.dbSnapshot);
  return snapshot;
}

export function snapshotHandlers(store: RdsStore) {
  return {
    /** By snapshot id, or every snapshot (of one instance, of one type); each call is a poll of those selected. */
    DescribeDBSnapshots(input: DescribeDBSnapshotsCommandInput): Result<DescribeDBSnapshotsCommandOutput> {
      if (input.Filters?.length)
        throw invalidParameterValue('The fake RDS does not support Filters on DescribeDBSnapshots');
      const selected = input.DBSnapshotIdentifier
        ? [store.snapshot(input.DBSnapshotIdentifier)]
        : [...store.snapshots.values()].filter(
            (s) =>
              (!input.DBInstanceIdentifier || s.instanceId === input.DBInstanceIdentifier.toLowerCase()) &&
              (!input.SnapshotType || s.snapshotType === input.SnapshotType),
          );
      selected.forEach((s) => poll(s));
      const { page, marker } = pageOf(selected, input);
      return { DBSnapshots: page.map((s) => describeSnapshot(store, s)), Marker: marker };
    },
  };
}
