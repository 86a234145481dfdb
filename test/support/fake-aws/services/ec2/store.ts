import type { NetworkInterfaceType } from '@aws-sdk/client-ec2';
import type { FakeEnvironment } from '../../core/environment.js';
import { ClientTokens } from '../../core/idempotency.js';
import type { TagMap } from '../../core/tags.js';
import { addressAt, parseCidr } from './cidr.js';
import { ec2Error, notFound } from './errors.js';
import type {
  AddressRecord,
  InternetGatewayRecord,
  NatGatewayRecord,
  NetworkInterfaceRecord,
  RouteTableRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SubnetRecord,
  VpcRecord,
} from './records.js';

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

  readonly clientTokens = new ClientTokens();
  private readonly hostsUsed = new Map<string, number>();

  constructor(readonly env: FakeEnvironment) {}

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
    return `arn:aws:ec2:${this.env.region}:${this.env.account}:${resourceType}/${id}`;
  }

  /** Every resource that can carry tags, with its EC2 resource type (`vpc`, `natgateway`...). */
  taggableResources(): { id: string; resourceType: string; tags: TagMap; deleted: boolean }[] {
    return RESOURCE_KINDS.flatMap((kind) =>
      [...this[kind.map].entries()].map(([id, record]) => ({
        id,
        resourceType: kind.resourceType,
        tags: record.tags,
        deleted: 'state' in record && record.state === 'deleted',
      })),
    );
  }

  /** Live resources with tags, for the Resource Groups Tagging API (deleted NAT gateways are not). */
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
];

function found<T>(map: ReadonlyMap<string, T>, id: string | undefined, missing: (id: string) => Error): T {
  const record = id === undefined ? undefined : map.get(id);
  if (!record) throw missing(id ?? '');
  return record;
}
