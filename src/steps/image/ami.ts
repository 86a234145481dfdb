/**
 * The deployment's GitLab images (AMIs): found by their tags (owner self), made from the stopped
 * builder with CreateImage (the image and its snapshots tagged in the call), waited for until
 * available, and deregistered with their snapshots on destroy. CreateImage has no ClientToken: a run
 * resumed after a crash finds the image it started by its tags before it makes another.
 */
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import type { Image, Snapshot } from '@aws-sdk/client-ec2';
import { awsCall, awsDelete, awsFind } from '../../aws/errors.js';
import { exactlyOneOrNone } from '../../aws/find.js';
import { ec2TagFilters, tagValue } from '../../aws/tags.js';
import { waitWithSdk } from '../../aws/wait.js';
import type { ImageCtx } from './builder.js';
import {
  GITLAB_EDITION_TAG,
  GITLAB_VERSION_TAG,
  IMAGE_RECIPE_TAG,
  IMAGE_ROLES,
  IMAGE_WAITS,
} from './layout.js';
import type { ImageRecipe } from './recipe.js';
import { imageDescription, imageName, recipeTags } from './recipe.js';

type Filter = { Name: string; Values: string[] };

/** Images that can serve (or will, once available); `failed` ones are only cleaned up. */
export const USABLE_IMAGE_STATES = ['pending', 'available'];

export function describeImageById(ctx: Pick<ImageCtx, 'aws'>, id: string): Promise<Image | undefined> {
  return awsFind(
    'describing EC2 image',
    async () => {
      const image = (await ctx.aws.ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0];
      // AWS may show a deregistered image for a while: it is gone for gitlab-ha.
      return image && image.State !== 'deregistered' ? image : undefined;
    },
    id,
  );
}

/** The account's images tagged as this deployment's GitLab images, narrowed by `filters`. */
export async function findDeploymentImages(ctx: ImageCtx, filters: Filter[] = []): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('finding the GitLab images (AMIs) of the deployment by tags', () =>
      ctx.aws.ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [...ec2TagFilters(ctx.config.name, ctx.step, IMAGE_ROLES.ami), ...filters],
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    images.push(...(page.Images ?? []).filter((i) => i.State !== 'deregistered'));
    token = page.NextToken;
  } while (token);
  return images;
}

/** The filters that select images of this recipe that are or will be usable. */
export function recipeFilters(recipe: ImageRecipe): Filter[] {
  return [
    { Name: `tag:${IMAGE_RECIPE_TAG}`, Values: [recipe.hash] },
    { Name: `tag:${GITLAB_VERSION_TAG}`, Values: [recipe.version] },
    { Name: 'state', Values: USABLE_IMAGE_STATES },
  ];
}

export function isForRecipe(image: Image, recipe: ImageRecipe): boolean {
  return (
    tagValue(image.Tags, IMAGE_RECIPE_TAG) === recipe.hash && USABLE_IMAGE_STATES.includes(image.State ?? '')
  );
}

/** What an image says about itself, for outputs, state and status. */
export function imageFacts(image: Image): { name: string; gitlabVersion: string; gitlabEdition: string } {
  return {
    name: image.Name ?? '',
    gitlabVersion: tagValue(image.Tags, GITLAB_VERSION_TAG) ?? 'unknown',
    gitlabEdition: tagValue(image.Tags, GITLAB_EDITION_TAG) ?? 'unknown',
  };
}

/** Images the stopped builder into a new AMI, tagged with its snapshots in the call; returns the id. */
export async function createImageOf(
  ctx: ImageCtx,
  recipe: ImageRecipe,
  builderId: string,
  now: Date,
): Promise<{ imageId: string; name: string }> {
  const name = imageName(ctx.config.name, recipe, now);
  const output = await awsCall(
    `creating the EC2 image ${name} of the image builder`,
    () =>
      ctx.aws.ec2.send(
        new CreateImageCommand({
          InstanceId: builderId,
          Name: name,
          Description: imageDescription(ctx.config.name, recipe, builderId),
          TagSpecifications: [
            { ResourceType: 'image', Tags: [...ctx.tags(IMAGE_ROLES.ami), ...recipeTags(recipe)] },
            { ResourceType: 'snapshot', Tags: [...ctx.tags(IMAGE_ROLES.amiSnapshot), ...recipeTags(recipe)] },
          ],
        }),
      ),
    builderId,
  );
  return { imageId: output.ImageId!, name };
}

export async function waitImageAvailable(ctx: ImageCtx, imageId: string): Promise<void> {
  await waitWithSdk(
    ctx,
    ctx.aws.ec2,
    {
      what: `GitLab image ${imageId} to become available`,
      resourceId: imageId,
      maxWaitSeconds: IMAGE_WAITS.imageAvailable,
    },
    (config) => waitUntilImageAvailable(config, { ImageIds: [imageId] }),
  );
}

/** The snapshot ids an image's EBS mappings point at. */
export function snapshotIdsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? [])
    .map((mapping) => mapping.Ebs?.SnapshotId)
    .filter((id): id is string => id !== undefined);
}

/**
 * Deregisters an image, then deletes its snapshots (EC2 refuses to delete a snapshot a registered
 * image still maps). Not-found is success for both.
 */
export async function deregisterWithSnapshots(ctx: ImageCtx, image: Image): Promise<string[]> {
  const id = image.ImageId!;
  await awsDelete(
    'deregistering EC2 image',
    () => ctx.aws.ec2.send(new DeregisterImageCommand({ ImageId: id })),
    id,
  );
  const snapshots = snapshotIdsOf(image);
  for (const snapshotId of snapshots) await deleteSnapshot(ctx, snapshotId);
  return snapshots;
}

export async function deleteSnapshot(ctx: Pick<ImageCtx, 'aws'>, snapshotId: string): Promise<void> {
  await awsDelete(
    'deleting EC2 snapshot',
    () => ctx.aws.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    snapshotId,
  );
}

/** Snapshots tagged as the deployment's image snapshots (to find those a crashed destroy left behind). */
export async function findImageSnapshots(ctx: ImageCtx): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('finding the snapshots of the GitLab images by tags', () =>
      ctx.aws.ec2.send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: ec2TagFilters(ctx.config.name, ctx.step, IMAGE_ROLES.amiSnapshot),
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    snapshots.push(...(page.Snapshots ?? []));
    token = page.NextToken;
  } while (token);
  return snapshots;
}

export interface WantedImageLookup {
  /** The image recorded as current, as it is now (undefined when none is recorded or it is gone). */
  recorded: Image | undefined;
  /** The image of the wanted recipe, if one exists, and how it was found. */
  wanted: Image | undefined;
  via: 'state' | 'tags' | undefined;
}

/** The recorded image while it is of the wanted recipe, else the one carrying the recipe's tags. */
export async function lookUpWantedImage(
  ctx: ImageCtx,
  recipe: ImageRecipe,
  recordedId: string | undefined,
): Promise<WantedImageLookup> {
  const recorded = recordedId ? await describeImageById(ctx, recordedId) : undefined;
  if (recorded && isForRecipe(recorded, recipe)) return { recorded, wanted: recorded, via: 'state' };
  const wanted = exactlyOneOrNone(
    `GitLab images for recipe ${recipe.hash}`,
    await findDeploymentImages(ctx, recipeFilters(recipe)),
    (i) => i.ImageId!,
  );
  return { recorded, wanted, via: wanted ? 'tags' : undefined };
}
