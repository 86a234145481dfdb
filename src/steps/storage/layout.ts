/**
 * The storage step's fixed facts: roles, resource types, wait bounds, and what it takes from the
 * steps before it (the first private subnet and its AZ, the `storage` security group, the node
 * instance profile).
 */
import type { StepOutputs } from '../../engine/step.js';
import { STORAGE_SECRET_KEYS } from '../../gitlab/storage-node.js';

export const STORAGE_ROLES = {
  dataVolume: 'data-volume',
  node: 'storage-node',
  rootVolume: 'storage-node/root-volume',
  finalSnapshot: 'final-snapshot',
} as const;

export const STORAGE_TYPES = {
  volume: 'ec2:volume',
  instance: 'ec2:instance',
  snapshot: 'ec2:snapshot',
  attachment: 'ec2:volume-attachment',
  secret: 'ssm:parameter',
} as const;

export const STORAGE_SECRETS = [
  {
    key: STORAGE_SECRET_KEYS.gitalyToken,
    description: 'Gitaly authentication token (GitLab nodes <-> storage node)',
    length: 40,
  },
  {
    key: STORAGE_SECRET_KEYS.gitlabShellSecret,
    description: 'gitlab-shell secret token (shared by every GitLab node)',
    length: 64,
  },
] as const;

/** The storage node's root volume holds the OS and the GitLab package; data lives on the data volume. */
export const STORAGE_ROOT_VOLUME_GB = 30;

/** The rendered user data's SHA-256, tagged on the node at launch so status can tell it is outdated. */
export const USER_DATA_HASH_TAG = 'gitlab-ha:user-data-sha256';

/** Bounds of the step's waits, in seconds (scaled by ctx.timing.maxWaitScale). */
export const STORAGE_WAITS = {
  volumeAvailable: 300,
  volumeAttached: 300,
  volumeDeleted: 300,
  instanceRunning: 600,
  instanceStopped: 600,
  instanceTerminated: 900,
  /** Package installs and `gitlab-ctl reconfigure` on a fresh node take 5 to 10 minutes. */
  bootstrap: 1200,
  /** A first snapshot copies every written block: hours for large volumes. */
  snapshot: 6 * 3600,
} as const;

/** Where the storage node goes and what it runs as, from the network, security and identity outputs. */
export interface StoragePlacement {
  subnetId: string;
  availabilityZone: string;
  securityGroupId: string;
  instanceProfileArn: string;
}

export function storagePlacement(
  network: StepOutputs,
  security: StepOutputs,
  identity: StepOutputs,
): StoragePlacement {
  const subnetId = firstString(network.privateSubnetIds, 'network', 'privateSubnetIds');
  const availabilityZone = firstString(network.availabilityZones, 'network', 'availabilityZones');
  const groups = security.securityGroupIds;
  const securityGroupId =
    groups && typeof groups === 'object' && !Array.isArray(groups) ? groups.storage : undefined;
  if (typeof securityGroupId !== 'string') {
    throw new Error('storage: the security step recorded no securityGroupIds.storage output');
  }
  const instanceProfileArn = identity.instanceProfileArn;
  if (typeof instanceProfileArn !== 'string') {
    throw new Error('storage: the identity step recorded no instanceProfileArn output');
  }
  return { subnetId, availabilityZone, securityGroupId, instanceProfileArn };
}

function firstString(value: unknown, step: string, output: string): string {
  const first = Array.isArray(value) ? value[0] : undefined;
  if (typeof first !== 'string') throw new Error(`storage: the ${step} step recorded no ${output} output`);
  return first;
}
