/**
 * Step `storage` (guide: "Network File System"): one EC2 storage node in the first private subnet on
 * a separate encrypted EBS data volume. It serves GitLab's shared data (uploads, shared, CI builds)
 * over NFS v4.1 and Git repositories through Gitaly, since NFS for Git data is unsupported since GitLab
 * 15.6. Its first boot (src/gitlab/storage-node.ts) reports back through the bootstrap protocol; the
 * Gitaly token and gitlab-shell secret are SSM SecureStrings the node reads at boot.
 *
 * Order: secrets, data volume, node, attachment, bootstrap. Destroy: node, final snapshot of the data
 * volume (unless --skip-final-snapshots), volume, secrets last.
 */
import type { Instance, Volume } from '@aws-sdk/client-ec2';
import { resolveBaseImage } from '../../aws/ubuntu-ami.js';
import type { BaseImage, BaseImageSource } from '../../aws/ubuntu-ami.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { DestroyContext, Step, StepContext, StepResult } from '../../engine/step.js';
import { GITALY_PORT, NFS_EXPORT_PATH } from '../../gitlab/paths.js';
import { destroyResource, ensureResource, findLive } from '../resource.js';
import { deleteSecret, ensureSecret } from '../secrets.js';
import { awaitBootstrap } from './bootstrap.js';
import { takeFinalSnapshot } from './final-snapshot.js';
import { inspectStorage } from './inspect.js';
import type { StoragePlacement } from './layout.js';
import { STORAGE_ROLES, STORAGE_SECRETS, STORAGE_TYPES, storagePlacement } from './layout.js';
import { BASE_AMI_CONFIG_PATH, ensureRunning, storageNodeSpec, storageRunInstancesInput } from './node.js';
import { planStorage } from './plan.js';
import {
  assertVolumeInZone,
  dataVolumeSpec,
  ensureAttached,
  volumeShapeDrift,
  waitVolumeAvailable,
} from './volume.js';

export interface StorageOutputs {
  instanceId: string;
  privateIp: string;
  privateDnsName: string;
  /** Mount `<privateIp>:<nfsExportPath>` over NFS v4.1. */
  nfsExportPath: string;
  /** `tcp://<privateIp>:8075`, for gitlab_rails['repositories_storages']. */
  gitalyAddress: string;
  gitalyTokenParameterName: string;
  gitlabShellSecretParameterName: string;
  dataVolumeId: string;
}

const IMAGE_SOURCES: Record<BaseImageSource, string> = {
  config: BASE_AMI_CONFIG_PATH,
  'ssm-parameter': "Canonical's SSM parameter",
  'describe-images': "Canonical's newest image (DescribeImages)",
};

function placementOf(ctx: StepContext): StoragePlacement {
  return storagePlacement(ctx.outputsOf('network'), ctx.outputsOf('security'), ctx.outputsOf('identity'));
}

async function ensureDataVolume(ctx: StepContext, placement: StoragePlacement): Promise<Volume> {
  const { resource: volume } = await ensureResource(
    ctx,
    dataVolumeSpec(ctx, () => placement),
  );
  assertVolumeInZone(volume, placement.availabilityZone);
  if (volume.State === 'creating') await waitVolumeAvailable(ctx, volume.VolumeId!);
  const drift = volumeShapeDrift(ctx, volume);
  if (drift) {
    ctx.events.warn('resource.drift', drift, {
      type: STORAGE_TYPES.volume,
      role: STORAGE_ROLES.dataVolume,
      id: volume.VolumeId,
    });
  }
  return volume;
}

async function resolveImage(ctx: StepContext): Promise<BaseImage> {
  const image = await resolveBaseImage(ctx.aws, {
    override: ctx.config.storage.baseAmi,
    configPath: BASE_AMI_CONFIG_PATH,
  });
  ctx.events.info(
    'note',
    `storage node image: ${image.imageId} (${image.name ?? 'no name'}) from ${IMAGE_SOURCES[image.source]}`,
    { imageId: image.imageId, source: image.source },
  );
  return image;
}

