/**
 * apply for the image step. An available image of the wanted recipe (recipe.ts) is reused with no
 * change at all; a pending one is waited for. Otherwise an image is baked:
 *   builder launched (or the recorded one resumed) -> running -> it installs and configures GitLab
 *   and tags itself ready -> stopped -> CreateImage (recorded at once) -> available -> builder
 *   terminated and forgotten, its bootstrap-log parameter deleted.
 * A builder that failed is left running for inspection; the next apply terminates it and starts a
 * new one. An image of an earlier recipe stays, recorded as `ami/previous/<id>`, until destroy: the
 * auto-scaling step may still launch from it until it has moved to the new one.
 */
import type { Image, Instance } from '@aws-sdk/client-ec2';
import { createdByTool, tagValue } from '../../aws/tags.js';
import { resolveBaseImage } from '../../aws/ubuntu-ami.js';
import type { BaseImage, BaseImageSource } from '../../aws/ubuntu-ami.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { ResourceRecord, StepContext, StepResult } from '../../engine/step.js';
import { BUILDER_SECRET_KEYS, railsNodeInput, renderBuilderCloudInit } from '../../gitlab/rails-node.js';
import { ensureSecret } from '../secrets.js';
import { awaitBootstrapSignal, bootstrapState } from '../node-bootstrap.js';
import { ensureResource, findLive } from '../resource.js';
import {
  USABLE_IMAGE_STATES,
  createImageOf,
  describeImageById,
  imageFacts,
  lookUpWantedImage,
  waitImageAvailable,
} from './ami.js';
import type { BuilderRequest } from './builder.js';
import {
  BUILDER_LABEL,
  builderReplaceReason,
  builderRunInstancesInput,
  builderSpec,
  deleteBootstrapLog,
  findBuilderInstance,
  stopBuilder,
  terminateBuilder,
  waitBuilderRunning,
} from './builder.js';
import {
  BASE_AMI_CONFIG_PATH,
  IMAGE_RECIPE_TAG,
  IMAGE_ROLES,
  IMAGE_TYPES,
  IMAGE_WAITS,
  builderPlacement,
  previousAmiRole,
} from './layout.js';
import type { ImageRecipe } from './recipe.js';
import { imageRecipe, recipeTags } from './recipe.js';

export interface ImageOutputs {
  amiId: string;
  imageName: string;
  gitlabVersion: string;
  gitlabEdition: string;
}

const IMAGE_SOURCES: Record<BaseImageSource, string> = {
  config: BASE_AMI_CONFIG_PATH,
  'ssm-parameter': "Canonical's SSM parameter",
  'describe-images': "Canonical's newest image (DescribeImages)",
};

export async function ensureImage(ctx: StepContext): Promise<StepResult> {
  const recipe = imageRecipe(ctx.config);
  const found = await findWantedImage(ctx, recipe);
  let image: { id: string; name: string; state: string | undefined };
  if (found) {
    image = { id: found.ImageId!, name: found.Name ?? '', state: found.State };
    await makeCurrent(ctx, image.id, {
      origin: createdByTool(found.Tags) ? 'tool' : 'adopted',
      attributes: imageAttributes(imageFacts(found), recipe),
    });
  } else {
    const builder = await readyBuilder(ctx, recipe);
    const created = await createImageOf(ctx, recipe, builder.InstanceId!, new Date());
    image = { id: created.imageId, name: created.name, state: 'pending' };
    await makeCurrent(ctx, image.id, {
      origin: 'tool',
      attributes: imageAttributes(
        { name: created.name, gitlabVersion: recipe.version, gitlabEdition: recipe.edition },
        recipe,
      ),
    });
    ctx.events.info(
      'resource.create',
      `creating GitLab image ${image.id} (${created.name}) of ${builder.InstanceId}`,
      {
        type: IMAGE_TYPES.image,
        role: IMAGE_ROLES.ami,
        id: image.id,
      },
    );
  }
  if (image.state !== 'available') await waitImageAvailable(ctx, image.id);
  await removeBuilder(ctx);
  const outputs: ImageOutputs = {
    amiId: image.id,
    imageName: image.name,
    gitlabVersion: recipe.version,
    gitlabEdition: recipe.edition,
  };
  return { outputs: { ...outputs } };
}

