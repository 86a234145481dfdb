/**
 * Looking up the tool's own EC2 instances (the storage node, the image builder). Terminated and
 * shutting-down instances stay visible in EC2 for an hour; to the tool they are gone.
 */
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { Instance, RunInstancesCommandInput, _InstanceType } from '@aws-sdk/client-ec2';
import { encodeUserData } from '../gitlab/cloud-config.js';
import type { StepContext } from '../engine/step.js';
import { createWithFreshToken } from './client-token.js';
import { retryWhileProfilePropagates } from './iam-propagation.js';
import type { AwsClients } from './clients.js';
import { awsCall, awsFind } from './errors.js';
import { ec2TagFilters } from './tags.js';
import type { Tag } from './tags.js';

export const LIVE_INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped'];

/** The instance with this id, unless it is gone (or going). */
export function findLiveInstance(aws: Pick<AwsClients, 'ec2'>, id: string): Promise<Instance | undefined> {
  return awsFind(
    'describing EC2 instance',
    async () => {
      const instance = (await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
        .Reservations?.[0]?.Instances?.[0];
      return instance && LIVE_INSTANCE_STATES.includes(instance.State?.Name ?? '') ? instance : undefined;
    },
    id,
  );
}

/** Live instances carrying a step role's tags. */
export async function findLiveInstancesByTags(
  aws: Pick<AwsClients, 'ec2'>,
  tags: { deployment: string; step: string; role: string },
  label: string,
): Promise<Instance[]> {
  const out = await awsCall(`finding the EC2 ${label} by tags`, () =>
    aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          ...ec2TagFilters(tags.deployment, tags.step, tags.role),
          { Name: 'instance-state-name', Values: LIVE_INSTANCE_STATES },
        ],
      }),
    ),
  );
  return out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
}

/**
 * RunInstances for one of the tool's nodes, idempotent by ClientToken: a retry after a crash gets the
 * same instance back, and a token whose instance is already gone moves on to the next token of the
 * sequence. A new instance profile that IAM has not propagated yet is retried (see iam-propagation).
 */
export function launchInstance(
  ctx: Pick<StepContext, 'aws' | 'events' | 'signal' | 'timing'>,
  label: string,
  tokenBase: string,
  request: RunInstancesCommandInput,
): Promise<Instance> {
  return createWithFreshToken(
    `the ${label}`,
    tokenBase,
    (token) =>
      retryWhileProfilePropagates(
        ctx,
        async () =>
          (
            await awsCall(`launching the EC2 ${label} (${request.InstanceType})`, () =>
              ctx.aws.ec2.send(new RunInstancesCommand({ ...request, ClientToken: token })),
            )
          ).Instances![0]!,
        request.IamInstanceProfile?.Arn,
      ),
    (instance) => !LIVE_INSTANCE_STATES.includes(instance.State?.Name ?? ''),
  );
}

/** Where one of the tool's nodes runs, and as whom. */
export interface NodePlacement {
  subnetId: string;
  securityGroupId: string;
  instanceProfileArn: string;
}

export interface NodeLaunch {
  image: { imageId: string; rootDeviceName: string };
  instanceType: string;
  placement: NodePlacement;
  rootVolumeGb: number;
  /** The cloud-config document (encoded here, gzipped if large). */
  userData: string;
  instanceTags: Tag[];
  rootVolumeTags: Tag[];
}

/** The RunInstances request for one of the tool's nodes, without its ClientToken. */
export function nodeRunInstancesInput(launch: NodeLaunch): Omit<RunInstancesCommandInput, 'ClientToken'> {
  return {
    ImageId: launch.image.imageId,
    InstanceType: launch.instanceType as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    SubnetId: launch.placement.subnetId,
    SecurityGroupIds: [launch.placement.securityGroupId],
    IamInstanceProfile: { Arn: launch.placement.instanceProfileArn },
    // IMDSv2 only; hop limit 1 keeps the metadata (and the role's credentials) away from containers.
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    BlockDeviceMappings: [
      {
        DeviceName: launch.image.rootDeviceName,
        Ebs: {
          VolumeSize: launch.rootVolumeGb,
          VolumeType: 'gp3',
          Encrypted: true,
          DeleteOnTermination: true,
        },
      },
    ],
    UserData: encodeUserData(launch.userData),
    TagSpecifications: [
      { ResourceType: 'instance', Tags: launch.instanceTags },
      { ResourceType: 'volume', Tags: launch.rootVolumeTags },
    ],
  };
}
