import type {
  CreateSnapshotCommandInput,
  CreateSnapshotCommandOutput,
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Snapshot,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error } from './errors.js';
import { imageUsingSnapshot } from './images.js';
import type { SnapshotRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

function describeSnapshot(snapshot: SnapshotRecord): Snapshot {
  return {
    SnapshotId: snapshot.id,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.volumeSizeGb,
    Description: snapshot.description,
    Encrypted: snapshot.encrypted,
    KmsKeyId: snapshot.kmsKeyId,
    OwnerId: snapshot.ownerId,
    State: snapshot.state,
    Progress: snapshot.state === 'completed' ? '100%' : '0%',
    StartTime: snapshot.startTime,
    StorageTier: 'standard',
    Tags: toTagList(snapshot.tags),
  };
}

const snapshotFilters: FilterSpec<SnapshotRecord> = {
  fields: {
    'snapshot-id': (s) => s.id,
    'volume-id': (s) => s.volumeId,
    'volume-size': (s) => s.volumeSizeGb,
    status: (s) => s.state,
    'owner-id': (s) => s.ownerId,
    description: (s) => s.description,
    encrypted: (s) => String(s.encrypted),
  },
  tags: (s) => s.tags,
};

export function snapshotHandlers(store: Ec2Store) {
  /** `self` and the account's own id select its snapshots; the fake holds no one else's. */
  const ownedBy = (owners: readonly string[] | undefined) => (snapshot: SnapshotRecord) =>
    !owners?.length || owners.some((o) => (o === 'self' ? store.env.account : o) === snapshot.ownerId);

  return {
    /** `pending`, then `completed` after snapshotCreate polls; encrypted like its volume. */
    CreateSnapshot(input: CreateSnapshotCommandInput): Result<CreateSnapshotCommandOutput> {
      const volume = store.volume(input.VolumeId);
      if (volume.state === 'creating')
        throw ec2Error('IncorrectState', `Volume '${volume.id}' is still being created.`);
      const snapshot: SnapshotRecord = {
        id: store.env.ids.next('snap'),
        volumeId: volume.id,
        volumeSizeGb: volume.sizeGb,
        description: input.Description ?? '',
        encrypted: volume.encrypted,
        kmsKeyId: volume.kmsKeyId,
        ownerId: store.env.account,
        state: 'pending',
        startTime: new Date(),
        tags: tagsFromSpecifications(input.TagSpecifications, 'snapshot'),
      };
      store.snapshots.set(snapshot.id, snapshot);
      startTransition(snapshot, 'completed', store.env.latency.snapshotCreate);
      return describeSnapshot(snapshot);
    },

    DescribeSnapshots(input: DescribeSnapshotsCommandInput): Result<DescribeSnapshotsCommandOutput> {
      const snapshots = select({
        byIds: { ids: input.SnapshotIds, lookup: (id) => store.snapshot(id) },
        all: () => store.snapshots.values(),
        filters: input.Filters,
        spec: snapshotFilters,
        settle: { names: ['status'], poll: (snapshot) => void poll(snapshot) },
      }).filter(ownedBy(input.OwnerIds));
      const { page: shown, nextToken } = page(snapshots, input);
      return { Snapshots: shown.map(describeSnapshot), NextToken: nextToken };
    },

    /** Refused while a registered image maps the snapshot (deregister the image first). */
    DeleteSnapshot(input: DeleteSnapshotCommandInput): Result<DeleteSnapshotCommandOutput> {
      const snapshot = store.snapshot(input.SnapshotId);
      const image = imageUsingSnapshot(store, snapshot.id);
      if (image) {
        throw ec2Error(
          'InvalidSnapshot.InUse',
          `The snapshot ${snapshot.id} is currently in use by ${image.id}`,
        );
      }
      store.snapshots.delete(snapshot.id);
      return {};
    },
  };
}
