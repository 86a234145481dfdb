/**
 * The EC2 state the fake keeps. Records hold only what the fake decides; everything derivable
 * (route states, which EIP a NAT gateway uses, a group's IpPermissions) is computed when described,
 * so tests can tamper with one record without leaving others inconsistent.
 */
import type { NatGatewayState, NetworkInterfaceType, RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import type { Transition } from '../../core/latency.js';
import type { TagMap } from '../../core/tags.js';

export interface VpcRecord {
  id: string;
  cidrBlock: string;
  cidrAssociationId: string;
  state: 'pending' | 'available';
  transition?: Transition<'pending' | 'available'> | undefined;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  dhcpOptionsId: string;
  tags: TagMap;
}

export interface SubnetRecord {
  id: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  mapPublicIpOnLaunch: boolean;
  tags: TagMap;
}

export interface InternetGatewayRecord {
  id: string;
  attachedVpcId?: string | undefined;
  tags: TagMap;
}

/** A route added with CreateRoute (the `local` route is implicit). */
export interface RouteRecord {
  destinationCidrBlock: string;
  gatewayId?: string | undefined;
  natGatewayId?: string | undefined;
}

export interface RouteTableAssociationRecord {
  id: string;
  /** Set for a subnet association; unset for the main association. */
  subnetId?: string | undefined;
  main: boolean;
}

export interface RouteTableRecord {
  id: string;
  vpcId: string;
  routes: RouteRecord[];
  associations: RouteTableAssociationRecord[];
  tags: TagMap;
}

export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  tags: TagMap;
}

export interface NatGatewayRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  connectivityType: 'public' | 'private';
  /** The EIP (public NAT gateways) and the association made for it. */
  allocationId?: string | undefined;
  associationId?: string | undefined;
  networkInterfaceId: string;
  privateIp: string;
  state: NatGatewayState;
  transition?: Transition<NatGatewayState> | undefined;
  createTime: Date;
  deleteTime?: Date | undefined;
  failure?: { code: string; message: string } | undefined;
  tags: TagMap;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  tags: TagMap;
}

/** One rule: a single protocol/port range with a single peer (a CIDR or a group), like AWS stores it. */
export interface SecurityGroupRuleRecord {
  id: string;
  groupId: string;
  isEgress: boolean;
  /** `tcp`, `udp`, `icmp` or `-1` (all). */
  ipProtocol: string;
  /** -1 when the protocol has no ports. */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string | undefined;
  referencedGroupId?: string | undefined;
  description?: string | undefined;
  tags: TagMap;
}

export interface NetworkInterfaceRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIp: string;
  groupIds: string[];
  description: string;
  /** e.g. `interface`, `nat_gateway`, `load_balancer`. */
  interfaceType: NetworkInterfaceType;
  /** True for interfaces AWS manages for a service (NAT gateway, ELB): users cannot delete them. */
  requesterManaged: boolean;
  status: 'available' | 'in-use';
  tags: TagMap;
}

// --- instances, volumes, snapshots and images (the storage node and, later, the image builder) ----

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** How a simulated first boot ends: it tags itself `gitlab-ha:bootstrap` = ready or failed, or never. */
export type BootOutcome = 'ready' | 'failed' | 'never';

/** One EBS volume attached to an instance, as the instance lists it in BlockDeviceMappings. */
export interface InstanceBlockDevice {
  deviceName: string;
  volumeId: string;
  deleteOnTermination: boolean;
}