function imageAttributes(
  facts: { name: string; gitlabVersion: string; gitlabEdition: string },
  recipe: ImageRecipe,
): ResourceRecord['attributes'] {
  return { ...facts, recipe: recipe.hash };
}

/** The image to use, if one of the wanted recipe exists: the recorded one, else one found by tags. */
async function findWantedImage(ctx: StepContext, recipe: ImageRecipe): Promise<Image | undefined> {
  const recordedId = ctx.recorded(IMAGE_ROLES.ami)?.id;
  const { recorded, wanted, via } = await lookUpWantedImage(ctx, recipe, recordedId);
  if (recordedId && via !== 'state') {
    if (!recorded || !USABLE_IMAGE_STATES.includes(recorded.State ?? '')) {
      const what = recorded
        ? `is ${recorded.State} (${recorded.StateReason?.Message ?? 'no reason given'})`
        : 'is gone';
      ctx.events.warn('resource.drift', `GitLab image ${recordedId} ${what}; another will be used or baked`, {
        type: IMAGE_TYPES.image,
        role: IMAGE_ROLES.ami,
        id: recordedId,
      });
    } else {
      ctx.events.info(
        'note',
        `GitLab image ${recordedId} is of another recipe (${tagValue(recorded.Tags, IMAGE_RECIPE_TAG) ?? 'untagged'}) ` +
          `than GitLab ${recipe.edition} ${recipe.version} at ${recipe.externalUrl} (recipe ${recipe.hash}): it is kept, and another is used`,
        { id: recordedId, recipe: recipe.hash },
      );
    }
  }
  if (wanted && via === 'tags') {
    ctx.events.info(
      'resource.adopt',
      `found GitLab image ${wanted.ImageId} (${wanted.Name ?? ''}) by its tags`,
      {
        type: IMAGE_TYPES.image,
        role: IMAGE_ROLES.ami,
        id: wanted.ImageId,
      },
    );
  }
  return wanted;
}

/**
 * Records `imageId` as the current image. The image it replaces moves to `ami/previous/<id>` (unless
 * it is gone or failed): instances may still be launched from it until auto scaling has moved on.
 */
async function makeCurrent(
  ctx: StepContext,
  imageId: string,
  record: Pick<ResourceRecord, 'origin' | 'attributes'>,
): Promise<void> {
  const replaced = ctx.recorded(IMAGE_ROLES.ami);
  if (replaced?.id === imageId) return;
  if (replaced) {
    const old = await describeImageById(ctx, replaced.id);
    if (old && old.State !== 'failed') {
      const { recordedAt: _recordedAt, ...kept } = replaced;
      await ctx.record(previousAmiRole(replaced.id), kept);
    }
  }
  await ctx.forget(previousAmiRole(imageId));
  await ctx.record(IMAGE_ROLES.ami, { type: IMAGE_TYPES.image, id: imageId, ...record });
}

async function resolveImage(ctx: StepContext): Promise<BaseImage> {
  const image = await resolveBaseImage(ctx.aws, {
    override: ctx.config.gitlab.baseAmi,
    configPath: BASE_AMI_CONFIG_PATH,
  });
  ctx.events.info(
    'note',
    `image builder base image: ${image.imageId} (${image.name ?? 'no name'}) from ${IMAGE_SOURCES[image.source]}`,
    { imageId: image.imageId, source: image.source },
  );
  return image;
}

/**
 * The first root password: the builder's migrations seed the root user with it. It stays in SSM so
 * the operator can sign in the first time (and should change it then).
 */
async function ensureRootPassword(ctx: StepContext): Promise<void> {
  const name = await ensureSecret(ctx, {
    key: BUILDER_SECRET_KEYS.rootPassword,
    description: `gitlab-ha ${ctx.config.name}: GitLab's first root password (change it after the first sign-in)`,
    length: 32,
  });
  ctx.events.info(
    'note',
    `GitLab's first root password is in SSM: aws ssm get-parameter --name ${name} --with-decryption --query Parameter.Value --output text`,
    { parameterName: name },
  );
}

