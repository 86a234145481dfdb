import type { NetworkInterfaceType } from '@aws-sdk/client-ec2';
import type { FakeEnvironment } from '../../core/environment.js';
import { ClientTokens } from '../../core/idempotency.js';
import type { TagMap } from '../../core/tags.js';
import { FAKE_UBUNTU_AMI } from '../ssm/index.js';
import { addressAt, parseCidr } from './cidr.js';
import { ec2Error, notFound } from './errors.js';
import type {
  AddressRecord,
  BootOutcome,
  ImageRecord,
  InstanceRecord,
  InternetGatewayRecord,
  LaunchTemplateRecord,
  NatGatewayRecord,
  NetworkInterfaceRecord,
  RouteTableRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SnapshotRecord,
  SubnetRecord,
  VolumeRecord,
  VpcRecord,
} from './records.js';
import type { InstanceOps } from './template-launch.js';

/** Canonical's AWS account: the owner of the official Ubuntu images. */
export const CANONICAL_OWNER_ID = '099720109477';

/** What a failed simulated boot writes as its log tail, unless a test sets `bootFailureLog`. */
const DEFAULT_BOOT_FAILURE_LOG = [
  '[gitlab-ha] running gitlab-ctl reconfigure',
  'There was an error running gitlab-ctl reconfigure:',
  "gitaly['configuration'] is invalid",
  '[gitlab-ha] bootstrap failed at line 42 (exit 1)',
].join('\n');

/** Options of the test hook that adds an interface the tool did not create (e.g. an ELB's). */
export interface AddNetworkInterfaceOptions {
  subnetId: string;
  groupIds?: string[];
  description?: string;
  interfaceType?: NetworkInterfaceType;
  requesterManaged?: boolean;
  tags?: TagMap;
}

/**
 * The EC2 state of one fake account and region. Tests may read it and tamper with it directly
 * (e.g. `fake.ec2.subnets.delete(id)` to simulate drift); the maps are keyed by resource id.
 */
export class Ec2Store {
  readonly vpcs = new Map<string, VpcRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  readonly internetGateways = new Map<string, InternetGatewayRecord>();
  readonly routeTables = new Map<string, RouteTableRecord>();
  /** Elastic IPs by allocation id. */
  readonly addresses = new Map<string, AddressRecord>();
  /** Deleted NAT gateways stay here in state `deleted`, as AWS keeps showing them for a while. */
  readonly natGateways = new Map<string, NatGatewayRecord>();
  readonly securityGroups = new Map<string, SecurityGroupRecord>();
  readonly securityGroupRules = new Map<string, SecurityGroupRuleRecord>();
  readonly networkInterfaces = new Map<string, NetworkInterfaceRecord>();
  /** Terminated instances stay here (and visible) in state `terminated`, as on AWS. */
  readonly instances = new Map<string, InstanceRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  /** Deleted volumes, kept only so that a replayed CreateVolume ClientToken answers as AWS does. */
  readonly deletedVolumes = new Map<string, VolumeRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  /** Seeded with Canonical's Ubuntu 24.04 image FAKE_UBUNTU_AMI (the SSM public parameter's answer). */
  readonly images = new Map<string, ImageRecord>();
  /** Deleted launch templates are gone at once. */
  readonly launchTemplates = new Map<string, LaunchTemplateRecord>();

  // --- boot simulation (see instances.ts) ------------------------------------------------------

  /** DescribeInstances polls after an instance is first `running` until it signals its bootstrap. */
  bootPolls = 2;
  /** How a first boot ends; `never` leaves the instance without the `gitlab-ha:bootstrap` tag. */
  bootOutcome: (instance: InstanceRecord) => BootOutcome = () => 'ready';
  /** The log tail a failed boot reports. */
  bootFailureLog: (instance: InstanceRecord) => string = () => DEFAULT_BOOT_FAILURE_LOG;
  /**
   * Called when a boot fails, before the instance tags itself `failed`: the node writes its log tail
   * to the SSM parameter `parameterName` (`/gitlab-ha/<deployment>/bootstrap/<instance-id>`).
   * FakeAws wires it to the SSM store.
   */
  onBootFailure?: (instance: InstanceRecord, logTail: string, parameterName: string) => void;
  /**
   * Whether RunInstances accepts an instance profile yet (IAM is eventually consistent). Unset: always.
   * FakeAws wires it to the IAM store.
   */
  isInstanceProfileUsable?: (nameOrArn: string) => boolean;
  /**
   * The instance calls other fake services make on EC2's behalf (Auto Scaling launches, polls and
   * terminates its instances, see template-launch.ts). createEc2Service wires them to the handlers.
   */
  instanceOps?: InstanceOps;

  readonly clientTokens = new ClientTokens();
  private readonly hostsUsed = new Map<string, number>();
  /** Interfaces being released (see releaseNetworkInterface): id -> polls left. */
  private readonly releasing = new Map<string, number>();

