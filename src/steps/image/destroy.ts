/**
 * destroy for the image step: the builder (if one was left) is terminated and its bootstrap-log
 * parameter deleted; every GitLab image of the deployment (current, previous, failed; found by tags
 * and in state) is deregistered, then its snapshots are deleted. Images the tool adopted rather than
 * made are kept unless --force. Snapshots a crashed destroy left behind are found by their tags.
 */
import { BUILDER_SECRET_KEYS } from '../../gitlab/rails-node.js';
import { deleteSecret } from '../secrets.js';
import type { Image } from '@aws-sdk/client-ec2';
import { AwsErrorCode, failedWith } from '../../aws/errors.js';
import { createdByTool } from '../../aws/tags.js';
import type { DestroyContext } from '../../engine/step.js';
import { destroyDeletes, findLive } from '../resource.js';
import {
  deleteSnapshot,
  deregisterWithSnapshots,
  describeImageById,
  findDeploymentImages,
  findImageSnapshots,
  snapshotIdsOf,
} from './ami.js';
import { BUILDER_LABEL, builderSpec, deleteBootstrapLog, terminateBuilder } from './builder.js';
import { IMAGE_ROLES, IMAGE_TYPES, PREVIOUS_AMI_ROLE_PREFIX } from './layout.js';

export async function destroyImage(ctx: DestroyContext): Promise<void> {
  await destroyBuilder(ctx);
  const kept = await destroyImages(ctx);
  await destroyLeftoverSnapshots(ctx, kept);
  await deleteSecret(ctx, BUILDER_SECRET_KEYS.rootPassword);
}

async function destroyBuilder(ctx: DestroyContext): Promise<void> {
  const role = IMAGE_ROLES.builder;
  const recorded = ctx.recorded(role);
  const live = await findLive(ctx, builderSpec(ctx));
  if (live) {
    const id = live.InstanceId!;
    if (destroyDeletes(ctx, role, live.Tags)) {
      await terminateBuilder(ctx, id);
      ctx.events.info('resource.delete', `terminated the ${BUILDER_LABEL} ${id}`, {
        type: IMAGE_TYPES.instance,
        role,
        id,
      });
    } else {
      ctx.events.warn(
        'resource.keep',
        `kept ${BUILDER_LABEL} ${id}: it was adopted, not created by gitlab-ha (use --force to terminate it)`,
        { type: IMAGE_TYPES.instance, role, id },
      );
    }
  }
  if (recorded && recorded.id !== live?.InstanceId) await deleteBootstrapLog(ctx, recorded.id);
  await ctx.forget(role);
}

/** The state roles that hold images: the current one and the previous ones, by image id. */
function recordedImageRoles(ctx: DestroyContext): Map<string, string> {
  const roles = new Map<string, string>();
  for (const [role, resource] of Object.entries(ctx.recordedAll())) {
    if (role === IMAGE_ROLES.ami || role.startsWith(PREVIOUS_AMI_ROLE_PREFIX)) roles.set(resource.id, role);
  }
  return roles;
}

/** Deregisters the deployment's images with their snapshots; returns the images kept (adopted ones). */
async function destroyImages(ctx: DestroyContext): Promise<Image[]> {
  const roles = recordedImageRoles(ctx);
  const images = await findDeploymentImages(ctx);
  // An image in state whose tags were removed by hand is still the deployment's.
  for (const id of roles.keys()) {
    if (images.some((i) => i.ImageId === id)) continue;
    const image = await describeImageById(ctx, id);
    if (image) images.push(image);
  }
  const kept: Image[] = [];
  for (const image of images) {
    const id = image.ImageId!;
    const role = roles.get(id) ?? IMAGE_ROLES.ami;
    const recorded = roles.has(id) ? ctx.recorded(role) : undefined;
    const ours = recorded ? recorded.origin === 'tool' : createdByTool(image.Tags);
    if (ours || ctx.options.force) {
      const snapshots = await deregisterWithSnapshots(ctx, image);
      ctx.events.info(
        'resource.delete',
        `deregistered GitLab image ${id} (${image.Name ?? ''})${snapshots.length > 0 ? ` and deleted its snapshots ${snapshots.join(', ')}` : ''}`,
        { type: IMAGE_TYPES.image, role, id },
      );
    } else {
      kept.push(image);
      ctx.events.warn(
        'resource.keep',
        `kept GitLab image ${id} (${image.Name ?? ''}): it was adopted, not created by gitlab-ha (use --force to deregister it)`,
        { type: IMAGE_TYPES.image, role, id },
      );
    }
  }
  for (const role of roles.values()) await ctx.forget(role);
  return kept;
}

/** Image snapshots left by a destroy that crashed between DeregisterImage and DeleteSnapshot. */
async function destroyLeftoverSnapshots(ctx: DestroyContext, keptImages: Image[]): Promise<void> {
  const inUse = new Set(keptImages.flatMap(snapshotIdsOf));
  for (const snapshot of await findImageSnapshots(ctx)) {
    const id = snapshot.SnapshotId!;
    if (inUse.has(id) || !(createdByTool(snapshot.Tags) || ctx.options.force)) continue;
    try {
      await deleteSnapshot(ctx, id);
    } catch (error) {
      // Mapped by an image this destroy did not see (its tags removed by hand): that image keeps it.
      if (!failedWith(error, AwsErrorCode.snapshotInUse)) throw error;
      ctx.events.warn(
        'resource.keep',
        `kept snapshot ${id}: an image outside this deployment's tags still uses it`,
        {
          type: IMAGE_TYPES.snapshot,
          role: IMAGE_ROLES.amiSnapshot,
          id,
        },
      );
      continue;
    }
    ctx.events.info('resource.delete', `deleted snapshot ${id} of a GitLab image deregistered earlier`, {
      type: IMAGE_TYPES.snapshot,
      role: IMAGE_ROLES.amiSnapshot,
      id,
    });
  }
}
