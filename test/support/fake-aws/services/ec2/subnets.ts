import type {
  CreateSubnetCommandInput,
  CreateSubnetCommandOutput,
  DeleteSubnetCommandInput,
  DeleteSubnetCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  ModifySubnetAttributeCommandInput,
  ModifySubnetAttributeCommandOutput,
  Subnet,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { zoneId } from './availability-zones.js';
import { contains, overlaps, parseCidr, size } from './cidr.js';
import { page, select } from './describe.js';
import { ec2Error, hasDependencies, invalidParameterValue } from './errors.js';
import type { SubnetRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

function describeSubnet(store: Ec2Store, subnet: SubnetRecord): Subnet {
  const cidr = parseCidr(subnet.cidrBlock);
  const interfaces = [...store.networkInterfaces.values()].filter((eni) => eni.subnetId === subnet.id).length;
  return {
    SubnetId: subnet.id,
    SubnetArn: store.arn('subnet', subnet.id),
    VpcId: subnet.vpcId,
    CidrBlock: subnet.cidrBlock,
    AvailabilityZone: subnet.availabilityZone,
    AvailabilityZoneId: zoneId(store.env, subnet.availabilityZone),
    State: 'available',
    // AWS reserves five addresses in every subnet.
    AvailableIpAddressCount: (cidr ? size(cidr) : 0) - 5 - interfaces,
    MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    DefaultForAz: false,
    OwnerId: store.env.account,
    Tags: toTagList(subnet.tags),
  };
}

function subnetFilters(store: Ec2Store): FilterSpec<SubnetRecord> {
  return {
    fields: {
      'subnet-id': (s) => s.id,
      'vpc-id': (s) => s.vpcId,
      'availability-zone': (s) => s.availabilityZone,
      'availability-zone-id': (s) => zoneId(store.env, s.availabilityZone),
      'cidr-block': (s) => s.cidrBlock,
      cidr: (s) => s.cidrBlock,
      cidrBlock: (s) => s.cidrBlock,
      state: () => 'available',
      'default-for-az': () => 'false',
      'map-public-ip-on-launch': (s) => String(s.mapPublicIpOnLaunch),
      'owner-id': () => store.env.account,
    },
    tags: (s) => s.tags,
  };
}

export function subnetHandlers(store: Ec2Store) {
  /** The zone named by AvailabilityZone or AvailabilityZoneId (the first zone when neither is given). */
  const zoneOf = (input: CreateSubnetCommandInput): string => {
    const zones = store.env.availabilityZones;
    const zone = input.AvailabilityZoneId
      ? zones.find((z) => zoneId(store.env, z) === input.AvailabilityZoneId)
      : (input.AvailabilityZone ?? zones[0]);
    if (!zone || !zones.includes(zone)) {
      throw invalidParameterValue(
        `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter availabilityZone is invalid. ` +
          `Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`,
      );
    }
    return zone;
  };

  return {
    CreateSubnet(input: CreateSubnetCommandInput): Result<CreateSubnetCommandOutput> {
      const vpc = store.vpc(input.VpcId);
      const availabilityZone = zoneOf(input);
      const cidrBlock = input.CidrBlock ?? '';
      const cidr = parseCidr(cidrBlock);
      if (!cidr) {
        throw invalidParameterValue(
          `Value (${cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      }
      const vpcCidr = parseCidr(vpc.cidrBlock);
      if (cidr.prefix < 16 || cidr.prefix > 28 || !vpcCidr || !contains(vpcCidr, cidr)) {
        throw ec2Error('InvalidSubnet.Range', `The CIDR '${cidrBlock}' is invalid.`);
      }
      const conflict = [...store.subnets.values()].some((s) => {
        const other = parseCidr(s.cidrBlock);
        return s.vpcId === vpc.id && other !== undefined && overlaps(other, cidr);
      });
      if (conflict)
        throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidrBlock}' conflicts with another subnet`);
      const subnet: SubnetRecord = {
        id: store.env.ids.next('subnet'),
        vpcId: vpc.id,
        cidrBlock,
        availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: tagsFromSpecifications(input.TagSpecifications, 'subnet'),
      };
      store.subnets.set(subnet.id, subnet);
      return { Subnet: describeSubnet(store, subnet) };
    },

    DescribeSubnets(input: DescribeSubnetsCommandInput): Result<DescribeSubnetsCommandOutput> {
      const subnets = select({
        byIds: { ids: input.SubnetIds, lookup: (id) => store.subnet(id) },
        all: () => store.subnets.values(),
        filters: input.Filters,
        spec: subnetFilters(store),
      });
      const { page: shown, nextToken } = page(subnets, input);
      return { Subnets: shown.map((s) => describeSubnet(store, s)), NextToken: nextToken };
    },

    /** Refused while a NAT gateway or network interface lives in it; its route table association goes with it. */
    DeleteSubnet(input: DeleteSubnetCommandInput): Result<DeleteSubnetCommandOutput> {
      const subnet = store.subnet(input.SubnetId);
      const hasNat = [...store.natGateways.values()].some(
        (nat) => nat.subnetId === subnet.id && store.natGatewayHoldsResources(nat),
      );
      const hasInterface = [...store.networkInterfaces.values()].some((eni) => eni.subnetId === subnet.id);
      if (hasNat || hasInterface) throw hasDependencies('subnet', subnet.id);
      for (const table of store.routeTables.values()) {
        table.associations = table.associations.filter((a) => a.subnetId !== subnet.id);
      }
      store.subnets.delete(subnet.id);
      return {};
    },

    ModifySubnetAttribute(
      input: ModifySubnetAttributeCommandInput,
    ): Result<ModifySubnetAttributeCommandOutput> {
      const subnet = store.subnet(input.SubnetId);
      if (input.MapPublicIpOnLaunch?.Value === undefined) {
        throw ec2Error('MissingParameter', 'fake-aws models only the MapPublicIpOnLaunch subnet attribute');
      }
      subnet.mapPublicIpOnLaunch = input.MapPublicIpOnLaunch.Value;
      return {};
    },
  };
}
