/**
 * The storage node's EBS data volume as a ResourceSpec: encrypted, in the AZ of the first private
 * subnet (where the node runs), sized by `storage.dataVolume`. It outlives any one node: a replaced
 * node is attached to the same volume, and destroy snapshots it before deleting it.
 */
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  waitUntilVolumeAvailable,
  waitUntilVolumeDeleted,
  waitUntilVolumeInUse,
} from '@aws-sdk/client-ec2';
import type { Volume, VolumeType } from '@aws-sdk/client-ec2';
import { createWithFreshToken } from '../../aws/client-token.js';
import { awsCall, awsDelete, awsFind } from '../../aws/errors.js';
import { ec2TagFilters } from '../../aws/tags.js';
import { waitWithSdk } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import { DATA_VOLUME_DEVICE } from '../../gitlab/storage-node.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { StoragePlacement } from './layout.js';
import { STORAGE_ROLES, STORAGE_TYPES, STORAGE_WAITS } from './layout.js';

export type StorageCtx = Pick<
  StepContext,
  'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'
>;
type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

const LIVE_VOLUME_STATES = ['creating', 'available', 'in-use'];
const LABEL = 'storage data volume';

export function volumeDetails(ctx: Pick<StepContext, 'config'>): Record<string, string | number | boolean> {
  const { sizeGb, type, iops } = ctx.config.storage.dataVolume;
  return { sizeGb, type, ...(iops !== undefined ? { iops } : {}), encrypted: true };
}

/** `placement` is needed only to create the volume; finding and deleting it do without. */
export function dataVolumeSpec(ctx: StorageCtx, placement?: () => StoragePlacement): Spec<Volume> {
  const { ec2 } = ctx.aws;
  const role = STORAGE_ROLES.dataVolume;
  const describe = (id: string) =>
    awsFind(
      'describing EC2 volume',
      async () => {
        const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.[0];
        return volume && LIVE_VOLUME_STATES.includes(volume.State ?? '') ? volume : undefined;
      },
      id,
    );
  return {
    role,
    type: STORAGE_TYPES.volume,
    label: LABEL,
    details: volumeDetails(ctx),
    idOf: (v) => v.VolumeId!,
    tagsOf: (v) => v.Tags,
    attributes: (v) => ({ availabilityZone: v.AvailabilityZone ?? null }),
    findById: describe,
    findByTags: async () =>
      (
        await awsCall(`finding the EC2 ${LABEL} by tags`, () =>
          ec2.send(
            new DescribeVolumesCommand({
              Filters: [
                ...ec2TagFilters(ctx.config.name, ctx.step, role),
                { Name: 'status', Values: LIVE_VOLUME_STATES },
              ],
            }),
          ),
        )
      ).Volumes ?? [],
    create: () => {
      if (!placement) throw new Error('storage: creating the data volume needs the network outputs');
      return createVolume(ctx, placement());
    },
    delete: async (volume) => {
      const id = volume.VolumeId!;
      await awsDelete('deleting EC2 volume', () => ec2.send(new DeleteVolumeCommand({ VolumeId: id })), id);
      await waitWithSdk(
        ctx,
        ec2,
        { what: `${LABEL} ${id} to be deleted`, resourceId: id, maxWaitSeconds: STORAGE_WAITS.volumeDeleted },
        (config) => waitUntilVolumeDeleted(config, { VolumeIds: [id] }),
      );
    },
  };
}

async function createVolume(ctx: StorageCtx, placement: StoragePlacement): Promise<Volume> {
  const { sizeGb, type, iops } = ctx.config.storage.dataVolume;
  const zone = placement.availabilityZone;
  // Tied to the subnet, so a deployment rebuilt from scratch gets a new volume, while a run resumed
  // after a crash gets the same one back.
  const tokenBase = `${ctx.config.name}-data-${placement.subnetId}`;
  return createWithFreshToken(
    `the ${LABEL}`,
    tokenBase,
    async (token) =>
      awsCall(`creating EC2 ${LABEL} (${sizeGb} GiB ${type}) in ${zone}`, () =>
        ctx.aws.ec2.send(
          new CreateVolumeCommand({
            AvailabilityZone: zone,
            Size: sizeGb,
            VolumeType: type as VolumeType,
            ...(iops !== undefined ? { Iops: iops } : {}),
            Encrypted: true,
            ClientToken: token,
            TagSpecifications: [{ ResourceType: 'volume', Tags: ctx.tags(STORAGE_ROLES.dataVolume) }],
          }),
        ),
      ),
    (volume) => !LIVE_VOLUME_STATES.includes(volume.State ?? ''),
  );
}

