/**
 * The image builder (an EC2 instance) as a ResourceSpec, and the RunInstances request that launches
 * it: the base Ubuntu image (or gitlab.baseAmi), the first private subnet (it reaches GitLab's package
 * repository through the NAT gateway), the `builder` security group (which the db, redis and storage
 * groups admit), the node instance profile, IMDSv2 required (hop limit 1), an encrypted gp3 root
 * volume of gitlab.rootVolumeGb (it becomes the image's root snapshot), and the builder cloud-config
 * as user data. It is disposable: imaged, then terminated.
 */
import { createHash } from 'node:crypto';
import {
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import type { Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { awsCall, awsDelete } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import { tagValue } from '../../aws/tags.js';
import type { BaseImage } from '../../aws/ubuntu-ami.js';
import { waitWithSdk } from '../../aws/wait.js';
import {
  findLiveInstance,
  findLiveInstancesByTags,
  launchInstance,
  nodeRunInstancesInput,
} from '../../aws/ec2-instances.js';
import type { Config } from '../../config/schema.js';
import type { StepContext } from '../../engine/step.js';
import { bootstrapLogParameterName } from '../../gitlab/bootstrap-protocol.js';
import { bootstrapState } from '../node-bootstrap.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { BuilderPlacement } from './layout.js';
import { IMAGE_RECIPE_TAG, IMAGE_ROLES, IMAGE_TYPES, IMAGE_WAITS } from './layout.js';
import type { ImageRecipe } from './recipe.js';

export type ImageCtx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'>;
type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

export const BUILDER_LABEL = 'image builder';

export function builderInstanceType(config: Config): string {
  return config.gitlab.builderInstanceType ?? config.gitlab.instanceType;
}

export interface BuilderLaunchInput {
  config: Config;
  image: BaseImage;
  placement: BuilderPlacement;
  /** The builder cloud-config (renderBuilderCloudInit). */
  userData: string;
  instanceTags: Tag[];
  rootVolumeTags: Tag[];
}

export type BuilderRequest = Omit<RunInstancesCommandInput, 'ClientToken'>;

/** The RunInstances request for the builder, without its ClientToken. */
export function builderRunInstancesInput(input: BuilderLaunchInput): BuilderRequest {
  return nodeRunInstancesInput({
    image: input.image,
    instanceType: builderInstanceType(input.config),
    placement: input.placement,
    rootVolumeGb: input.config.gitlab.rootVolumeGb,
    userData: input.userData,
    instanceTags: input.instanceTags,
    rootVolumeTags: input.rootVolumeTags,
  });
}

/**
 * The launch's ClientToken: derived from the whole request, so a resumed run sends the same token
 * with the same parameters, and a launch with other parameters (a new Ubuntu build, another storage
 * address in the user data) never meets AWS's IdempotentParameterMismatch.
 */
export function builderClientTokenBase(deployment: string, request: BuilderRequest): string {
  const digest = createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 24);
  return `${deployment}-builder-${digest}`;
}

export function findBuilderInstance(ctx: Pick<ImageCtx, 'aws'>, id: string): Promise<Instance | undefined> {
  return findLiveInstance(ctx.aws, id);
}

/**
 * `launch` prepares the RunInstances request (it resolves the base image and renders the user data);
 * it is needed only to create the builder.
 */
export function builderSpec(ctx: ImageCtx, launch?: () => Promise<BuilderRequest>): Spec<Instance> {
  const role = IMAGE_ROLES.builder;
  return {
    role,
    type: IMAGE_TYPES.instance,
    label: BUILDER_LABEL,
    idOf: (i) => i.InstanceId!,
    tagsOf: (i) => i.Tags,
    findById: (id) => findBuilderInstance(ctx, id),
    findByTags: () =>
      findLiveInstancesByTags(ctx.aws, { deployment: ctx.config.name, step: ctx.step, role }, BUILDER_LABEL),
    create: async () => {
      if (!launch) throw new Error('image: launching the builder needs its launch request');
      const request = await launch();
      // A token used by an earlier builder (terminated after its image was made, or after it
      // failed) answers with that builder: then the next token of the sequence launches a new one.
      return launchInstance(ctx, BUILDER_LABEL, builderClientTokenBase(ctx.config.name, request), request);
    },
    delete: (instance) => terminateBuilder(ctx, instance.InstanceId!),
  };
}

/** Terminates a builder, waits until it is gone, and deletes the log tail it may have left in SSM. */
export async function terminateBuilder(ctx: ImageCtx, id: string): Promise<void> {
  await awsDelete(
    'terminating EC2 instance',
    () => ctx.aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })),
    id,
  );
  await waitWithSdk(
    ctx,
    ctx.aws.ec2,
    {
      what: `${BUILDER_LABEL} ${id} to terminate`,
      resourceId: id,
      maxWaitSeconds: IMAGE_WAITS.instanceTerminated,
    },
    (config) => waitUntilInstanceTerminated(config, { InstanceIds: [id] }),
  );
  await deleteBootstrapLog(ctx, id);
}