  constructor(readonly env: FakeEnvironment) {
    this.addImage({
      id: FAKE_UBUNTU_AMI,
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260101',
      description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
      ownerId: CANONICAL_OWNER_ID,
      isPublic: true,
      creationDate: '2026-01-01T00:00:00.000Z',
    });
  }

  // --- lookups that fail the way EC2 does -----------------------------------------------------

  vpc(id: string | undefined): VpcRecord {
    return found(this.vpcs, id, notFound.vpc);
  }
  subnet(id: string | undefined): SubnetRecord {
    return found(this.subnets, id, notFound.subnet);
  }
  internetGateway(id: string | undefined): InternetGatewayRecord {
    return found(this.internetGateways, id, notFound.internetGateway);
  }
  routeTable(id: string | undefined): RouteTableRecord {
    return found(this.routeTables, id, notFound.routeTable);
  }
  address(id: string | undefined): AddressRecord {
    return found(this.addresses, id, notFound.address);
  }
  natGateway(id: string | undefined): NatGatewayRecord {
    return found(this.natGateways, id, notFound.natGateway);
  }
  securityGroup(id: string | undefined): SecurityGroupRecord {
    return found(this.securityGroups, id, notFound.securityGroup);
  }
  networkInterface(id: string | undefined): NetworkInterfaceRecord {
    return found(this.networkInterfaces, id, notFound.networkInterface);
  }
  instance(id: string | undefined): InstanceRecord {
    return found(this.instances, id, notFound.instance);
  }
  volume(id: string | undefined): VolumeRecord {
    return found(this.volumes, id, notFound.volume);
  }
  snapshot(id: string | undefined): SnapshotRecord {
    return found(this.snapshots, id, notFound.snapshot);
  }
  image(id: string | undefined): ImageRecord {
    return found(this.images, id, notFound.image);
  }
  launchTemplate(id: string | undefined): LaunchTemplateRecord {
    return found(this.launchTemplates, id, notFound.launchTemplate);
  }

  /** Any taggable resource by id (CreateTags / DeleteTags take ids of every kind). */
  taggable(id: string): { tags: TagMap } {
    const kind = RESOURCE_KINDS.find((k) => id.startsWith(`${k.prefix}-`));
    if (!kind) throw ec2Error('InvalidID', `The ID '${id}' is not valid`);
    const record = this[kind.map].get(id);
    if (!record) throw kind.notFound(id);
    return record;
  }

  /** A NAT gateway holds its subnet, interface and EIP until it is `deleted` (or has `failed`). */
  natGatewayHoldsResources(nat: NatGatewayRecord): boolean {
    return nat.state === 'pending' || nat.state === 'available' || nat.state === 'deleting';
  }

  // --- test hooks ----------------------------------------------------------------------------

  /** Adds an interface the tool did not create (a load balancer's, a lingering one...). */
  addNetworkInterface(options: AddNetworkInterfaceOptions): NetworkInterfaceRecord {
    const subnet = this.subnet(options.subnetId);
    const eni: NetworkInterfaceRecord = {
      id: this.env.ids.next('eni'),
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      privateIp: this.nextPrivateIp(subnet),
      groupIds: [...(options.groupIds ?? [])],
      description: options.description ?? '',
      interfaceType: options.interfaceType ?? 'interface',
      requesterManaged: options.requesterManaged ?? false,
      status: 'in-use',
      tags: { ...options.tags },
    };
    this.networkInterfaces.set(eni.id, eni);
    return eni;
  }

  removeNetworkInterface(id: string): void {
    this.networkInterfaces.delete(id);
    this.releasing.delete(id);
  }

  /**
   * Lets an interface go after `polls` DescribeNetworkInterfaces calls that select it (at once for 0):
   * AWS frees a deleted load balancer's interfaces a while after the load balancer is gone.
   */
  releaseNetworkInterface(id: string, polls: number): void {
    if (polls <= 0) this.removeNetworkInterface(id);
    else this.releasing.set(id, polls);
  }

  /** Counts one poll of an interface being released; true when this poll released it (it is gone). */
  pollRelease(id: string): boolean {
    const left = this.releasing.get(id);
    if (left === undefined) return false;
    if (left > 1) {
      this.releasing.set(id, left - 1);
      return false;
    }
    this.removeNetworkInterface(id);
    return true;
  }

  /** Adds an image (e.g. an older or an arm64 Ubuntu image); available at once unless `state` says otherwise. */
  addImage(image: Partial<ImageRecord> & Pick<ImageRecord, 'name'>): ImageRecord {
    const record: ImageRecord = {
      id: image.id ?? this.env.ids.next('ami'),
      ownerId: this.env.account,
      isPublic: false,
      architecture: 'x86_64',
      creationDate: new Date().toISOString(),
      state: 'available',
      rootDeviceName: '/dev/sda1',
      rootVolumeSizeGb: 8,
      tags: {},
      ...image,
    };
    this.images.set(record.id, record);
    return record;
  }

