/**
 * The base image of gitlab-ha's nodes: the current Ubuntu 24.04 LTS (amd64, gp3) of the region, from
 * Canonical's public SSM parameter, falling back to DescribeImages by Canonical's owner id where the
 * parameter is missing (some partitions and new regions) or not readable. An AMI id in the config
 * (hardened golden images) overrides the lookup; it is checked to exist before anything is launched.
 */
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import type { Image } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { InvalidInputError, ProvisioningError } from '../engine/errors.js';
import type { AwsClients } from './clients.js';
import { awsCall, awsFind, failedWith, isNotFound, translateAwsError } from './errors.js';

export const UBUNTU_AMI_PARAMETER =
  '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';
/** Canonical's AWS account: the owner of the official Ubuntu images. */
export const CANONICAL_OWNER_ID = '099720109477';
export const UBUNTU_IMAGE_NAME_PATTERN = 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*';

export type BaseImageSource = 'config' | 'ssm-parameter' | 'describe-images';

export interface BaseImage {
  imageId: string;
  name: string | undefined;
  /** The device the image boots from (its root volume's mapping must use this name). */
  rootDeviceName: string;
  source: BaseImageSource;
}

export interface BaseImageRequest {
  /** The config's AMI id, when set. */
  override: string | undefined;
  /** Where the override lives in the config, for messages: `storage.baseAmi`. */
  configPath: string;
}

/** How the base image will be chosen, for plans (no AWS call). */
export function describeBaseImageChoice(request: BaseImageRequest): string {
  return request.override
    ? `${request.override} (${request.configPath})`
    : 'latest Ubuntu 24.04 LTS (Canonical SSM parameter)';
}

export async function resolveBaseImage(
  aws: Pick<AwsClients, 'ec2' | 'ssm' | 'region'>,
  request: BaseImageRequest,
): Promise<BaseImage> {
  if (request.override) return configuredImage(aws, request);
  const fromParameter = await imageIdFromParameter(aws);
  if (fromParameter) {
    const image = await describeImage(aws, fromParameter);
    if (image) return toBaseImage(image, 'ssm-parameter');
  }
  return newestCanonicalImage(aws);
}

function toBaseImage(image: Image, source: BaseImageSource): BaseImage {
  return {
    imageId: image.ImageId!,
    name: image.Name,
    rootDeviceName: image.RootDeviceName ?? '/dev/sda1',
    source,
  };
}

function describeImage(aws: Pick<AwsClients, 'ec2'>, imageId: string): Promise<Image | undefined> {
  return awsFind(
    'describing EC2 image',
    async () => (await aws.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0],
    imageId,
  );
}

async function configuredImage(
  aws: Pick<AwsClients, 'ec2' | 'region'>,
  request: BaseImageRequest,
): Promise<BaseImage> {
  const imageId = request.override!;
  const image = await describeImage(aws, imageId);
  const problem = !image
    ? `${imageId} does not exist in ${aws.region}, or this account may not use it`
    : image.State !== 'available'
      ? `${imageId} is ${image.State ?? 'not available'}, not available`
      : undefined;
  if (problem) {
    throw new InvalidInputError(`The base image in ${request.configPath} cannot be used: ${problem}`, {
      code: 'CONFIG_INVALID',
      issues: [{ path: request.configPath, message: problem }],
      hint: `Set ${request.configPath} to an available AMI in ${aws.region}, or remove it to use the latest Ubuntu 24.04 LTS.`,
    });
  }
  return toBaseImage(image!, 'config');
}

/** Canonical's parameter, or undefined where it does not exist or may not be read. */
async function imageIdFromParameter(aws: Pick<AwsClients, 'ssm'>): Promise<string | undefined> {
  try {
    const out = await aws.ssm.send(new GetParameterCommand({ Name: UBUNTU_AMI_PARAMETER }));
    return out.Parameter?.Value || undefined;
  } catch (error) {
    if (isNotFound(error) || failedWith(error, 'AccessDeniedException')) return undefined;
    throw translateAwsError('reading SSM parameter', error, UBUNTU_AMI_PARAMETER);
  }
}

async function newestCanonicalImage(aws: Pick<AwsClients, 'ec2' | 'region'>): Promise<BaseImage> {
  const images =
    (
      await awsCall(`finding Ubuntu 24.04 LTS images by Canonical (${CANONICAL_OWNER_ID})`, () =>
        aws.ec2.send(
          new DescribeImagesCommand({
            Owners: [CANONICAL_OWNER_ID],
            Filters: [
              { Name: 'name', Values: [UBUNTU_IMAGE_NAME_PATTERN] },
              { Name: 'architecture', Values: ['x86_64'] },
              { Name: 'state', Values: ['available'] },
              { Name: 'root-device-type', Values: ['ebs'] },
              { Name: 'virtualization-type', Values: ['hvm'] },
            ],
          }),
        ),
      )
    ).Images ?? [];
  // ISO-8601 dates sort as strings.
  const newest = [...images].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest) {
    throw new ProvisioningError(`No Ubuntu 24.04 LTS image by Canonical was found in ${aws.region}`, {
      code: 'NO_BASE_IMAGE',
      hint: 'Set storage.baseAmi (and gitlab.baseAmi) to an Ubuntu 24.04 AMI available in this region.',
    });
  }
  return toBaseImage(newest, 'describe-images');
}
