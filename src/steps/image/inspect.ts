/**
 * Live status of the image step: the current GitLab image (state, name, version, and whether it is
 * the one the config asks for), a builder if one was left (a failed or interrupted bake, with its
 * bootstrap signal and how to look at it), and the previous images kept until destroy.
 */
import type { Image, Instance } from '@aws-sdk/client-ec2';
import { tagValue } from '../../aws/tags.js';
import type { Health, ResourceStatus, StepContext, StepOutputs, StepStatus } from '../../engine/step.js';
import { bootstrapState, inspectNodeHint } from '../node-bootstrap.js';
import { findLive } from '../resource.js';
import { describeImageById, imageFacts, isForRecipe } from './ami.js';
import { BUILDER_LABEL, builderSpec } from './builder.js';
import { IMAGE_RECIPE_TAG, IMAGE_ROLES, IMAGE_TYPES, PREVIOUS_AMI_ROLE_PREFIX } from './layout.js';
import type { ImageRecipe } from './recipe.js';
import { imageRecipe } from './recipe.js';

function imageProblem(
  recordedId: string | undefined,
  image: Image | undefined,
  recipe: ImageRecipe,
): string | undefined {
  if (!recordedId) return 'no GitLab image is recorded; gitlab-ha apply bakes one';
  if (!image) return `GitLab image ${recordedId} no longer exists; gitlab-ha apply bakes a new one`;
  if (image.State === 'pending')
    return `GitLab image ${recordedId} is still being created; gitlab-ha apply waits for it`;
  if (image.State !== 'available') {
    return `GitLab image ${recordedId} is ${image.State} (${image.StateReason?.Message ?? 'no reason given'}); gitlab-ha apply bakes a new one`;
  }
  if (!isForRecipe(image, recipe)) {
    const facts = imageFacts(image);
    return (
      `GitLab image ${recordedId} has GitLab ${facts.gitlabEdition} ${facts.gitlabVersion} (recipe ${tagValue(image.Tags, IMAGE_RECIPE_TAG) ?? 'untagged'}); ` +
      `the config asks for GitLab ${recipe.edition} ${recipe.version} at ${recipe.externalUrl} (recipe ${recipe.hash}): gitlab-ha apply bakes a new one`
    );
  }
  return undefined;
}

function builderProblem(ctx: StepContext, builder: Instance): string {
  const id = builder.InstanceId!;
  const signal = bootstrapState(builder);
  const what =
    signal === 'failed'
      ? 'failed its first boot (gitlab-ha apply shows its log, then terminates it and bakes with a new one)'
      : signal === 'ready'
        ? 'is ready but was not imaged yet (gitlab-ha apply resumes)'
        : 'has not signalled the end of its first boot (gitlab-ha apply keeps waiting for it)';
  return `${BUILDER_LABEL} ${id} is left (${builder.State?.Name ?? 'unknown'}) and ${what}. ${inspectNodeHint(ctx.config, id)}`;
}

export async function inspectImage(ctx: StepContext): Promise<StepStatus> {
  const recipe = imageRecipe(ctx.config);
  const recordedId = ctx.recorded(IMAGE_ROLES.ami)?.id;
  const previousRoles = Object.entries(ctx.recordedAll()).filter(([role]) =>
    role.startsWith(PREVIOUS_AMI_ROLE_PREFIX),
  );
  const [image, builder, previous] = await Promise.all([
    recordedId ? describeImageById(ctx, recordedId) : Promise.resolve(undefined),
    findLive(ctx, builderSpec(ctx)),
    Promise.all(
      previousRoles.map(async ([role, r]) => ({ role, id: r.id, image: await describeImageById(ctx, r.id) })),
    ),
  ]);
  const drift: string[] = [];
  const resources: ResourceStatus[] = [];
  const problem = imageProblem(recordedId, image, recipe);
  if (problem) drift.push(problem);
  resources.push({
    role: IMAGE_ROLES.ami,
    type: IMAGE_TYPES.image,
    ...(recordedId ? { id: recordedId } : {}),
    state: image?.State ?? 'missing',
    healthy: problem === undefined,
    ...(problem ? { drift: problem } : {}),
  });
  if (builder) {
    const left = builderProblem(ctx, builder);
    drift.push(left);
    resources.push({
      role: IMAGE_ROLES.builder,
      type: IMAGE_TYPES.instance,
      id: builder.InstanceId!,
      state: `${builder.State?.Name ?? 'unknown'}, bootstrap ${bootstrapState(builder) ?? 'pending'}`,
      healthy: false,
      drift: left,
    });
  }
  for (const kept of previous) {
    // Kept on purpose until destroy: instances may still be launched from them.
    resources.push({
      role: kept.role,
      type: IMAGE_TYPES.image,
      id: kept.id,
      state: kept.image?.State ?? 'missing',
      healthy: true,
    });
  }
  const outputs: StepOutputs = {};
  if (image) {
    const facts = imageFacts(image);
    Object.assign(outputs, {
      amiId: image.ImageId!,
      imageName: facts.name,
      gitlabVersion: facts.gitlabVersion,
      gitlabEdition: facts.gitlabEdition,
      imageState: image.State ?? 'unknown',
    });
  }
  if (previous.length > 0) outputs.previousAmiIds = previous.map((p) => p.id);
  if (builder) {
    outputs.builderId = builder.InstanceId!;
    outputs.builderBootstrap = bootstrapState(builder) ?? 'pending';
  }
  const health: Health = !image && !builder ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  return { step: 'image', health, resources, outputs, drift };
}