async function ensureNode(
  ctx: StepContext,
  placement: StoragePlacement,
  dataVolumeId: string,
  image: BaseImage | undefined,
): Promise<Instance> {
  const spec = storageNodeSpec(ctx, async () => {
    const request = storageRunInstancesInput({
      config: ctx.config,
      image: image ?? (await resolveImage(ctx)),
      placement,
      dataVolumeId,
      instanceTags: ctx.tags(STORAGE_ROLES.node),
      rootVolumeTags: ctx.tags(STORAGE_ROLES.rootVolume),
    });
    return { request, dataVolumeId };
  });
  const { resource } = await ensureResource(ctx, spec);
  const node = await ensureRunning(ctx, resource);
  if (node.Placement?.AvailabilityZone !== placement.availabilityZone) {
    throw new ProvisioningError(
      `The storage node ${node.InstanceId} runs in ${node.Placement?.AvailabilityZone}, but its data volume is in ${placement.availabilityZone}`,
      {
        code: 'RESOURCE_IN_WRONG_ZONE',
        resourceId: node.InstanceId!,
        hint: `Terminate ${node.InstanceId} (or remove its gitlab-ha:* tags) and run again.`,
      },
    );
  }
  return node;
}

async function ensureStorage(ctx: StepContext): Promise<StepResult> {
  const placement = placementOf(ctx);
  // When a node is to be launched, its image is resolved before anything is created: a wrong
  // storage.baseAmi then fails the run with nothing changed in AWS.
  const image = (await findLive(ctx, storageNodeSpec(ctx))) ? undefined : await resolveImage(ctx);
  // Secrets first: the node reads them at boot.
  const parameterNames: string[] = [];
  for (const secret of STORAGE_SECRETS) parameterNames.push(await ensureSecret(ctx, secret));
  const volume = await ensureDataVolume(ctx, placement);
  const dataVolumeId = volume.VolumeId!;
  const node = await ensureNode(ctx, placement, dataVolumeId, image);
  const instanceId = node.InstanceId!;
  await ensureAttached(ctx, dataVolumeId, instanceId);
  await awaitBootstrap(ctx, instanceId);
  const privateIp = node.PrivateIpAddress!;
  const outputs: StorageOutputs = {
    instanceId,
    privateIp,
    privateDnsName: node.PrivateDnsName ?? '',
    nfsExportPath: NFS_EXPORT_PATH,
    gitalyAddress: `tcp://${privateIp}:${GITALY_PORT}`,
    gitalyTokenParameterName: parameterNames[0]!,
    gitlabShellSecretParameterName: parameterNames[1]!,
    dataVolumeId,
  };
  return { outputs: { ...outputs } };
}

async function destroyStorage(ctx: DestroyContext): Promise<void> {
  // The node first: the data volume is then detached and cleanly unmounted for its final snapshot.
  await destroyResource(ctx, storageNodeSpec(ctx));
  const volumeSpec = dataVolumeSpec(ctx);
  await destroyResource(ctx, {
    ...volumeSpec,
    delete: async (volume) => {
      const id = volume.VolumeId!;
      const holder = volume.Attachments?.[0]?.InstanceId;
      if (holder) {
        throw new ProvisioningError(
          `The storage data volume ${id} is still attached to ${holder}, which gitlab-ha kept`,
          {
            code: 'VOLUME_IN_USE',
            resourceId: id,
            hint: `Detach it (aws ec2 detach-volume --volume-id ${id}) or run destroy with --force to terminate ${holder} too.`,
          },
        );
      }
      if (ctx.options.skipFinalSnapshots) {
        ctx.events.warn(
          'note',
          `deleting the storage data volume ${id} without a final snapshot (--skip-final-snapshots)`,
          {
            id,
          },
        );
      } else {
        await takeFinalSnapshot(ctx, id);
      }
      await volumeSpec.delete(volume);
    },
  });
  // Secrets last (design: SSM parameters are removed at the end).
  for (const secret of STORAGE_SECRETS) await deleteSecret(ctx, secret.key);
}

export const storageStep: Step = {
  id: 'storage',
  title: 'Storage node (NFS for shared data, Gitaly for repositories)',
  dependsOn: ['network', 'security', 'identity'],
  plan: planStorage,
  ensure: ensureStorage,
  inspect: inspectStorage,
  destroy: destroyStorage,
};