async function launchRequest(ctx: StepContext, recipe: ImageRecipe): Promise<BuilderRequest> {
  await ensureRootPassword(ctx);
  const placement = builderPlacement(
    ctx.outputsOf('network'),
    ctx.outputsOf('security'),
    ctx.outputsOf('identity'),
  );
  const input = railsNodeInput(ctx.config, {
    database: ctx.outputsOf('database'),
    redis: ctx.outputsOf('redis'),
    storage: ctx.outputsOf('storage'),
  });
  return builderRunInstancesInput({
    config: ctx.config,
    image: await resolveImage(ctx),
    placement,
    userData: renderBuilderCloudInit(input),
    instanceTags: [...ctx.tags(IMAGE_ROLES.builder), ...recipeTags(recipe)],
    rootVolumeTags: ctx.tags(IMAGE_ROLES.builderRootVolume),
  });
}

/**
 * A builder of this recipe that has installed and configured GitLab, stopped: the recorded (or
 * tagged) one resumed where it is, or a new one. A failed or unusable one is terminated first.
 */
async function readyBuilder(ctx: StepContext, recipe: ImageRecipe): Promise<Instance> {
  const existing = await findLive(ctx, builderSpec(ctx));
  const reason = existing && builderReplaceReason(existing, recipe);
  if (existing && reason) {
    ctx.events.warn('resource.delete', `${reason}: terminating it to start a new one`, {
      type: IMAGE_TYPES.instance,
      role: IMAGE_ROLES.builder,
      id: existing.InstanceId,
    });
    await terminateBuilder(ctx, existing.InstanceId!);
    await ctx.forget(IMAGE_ROLES.builder);
  }
  const { resource } = await ensureResource(
    ctx,
    builderSpec(ctx, () => launchRequest(ctx, recipe)),
  );
  const id = resource.InstanceId!;
  let builder = resource;
  if (bootstrapState(builder) !== 'ready') {
    if (builder.State?.Name === 'pending') await waitBuilderRunning(ctx, id);
    await awaitBootstrapSignal(ctx, {
      instanceId: id,
      label: BUILDER_LABEL,
      maxWaitSeconds: IMAGE_WAITS.bootstrap,
      findInstance: (instanceId) => findBuilderInstance(ctx, instanceId),
      afterFailure:
        'Once the cause is fixed, run gitlab-ha apply again: it terminates this builder and bakes the image with a new one.',
    });
    builder = await mustFind(ctx, id);
  }
  await stopBuilder(ctx, builder);
  return builder;
}

async function mustFind(ctx: StepContext, id: string): Promise<Instance> {
  const builder = await findBuilderInstance(ctx, id);
  if (builder) return builder;
  throw new ProvisioningError(`The ${BUILDER_LABEL} ${id} disappeared before its image was made`, {
    code: 'RESOURCE_GONE',
    resourceId: id,
    hint: 'Run gitlab-ha apply again: a new builder is started.',
  });
}

/**
 * Terminates the builder once its image is available, forgets it, and deletes its bootstrap-log
 * parameter. With no builder recorded or tagged, makes no call that changes anything.
 */
async function removeBuilder(ctx: StepContext): Promise<void> {
  const recorded = ctx.recorded(IMAGE_ROLES.builder);
  const live = await findLive(ctx, builderSpec(ctx));
  if (live) {
    await terminateBuilder(ctx, live.InstanceId!);
    ctx.events.info(
      'resource.delete',
      `terminated the ${BUILDER_LABEL} ${live.InstanceId}: its image is available`,
      {
        type: IMAGE_TYPES.instance,
        role: IMAGE_ROLES.builder,
        id: live.InstanceId,
      },
    );
  }
  // A run that crashed after terminating it still has it recorded: its log parameter may be left.
  if (recorded && recorded.id !== live?.InstanceId) await deleteBootstrapLog(ctx, recorded.id);
  await ctx.forget(IMAGE_ROLES.builder);
}
