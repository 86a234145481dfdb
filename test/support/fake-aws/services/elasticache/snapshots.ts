import type {
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Snapshot,
} from '@aws-sdk/client-elasticache';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { elastiCacheError } from './errors.js';
import { checkIdentifier } from './names.js';
import { page } from './paging.js';
import type { ReplicationGroupRecord, SnapshotRecord } from './records.js';
import type { ElastiCacheStore } from './store.js';

function describeSnapshot(store: ElastiCacheStore, snapshot: SnapshotRecord): Snapshot {
  return {
    SnapshotName: snapshot.name,
    ReplicationGroupId: snapshot.replicationGroupId,
    SnapshotStatus: snapshot.state,
    SnapshotSource: snapshot.source,
    CacheNodeType: snapshot.nodeType,
    Engine: snapshot.engine,
    EngineVersion: snapshot.engineVersion,
    NumNodeGroups: 1,
    ARN: store.arn('snapshot', snapshot.name),
    NodeSnapshots: [{ NodeGroupId: '0001', SnapshotCreateTime: snapshot.createTime }],
  };
}

/**
 * Starts a manual snapshot of a replication group (a final snapshot on delete). It carries the
 * group's tags, as ElastiCache copies a cluster's tags to its backups, and becomes `available`
 * after cacheSnapshot polls.
 */
export function takeSnapshot(
  store: ElastiCacheStore,
  group: ReplicationGroupRecord,
  name: string | undefined,
): SnapshotRecord {
  const snapshotName = checkIdentifier('SnapshotName', name, 255);
  if (store.snapshots.has(snapshotName)) {
    throw elastiCacheError('SnapshotAlreadyExistsFault', `Snapshot ${snapshotName} already exists.`);
  }
  const snapshot: SnapshotRecord = {
    name: snapshotName,
    replicationGroupId: group.id,
    state: 'creating',
    source: 'manual',
    engine: group.engine,
    engineVersion: group.engineVersion,
    nodeType: group.nodeType,
    createTime: new Date(),
    tags: { ...group.tags },
  };
  startTransition(snapshot, 'available', store.env.latency.cacheSnapshot);
  store.snapshots.set(snapshotName, snapshot);
  return snapshot;
}

export function snapshotHandlers(store: ElastiCacheStore) {
  return {
    DescribeSnapshots(input: DescribeSnapshotsCommandInput): Result<DescribeSnapshotsCommandOutput> {
      const candidates = input.SnapshotName
        ? [store.snapshot(input.SnapshotName)]
        : [...store.snapshots.values()];
      const selected = candidates.filter(
        (s) =>
          (!input.ReplicationGroupId || s.replicationGroupId === input.ReplicationGroupId.toLowerCase()) &&
          (!input.SnapshotSource || s.source === input.SnapshotSource),
      );
      selected.forEach((s) => poll(s));
      const { page: shown, marker } = page(selected, input, 50);
      return { Snapshots: shown.map((s) => describeSnapshot(store, s)), Marker: marker };
    },
  };
}