export function waitVolumeAvailable(ctx: StorageCtx, id: string): Promise<void> {
  return waitWithSdk(
    ctx,
    ctx.aws.ec2,
    {
      what: `${LABEL} ${id} to become available`,
      resourceId: id,
      maxWaitSeconds: STORAGE_WAITS.volumeAvailable,
    },
    (config) => waitUntilVolumeAvailable(config, { VolumeIds: [id] }),
  );
}

/** An EBS volume cannot move between AZs: one found elsewhere cannot serve the node. */
export function assertVolumeInZone(volume: Volume, zone: string): void {
  if (volume.AvailabilityZone === zone) return;
  throw new ProvisioningError(
    `The ${LABEL} ${volume.VolumeId} is in ${volume.AvailabilityZone}, but the storage node runs in ${zone} (the first private subnet's zone); a volume cannot move between zones`,
    {
      code: 'RESOURCE_IN_WRONG_ZONE',
      resourceId: volume.VolumeId!,
      hint: `Snapshot ${volume.VolumeId}, create a volume from the snapshot in ${zone} tagged like it, delete the old one, and run again.`,
    },
  );
}

/** Config changes a live volume does not follow (gitlab-ha never resizes or retypes data in place). */
export function volumeShapeDrift(ctx: Pick<StepContext, 'config'>, volume: Volume): string | undefined {
  const { sizeGb, type, iops } = ctx.config.storage.dataVolume;
  const differences = [
    volume.Size !== sizeGb ? `${volume.Size} GiB (config: ${sizeGb})` : undefined,
    volume.VolumeType !== type ? `type ${volume.VolumeType} (config: ${type})` : undefined,
    iops !== undefined && volume.Iops !== iops ? `${volume.Iops} IOPS (config: ${iops})` : undefined,
  ].filter((d): d is string => d !== undefined);
  if (differences.length === 0) return undefined;
  return `${LABEL} ${volume.VolumeId} is ${differences.join(', ')}; gitlab-ha does not change it in place (aws ec2 modify-volume, then xfs_growfs on the node)`;
}

/**
 * Attaches the data volume to the node as /dev/sdf unless it already is, and waits until it is in
 * use. A volume attached to another instance is an error: it holds this deployment's data.
 */
export async function ensureAttached(ctx: StorageCtx, volumeId: string, instanceId: string): Promise<void> {
  const spec = dataVolumeSpec(ctx);
  const volume = await spec.findById(volumeId);
  if (!volume) {
    throw new ProvisioningError(`The ${LABEL} ${volumeId} disappeared while the storage node started`, {
      code: 'RESOURCE_GONE',
      resourceId: volumeId,
      hint: 'Run the same command again: gitlab-ha creates a new volume and node.',
    });
  }
  const attachment = volume.Attachments?.[0];
  if (attachment && attachment.InstanceId !== instanceId) {
    throw new ProvisioningError(
      `The ${LABEL} ${volumeId} is attached to ${attachment.InstanceId}, not to the storage node ${instanceId}`,
      {
        code: 'VOLUME_ATTACHED_ELSEWHERE',
        resourceId: volumeId,
        hint: `Detach it from ${attachment.InstanceId} (aws ec2 detach-volume --volume-id ${volumeId}) and run again.`,
      },
    );
  }
  if (!attachment) {
    await awsCall(
      `attaching EC2 ${LABEL} to ${instanceId}`,
      () =>
        ctx.aws.ec2.send(
          new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: DATA_VOLUME_DEVICE }),
        ),
      volumeId,
    );
    ctx.events.info(
      'resource.create',
      `attached ${LABEL} ${volumeId} to ${instanceId} as ${DATA_VOLUME_DEVICE}`,
      {
        type: STORAGE_TYPES.attachment,
        role: `${STORAGE_ROLES.dataVolume}/attachment`,
        id: volumeId,
      },
    );
  }
  if (volume.State !== 'in-use' || attachment?.State !== 'attached') {
    await waitWithSdk(
      ctx,
      ctx.aws.ec2,
      {
        what: `${LABEL} ${volumeId} to be attached to ${instanceId}`,
        resourceId: volumeId,
        maxWaitSeconds: STORAGE_WAITS.volumeAttached,
      },
      (config) => waitUntilVolumeInUse(config, { VolumeIds: [volumeId] }),
    );
  }
}