export interface InstanceRecord {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIp: string;
  /** The primary interface: it keeps the subnet and the security groups busy until termination. */
  networkInterfaceId: string;
  securityGroupIds: string[];
  iamInstanceProfileArn?: string | undefined;
  metadataOptions: {
    httpTokens: 'optional' | 'required';
    httpPutResponseHopLimit: number;
    httpEndpoint: string;
  };
  /** Base64, exactly as RunInstances received it. */
  userData?: string | undefined;
  keyName?: string | undefined;
  clientToken?: string | undefined;
  rootDeviceName: string;
  /** Root volume first, then data volumes in attachment order. */
  blockDevices: InstanceBlockDevice[];
  state: InstanceStateName;
  transition?: Transition<InstanceStateName> | undefined;
  launchTime: Date;
  stateTransitionReason: string;
  /** Base64 console output (GetConsoleOutput); set by the boot simulation or `setConsoleOutput`. */
  consoleOutput?: string | undefined;
  /** Boot simulation: polls left before the bootstrap signal; undefined once it has happened. */
  bootPollsLeft?: number | undefined;
  /** The first boot already ran (cloud-init runs its runcmd once per instance). */
  booted: boolean;
  tags: TagMap;
}

export type VolumeStateName = 'creating' | 'available' | 'in-use' | 'error';

export interface VolumeAttachmentRecord {
  instanceId: string;
  device: string;
  state: 'attaching' | 'attached' | 'detaching';
  attachTime: Date;
  deleteOnTermination: boolean;
}

export interface VolumeRecord {
  id: string;
  availabilityZone: string;
  sizeGb: number;
  volumeType: string;
  iops?: number | undefined;
  throughput?: number | undefined;
  encrypted: boolean;
  kmsKeyId?: string | undefined;
  snapshotId?: string | undefined;
  /** `available -> in-use` while attaching, `in-use -> available` while detaching (volumeAttach polls). */
  state: VolumeStateName;
  transition?: Transition<VolumeStateName> | undefined;
  attachment?: VolumeAttachmentRecord | undefined;
  createTime: Date;
  tags: TagMap;
}

export type SnapshotStateName = 'pending' | 'completed' | 'error';

export interface SnapshotRecord {
  id: string;
  volumeId: string;
  volumeSizeGb: number;
  description: string;
  encrypted: boolean;
  kmsKeyId?: string | undefined;
  ownerId: string;
  state: SnapshotStateName;
  transition?: Transition<SnapshotStateName> | undefined;
  startTime: Date;
  tags: TagMap;
}

export type ImageStateName = 'pending' | 'available' | 'failed';

/** One EBS mapping of an image made by CreateImage: the snapshot taken of one of the instance's volumes. */
export interface ImageBlockDeviceRecord {
  deviceName: string;
  snapshotId: string;
  volumeSizeGb: number;
  volumeType: string;
  encrypted: boolean;
  deleteOnTermination: boolean;
}

export interface ImageRecord {
  id: string;
  name: string;
  description?: string | undefined;
  ownerId: string;
  /** Visible to every account (Canonical's images) or only to its owner. */
  isPublic: boolean;
  architecture: 'x86_64' | 'arm64';
  /** ISO-8601, as DescribeImages returns it. */
  creationDate: string;
  state: ImageStateName;
  transition?: Transition<ImageStateName> | undefined;
  rootDeviceName: string;
  /** Size of the root snapshot: RunInstances refuses a smaller root volume. */
  rootVolumeSizeGb: number;
  /**
   * The snapshots behind an image made by CreateImage (root first); unset for seeded images, which
   * describe one unencrypted root mapping without a snapshot of this account.
   */
  blockDevices?: ImageBlockDeviceRecord[] | undefined;
  /** The instance CreateImage imaged. */
  sourceInstanceId?: string | undefined;
  /** Why a `failed` image failed (DescribeImages' StateReason). */
  stateReason?: { code: string; message: string } | undefined;
  tags: TagMap;
}

// --- launch templates (the Auto Scaling group launches its GitLab nodes from one) -----------------

/** One version of a launch template: its data exactly as the create call sent it. */
export interface LaunchTemplateVersionRecord {
  number: number;
  description?: string | undefined;
  data: RequestLaunchTemplateData;
  createTime: Date;
}

export interface LaunchTemplateRecord {
  id: string;
  name: string;
  defaultVersion: number;
  /** Every version, oldest first; version n is `versions[n - 1]`. */
  versions: LaunchTemplateVersionRecord[];
  createTime: Date;
  tags: TagMap;
}
