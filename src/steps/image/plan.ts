/**
 * What `plan` shows for the image step. Offline: a builder and an image to create, with the base
 * image source, instance type and GitLab edition/version. Live: nothing to do when an image of the
 * wanted recipe is recorded and available; otherwise what apply would reuse, resume or bake.
 */
import type { Image, Instance } from '@aws-sdk/client-ec2';
import { describeBaseImageChoice } from '../../aws/ubuntu-ami.js';
import type { Config } from '../../config/schema.js';
import { readOnlyStepContext } from '../../engine/context.js';
import type { PlanAction, PlanContext, PlannedResource, StepPlan } from '../../engine/step.js';
import { bootstrapState } from '../node-bootstrap.js';
import { findLive } from '../resource.js';
import { lookUpWantedImage } from './ami.js';
import { builderInstanceType, builderReplaceReason, builderSpec } from './builder.js';
import { BASE_AMI_CONFIG_PATH, IMAGE_ROLES, IMAGE_TYPES, previousAmiRole } from './layout.js';
import type { ImageRecipe } from './recipe.js';
import { imageRecipe } from './recipe.js';

type Details = Record<string, string | number | boolean>;

export function builderDetails(config: Config): Details {
  return {
    instanceType: builderInstanceType(config),
    ami: describeBaseImageChoice({ override: config.gitlab.baseAmi, configPath: BASE_AMI_CONFIG_PATH }),
    imds: 'v2 required',
    rootVolumeGb: config.gitlab.rootVolumeGb,
    subnet: 'first private subnet',
    securityGroup: 'sg/builder',
  };
}

export function imageDetails(config: Config, recipe: ImageRecipe): Details {
  return {
    name: `${config.name}-gitlab-${recipe.edition}-${recipe.version}-<yyyymmdd-hhmmss>`,
    gitlabEdition: recipe.edition,
    gitlabVersion: recipe.version,
    recipe: recipe.hash,
  };
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  if (resources.every((r) => r.action === 'noop' || r.action === 'keep')) return 'noop';
  if (resources.some((r) => r.action === 'create')) return 'create';
  return resources.some((r) => r.action === 'adopt') ? 'adopt' : 'update';
}

export async function planImage(ctx: PlanContext): Promise<StepPlan> {
  const recipe = imageRecipe(ctx.config);
  const builder = (action: PlanAction, extra: Partial<PlannedResource> = {}): PlannedResource => ({
    role: IMAGE_ROLES.builder,
    type: IMAGE_TYPES.instance,
    action,
    details: builderDetails(ctx.config),
    ...extra,
  });
  const image = (action: PlanAction, extra: Partial<PlannedResource> = {}): PlannedResource => ({
    role: IMAGE_ROLES.ami,
    type: IMAGE_TYPES.image,
    action,
    details: imageDetails(ctx.config, recipe),
    ...extra,
  });
  if (!ctx.aws) {
    return { step: 'image', action: 'create', live: false, resources: [builder('create'), image('create')] };
  }
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const recordedId = ctx.recorded(IMAGE_ROLES.ami)?.id;
  const [lookup, leftBuilder] = await Promise.all([
    lookUpWantedImage(readOnly, recipe, recordedId),
    findLive(readOnly, builderSpec(readOnly)),
  ]);
  const resources: PlannedResource[] = [];
  if (lookup.wanted) {
    resources.push(imagePlan(image, lookup.wanted, lookup.via));
    if (leftBuilder) {
      resources.push(
        builder('delete', {
          id: leftBuilder.InstanceId!,
          reason: 'left by an earlier run; its image exists',
        }),
      );
    }
  } else {
    resources.push(
      builderPlan(builder, leftBuilder, recipe),
      image('create', { reason: 'no image of this recipe' }),
    );
  }
  const replaced = lookup.recorded;
  if (replaced && replaced.ImageId !== lookup.wanted?.ImageId && replaced.State !== 'failed') {
    resources.push({
      role: previousAmiRole(replaced.ImageId!),
      type: IMAGE_TYPES.image,
      action: 'keep',
      id: replaced.ImageId!,
      reason: 'the image used so far: kept until destroy, while instances may still start from it',
    });
  }
  return { step: 'image', action: summaryAction(resources), live: true, resources };
}

function imagePlan(
  image: (action: PlanAction, extra?: Partial<PlannedResource>) => PlannedResource,
  wanted: Image,
  via: 'state' | 'tags' | undefined,
): PlannedResource {
  const id = wanted.ImageId!;
  if (wanted.State === 'pending')
    return image('update', { id, reason: 'being created: apply waits until it is available' });
  if (via === 'state') return image('noop', { id, reason: 'recorded in state and available' });
  return image('adopt', { id, reason: 'found by tags' });
}

function builderPlan(
  builder: (action: PlanAction, extra?: Partial<PlannedResource>) => PlannedResource,
  left: Instance | undefined,
  recipe: ImageRecipe,
): PlannedResource {
  if (!left) return builder('create', { reason: `bakes GitLab ${recipe.edition} ${recipe.version}` });
  const id = left.InstanceId!;
  const unusable = builderReplaceReason(left, recipe);
  if (unusable) return builder('create', { id, reason: `replaces it: ${unusable}` });
  return builder('update', { id, reason: `resumes ${id} (bootstrap ${bootstrapState(left) ?? 'pending'})` });
}
