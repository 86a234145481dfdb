/**
 * The storage node (an EC2 instance) as a ResourceSpec, and the RunInstances request that launches
 * it: the base Ubuntu image, the first private subnet, the `storage` security group, the node
 * instance profile, IMDSv2 required (hop limit 1), an encrypted gp3 root volume, and the rendered
 * cloud-config as user data. Its data lives on the separate data volume (volume.ts).
 */
import { createHash } from 'node:crypto';
import {
  StartInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import type { Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { awsCall, awsDelete } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import type { BaseImage } from '../../aws/ubuntu-ami.js';
import { describeBaseImageChoice } from '../../aws/ubuntu-ami.js';
import { waitWithSdk } from '../../aws/wait.js';
import {
  findLiveInstance,
  findLiveInstancesByTags,
  launchInstance,
  nodeRunInstancesInput,
} from '../../aws/ec2-instances.js';
import type { Config } from '../../config/schema.js';
import { bootstrapLogParameterName } from '../../gitlab/bootstrap-protocol.js';
import { renderStorageCloudInit, storageNodeInput } from '../../gitlab/storage-node.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { StoragePlacement } from './layout.js';
import {
  STORAGE_ROLES,
  STORAGE_ROOT_VOLUME_GB,
  STORAGE_TYPES,
  STORAGE_WAITS,
  USER_DATA_HASH_TAG,
} from './layout.js';
import type { StorageCtx } from './volume.js';

type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

const LABEL = 'storage node';
/** The config field that overrides the Ubuntu lookup for this node. */
export const BASE_AMI_CONFIG_PATH = 'storage.baseAmi';

export function nodeDetails(config: Config, image: string): Record<string, string | number | boolean> {
  return {
    instanceType: config.storage.instanceType,
    ami: image,
    imds: 'v2 required',
    rootVolumeGb: STORAGE_ROOT_VOLUME_GB,
  };
}

/** The storage node's cloud-config and its hash (tagged on the node, compared by status). */
export function storageUserData(config: Config, dataVolumeId: string): { document: string; sha256: string } {
  const document = renderStorageCloudInit(storageNodeInput(config, dataVolumeId));
  return { document, sha256: createHash('sha256').update(document).digest('hex') };
}

export interface StorageLaunchInput {
  config: Config;
  image: BaseImage;
  placement: StoragePlacement;
  dataVolumeId: string;
  instanceTags: Tag[];
  rootVolumeTags: Tag[];
}

/** The RunInstances request for the storage node, without its ClientToken. */
export function storageRunInstancesInput(
  input: StorageLaunchInput,
): Omit<RunInstancesCommandInput, 'ClientToken'> {
  const userData = storageUserData(input.config, input.dataVolumeId);
  return nodeRunInstancesInput({
    image: input.image,
    instanceType: input.config.storage.instanceType,
    placement: input.placement,
    rootVolumeGb: STORAGE_ROOT_VOLUME_GB,
    userData: userData.document,
    // The hash lets status tell a node set up from other settings.
    instanceTags: [...input.instanceTags, { Key: USER_DATA_HASH_TAG, Value: userData.sha256 }],
    rootVolumeTags: input.rootVolumeTags,
  });
}

/**
 * `launch` prepares the RunInstances request (it resolves the AMI and renders the user data); it is
 * needed only to create the node.
 */
export function storageNodeSpec(
  ctx: StorageCtx,
  launch?: () => Promise<{ request: Omit<RunInstancesCommandInput, 'ClientToken'>; dataVolumeId: string }>,
): Spec<Instance> {
  const { ec2 } = ctx.aws;
  const role = STORAGE_ROLES.node;
  return {
    role,
    type: STORAGE_TYPES.instance,
    label: LABEL,
    details: nodeDetails(
      ctx.config,
      describeBaseImageChoice({ override: ctx.config.storage.baseAmi, configPath: BASE_AMI_CONFIG_PATH }),
    ),
    idOf: (i) => i.InstanceId!,
    tagsOf: (i) => i.Tags,
    attributes: (i) => ({
      privateIp: i.PrivateIpAddress ?? null,
      availabilityZone: i.Placement?.AvailabilityZone ?? null,
    }),
    findById: (id) => findInstance(ctx, id),
    findByTags: () =>
      findLiveInstancesByTags(ctx.aws, { deployment: ctx.config.name, step: ctx.step, role }, LABEL),
    create: async () => {
      if (!launch) throw new Error('storage: launching the storage node needs its launch request');
      const { request, dataVolumeId } = await launch();
      // Tied to the data volume: a node re-created for a new volume (after destroy) is a new launch.
      return launchInstance(ctx, LABEL, `${ctx.config.name}-storage-${dataVolumeId}`, request);
    },
    delete: async (instance) => {
      const id = instance.InstanceId!;
      await awsDelete(
        'terminating EC2 instance',
        () => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })),
        id,
      );
      await waitWithSdk(
        ctx,
        ec2,
        {
          what: `${LABEL} ${id} to terminate`,
          resourceId: id,
          maxWaitSeconds: STORAGE_WAITS.instanceTerminated,
        },
        (config) => waitUntilInstanceTerminated(config, { InstanceIds: [id] }),
      );
      const logParameter = bootstrapLogParameterName(ctx.config.name, id);
      await awsDelete(
        'deleting SSM parameter',
        () => ctx.aws.ssm.send(new DeleteParameterCommand({ Name: logParameter })),
        logParameter,
      );
    },
  };
}

export function findInstance(ctx: Pick<StorageCtx, 'aws'>, id: string): Promise<Instance | undefined> {
  return findLiveInstance(ctx.aws, id);
}

/**
 * Brings a found node to `running`: waits for a pending one, and starts one that was stopped (the
 * deployment's Git data and shared files are unreachable while it is). Returns it as it is then.
 */
export async function ensureRunning(ctx: StorageCtx, instance: Instance): Promise<Instance> {
  const id = instance.InstanceId!;
  const state = instance.State?.Name;
  if (state === 'running') return instance;
  const wait = (what: string, waiter: typeof waitUntilInstanceRunning, maxWaitSeconds: number) =>
    waitWithSdk(
      ctx,
      ctx.aws.ec2,
      { what: `${LABEL} ${id} ${what}`, resourceId: id, maxWaitSeconds },
      (config) => waiter(config, { InstanceIds: [id] }),
    );
  if (state === 'stopping') await wait('to stop', waitUntilInstanceStopped, STORAGE_WAITS.instanceStopped);
  if (state === 'stopping' || state === 'stopped') {
    await awsCall(
      'starting EC2 instance',
      () => ctx.aws.ec2.send(new StartInstancesCommand({ InstanceIds: [id] })),
      id,
    );
    ctx.events.warn('resource.update', `started the ${LABEL} ${id}, which was stopped`, {
      type: STORAGE_TYPES.instance,
      role: STORAGE_ROLES.node,
      id,
    });
  }
  await wait('to run', waitUntilInstanceRunning, STORAGE_WAITS.instanceRunning);
  const running = await findInstance(ctx, id);
  if (!running) throw new Error(`storage: ${LABEL} ${id} disappeared right after it started`);
  return running;
}