export async function deleteBootstrapLog(
  ctx: Pick<ImageCtx, 'aws' | 'config'>,
  instanceId: string,
): Promise<void> {
  const name = bootstrapLogParameterName(ctx.config.name, instanceId);
  await awsDelete(
    'deleting SSM parameter',
    () => ctx.aws.ssm.send(new DeleteParameterCommand({ Name: name })),
    name,
  );
}

export async function waitBuilderRunning(ctx: ImageCtx, id: string): Promise<void> {
  await waitWithSdk(
    ctx,
    ctx.aws.ec2,
    { what: `${BUILDER_LABEL} ${id} to run`, resourceId: id, maxWaitSeconds: IMAGE_WAITS.instanceRunning },
    (config) => waitUntilInstanceRunning(config, { InstanceIds: [id] }),
  );
}

/**
 * Stops the builder (unless it already is) and waits until it is stopped: an image of a stopped
 * instance is consistent, and CreateImage need not reboot it.
 */
export async function stopBuilder(ctx: ImageCtx, instance: Instance): Promise<void> {
  const id = instance.InstanceId!;
  if (instance.State?.Name === 'running' || instance.State?.Name === 'pending') {
    await awsCall(
      'stopping EC2 instance',
      () => ctx.aws.ec2.send(new StopInstancesCommand({ InstanceIds: [id] })),
      id,
    );
    ctx.events.info('resource.update', `stopping the ${BUILDER_LABEL} ${id} to image it`, {
      type: IMAGE_TYPES.instance,
      role: IMAGE_ROLES.builder,
      id,
    });
  }
  if (instance.State?.Name === 'stopped') return;
  await waitWithSdk(
    ctx,
    ctx.aws.ec2,
    { what: `${BUILDER_LABEL} ${id} to stop`, resourceId: id, maxWaitSeconds: IMAGE_WAITS.instanceStopped },
    (config) => waitUntilInstanceStopped(config, { InstanceIds: [id] }),
  );
}

/** Why a found builder cannot be used to bake this recipe's image, if it cannot. */
export function builderReplaceReason(builder: Instance, recipe: ImageRecipe): string | undefined {
  const id = builder.InstanceId!;
  const signal = bootstrapState(builder);
  if (signal === 'failed') return `the ${BUILDER_LABEL} ${id} failed its first boot`;
  if (tagValue(builder.Tags, IMAGE_RECIPE_TAG) !== recipe.hash) {
    return `the ${BUILDER_LABEL} ${id} was launched for another recipe than GitLab ${recipe.edition} ${recipe.version} (recipe ${recipe.hash})`;
  }
  const state = builder.State?.Name;
  if (signal !== 'ready' && (state === 'stopping' || state === 'stopped')) {
    // cloud-init runs its first-boot commands once: a builder stopped before it signalled never will.
    return `the ${BUILDER_LABEL} ${id} was stopped before it finished its first boot`;
  }
  return undefined;
}
