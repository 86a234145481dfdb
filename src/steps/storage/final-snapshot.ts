/**
 * The snapshot destroy takes of the data volume before deleting it (design rule 6): tagged for the
 * deployment, waited for until completed, and kept. The node is terminated first, so the volume is
 * detached and its filesystem cleanly unmounted: the snapshot is consistent, not just crash-consistent.
 * A destroy resumed after a crash finds the snapshot it already started instead of taking another.
 */
import {
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  waitUntilSnapshotCompleted,
} from '@aws-sdk/client-ec2';
import type { Snapshot } from '@aws-sdk/client-ec2';
import { awsCall } from '../../aws/errors.js';
import { ec2TagFilters } from '../../aws/tags.js';
import { waitWithSdk } from '../../aws/wait.js';
import type { StepContext } from '../../engine/step.js';
import { STORAGE_ROLES, STORAGE_TYPES, STORAGE_WAITS } from './layout.js';
import type { StorageCtx } from './volume.js';

type SnapshotCtx = StorageCtx & Pick<StepContext, 'events'>;

async function startedSnapshot(ctx: SnapshotCtx, volumeId: string): Promise<Snapshot | undefined> {
  const found =
    (
      await awsCall('finding the final EC2 snapshot of the storage data volume', () =>
        ctx.aws.ec2.send(
          new DescribeSnapshotsCommand({
            OwnerIds: ['self'],
            Filters: [
              ...ec2TagFilters(ctx.config.name, ctx.step, STORAGE_ROLES.finalSnapshot),
              { Name: 'volume-id', Values: [volumeId] },
              { Name: 'status', Values: ['pending', 'completed'] },
            ],
          }),
        ),
      )
    ).Snapshots ?? [];
  return found[0];
}

/** Snapshots the (detached) data volume, waits until the snapshot is complete, and reports it kept. */
export async function takeFinalSnapshot(
  ctx: SnapshotCtx,
  volumeId: string,
  now: Date = new Date(),
): Promise<string> {
  let snapshot = await startedSnapshot(ctx, volumeId);
  if (!snapshot) {
    snapshot = await awsCall(
      'creating EC2 snapshot of the storage data volume',
      () =>
        ctx.aws.ec2.send(
          new CreateSnapshotCommand({
            VolumeId: volumeId,
            Description: `gitlab-ha ${ctx.config.name}: final snapshot of the storage data volume ${volumeId} (${now.toISOString()})`,
            TagSpecifications: [{ ResourceType: 'snapshot', Tags: ctx.tags(STORAGE_ROLES.finalSnapshot) }],
          }),
        ),
      volumeId,
    );
    ctx.events.info('resource.create', `started final snapshot ${snapshot.SnapshotId} of ${volumeId}`, {
      type: STORAGE_TYPES.snapshot,
      role: STORAGE_ROLES.finalSnapshot,
      id: snapshot.SnapshotId,
    });
  }
  const id = snapshot.SnapshotId!;
  if (snapshot.State !== 'completed') {
    await waitWithSdk(
      ctx,
      ctx.aws.ec2,
      {
        what: `final snapshot ${id} of ${volumeId} to complete`,
        resourceId: id,
        maxWaitSeconds: STORAGE_WAITS.snapshot,
      },
      (config) => waitUntilSnapshotCompleted(config, { SnapshotIds: [id], OwnerIds: ['self'] }),
    );
  }
  ctx.events.info(
    'resource.keep',
    `kept final snapshot ${id} of the storage data volume (restore: aws ec2 create-volume --snapshot-id ${id} --availability-zone <zone>)`,
    { type: STORAGE_TYPES.snapshot, role: STORAGE_ROLES.finalSnapshot, id },
  );
  return id;
}
