/**
 * The image step's fixed facts: roles, resource types, tags, wait bounds, and where the builder runs
 * (from the network, security and identity outputs).
 */
import type { StepOutputs } from '../../engine/step.js';

export const IMAGE_ROLES = {
  /** The instance that installs and configures GitLab, then is imaged and terminated. */
  builder: 'builder',
  builderRootVolume: 'builder/root-volume',
  /** The image the deployment runs now (the auto-scaling step's launch template uses it). */
  ami: 'ami',
  /** The snapshots CreateImage takes for an image (tagged so a crashed destroy still finds them). */
  amiSnapshot: 'ami/snapshot',
} as const;

/** Images the deployment ran before the current one, kept until destroy: `ami/previous/<ami-id>`. */
export const PREVIOUS_AMI_ROLE_PREFIX = 'ami/previous/';

export function previousAmiRole(imageId: string): string {
  return `${PREVIOUS_AMI_ROLE_PREFIX}${imageId}`;
}

export const IMAGE_TYPES = {
  instance: 'ec2:instance',
  image: 'ec2:image',
  snapshot: 'ec2:snapshot',
} as const;

/** Tags on the builder, the image and its snapshots, beside the deployment tags. */
export const GITLAB_VERSION_TAG = 'gitlab-ha:gitlab-version';
export const GITLAB_EDITION_TAG = 'gitlab-ha:gitlab-edition';
/** The recipe hash (recipe.ts): an image is reused only for the same recipe. */
export const IMAGE_RECIPE_TAG = 'gitlab-ha:image-recipe';

/** The config field that overrides the Ubuntu lookup for the builder. */
export const BASE_AMI_CONFIG_PATH = 'gitlab.baseAmi';

/** Bounds of the step's waits, in seconds (scaled by ctx.timing.maxWaitScale). */
export const IMAGE_WAITS = {
  instanceRunning: 600,
  instanceStopped: 600,
  instanceTerminated: 900,
  /** Installing GitLab and the first `gitlab-ctl reconfigure` (with migrations) take about 10 minutes. */
  bootstrap: 45 * 60,
  /** CreateImage snapshots the root volume: usually 5 to 15 minutes. */
  imageAvailable: 30 * 60,
} as const;

/** Where the builder runs and what it runs as. */
export interface BuilderPlacement {
  /** The first private subnet: it reaches packages.gitlab.com through the NAT gateway. */
  subnetId: string;
  /** The `builder` group: the db, redis and storage groups admit it. */
  securityGroupId: string;
  instanceProfileArn: string;
}

export function builderPlacement(
  network: StepOutputs,
  security: StepOutputs,
  identity: StepOutputs,
): BuilderPlacement {
  const subnets = network.privateSubnetIds;
  const subnetId = Array.isArray(subnets) ? subnets[0] : undefined;
  if (typeof subnetId !== 'string')
    throw new Error('image: the network step recorded no privateSubnetIds output');
  const groups = security.securityGroupIds;
  const securityGroupId =
    groups && typeof groups === 'object' && !Array.isArray(groups) ? groups.builder : undefined;
  if (typeof securityGroupId !== 'string') {
    throw new Error('image: the security step recorded no securityGroupIds.builder output');
  }
  const instanceProfileArn = identity.instanceProfileArn;
  if (typeof instanceProfileArn !== 'string') {
    throw new Error('image: the identity step recorded no instanceProfileArn output');
  }
  return { subnetId, securityGroupId, instanceProfileArn };
}