  /** What GetConsoleOutput answers for an instance (the text is stored base64, as AWS returns it). */
  setConsoleOutput(instanceId: string, text: string): void {
    this.instance(instanceId).consoleOutput = Buffer.from(text, 'utf8').toString('base64');
  }

  // --- helpers for the handlers --------------------------------------------------------------

  /** The next free private address of a subnet (AWS reserves the first four). */
  nextPrivateIp(subnet: SubnetRecord): string {
    const used = this.hostsUsed.get(subnet.id) ?? 3;
    this.hostsUsed.set(subnet.id, used + 1);
    const cidr = parseCidr(subnet.cidrBlock);
    return cidr ? addressAt(cidr, used + 1) : '0.0.0.0';
  }

  arn(resourceType: string, id: string): string {
    // Snapshot and image ARNs carry no account: arn:aws:ec2:<region>::snapshot/<id>.
    const account = resourceType === 'snapshot' || resourceType === 'image' ? '' : this.env.account;
    return `arn:aws:ec2:${this.env.region}:${account}:${resourceType}/${id}`;
  }

  /** Every resource that can carry tags, with its EC2 resource type (`vpc`, `natgateway`...). */
  taggableResources(): { id: string; resourceType: string; tags: TagMap; deleted: boolean }[] {
    return RESOURCE_KINDS.flatMap((kind) =>
      [...this[kind.map].entries()].map(([id, record]) => ({
        id,
        resourceType: kind.resourceType,
        tags: record.tags,
        deleted: 'state' in record && (record.state === 'deleted' || record.state === 'terminated'),
      })),
    );
  }

  /** Live resources with tags, for the Resource Groups Tagging API (deleted NAT gateways and terminated instances are not). */
  listTagged(): { arn: string; tags: TagMap }[] {
    return this.taggableResources()
      .filter((r) => !r.deleted && Object.keys(r.tags).length > 0)
      .map((r) => ({ arn: this.arn(r.resourceType, r.id), tags: { ...r.tags } }));
  }
}

type RecordMaps = Pick<
  Ec2Store,
  | 'vpcs'
  | 'subnets'
  | 'internetGateways'
  | 'routeTables'
  | 'addresses'
  | 'natGateways'
  | 'securityGroups'
  | 'securityGroupRules'
  | 'networkInterfaces'
  | 'instances'
  | 'volumes'
  | 'snapshots'
  | 'images'
  | 'launchTemplates'
>;

/** Id prefix, store map, ARN resource type and NotFound error of every taggable kind. */
const RESOURCE_KINDS: readonly {
  prefix: string;
  map: keyof RecordMaps;
  /** EC2's resource type, as in TagSpecifications, DescribeTags and ARNs. */
  resourceType: string;
  notFound: (id: string) => Error;
}[] = [
  { prefix: 'vpc', map: 'vpcs', resourceType: 'vpc', notFound: notFound.vpc },
  { prefix: 'subnet', map: 'subnets', resourceType: 'subnet', notFound: notFound.subnet },
  {
    prefix: 'igw',
    map: 'internetGateways',
    resourceType: 'internet-gateway',
    notFound: notFound.internetGateway,
  },
  { prefix: 'rtb', map: 'routeTables', resourceType: 'route-table', notFound: notFound.routeTable },
  { prefix: 'eipalloc', map: 'addresses', resourceType: 'elastic-ip', notFound: notFound.address },
  { prefix: 'nat', map: 'natGateways', resourceType: 'natgateway', notFound: notFound.natGateway },
  { prefix: 'sg', map: 'securityGroups', resourceType: 'security-group', notFound: notFound.securityGroup },
  {
    prefix: 'sgr',
    map: 'securityGroupRules',
    resourceType: 'security-group-rule',
    notFound: notFound.securityGroupRule,
  },
  {
    prefix: 'eni',
    map: 'networkInterfaces',
    resourceType: 'network-interface',
    notFound: notFound.networkInterface,
  },
  { prefix: 'i', map: 'instances', resourceType: 'instance', notFound: notFound.instance },
  { prefix: 'vol', map: 'volumes', resourceType: 'volume', notFound: notFound.volume },
  { prefix: 'snap', map: 'snapshots', resourceType: 'snapshot', notFound: notFound.snapshot },
  { prefix: 'ami', map: 'images', resourceType: 'image', notFound: notFound.image },
  {
    prefix: 'lt',
    map: 'launchTemplates',
    resourceType: 'launch-template',
    notFound: notFound.launchTemplate,
  },
];

function found<T>(map: ReadonlyMap<string, T>, id: string | undefined, missing: (id: string) => Error): T {
  const record = id === undefined ? undefined : map.get(id);
  if (!record) throw missing(id ?? '');
  return record;
}
