import type {
  CreateVpcCommandInput,
  CreateVpcCommandOutput,
  DeleteVpcCommandInput,
  DeleteVpcCommandOutput,
  DescribeVpcAttributeCommandInput,
  DescribeVpcAttributeCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  ModifyVpcAttributeCommandInput,
  ModifyVpcAttributeCommandOutput,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { parseCidr } from './cidr.js';
import { page, select } from './describe.js';
import { ec2Error, hasDependencies, invalidParameterValue } from './errors.js';
import type { VpcRecord } from './records.js';
import { createRouteTableRecord, isMainRouteTable } from './route-tables.js';
import { createSecurityGroupRecord, isDefaultGroup, removeSecurityGroup } from './security-groups.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

function describeVpc(store: Ec2Store, vpc: VpcRecord): Vpc {
  return {
    VpcId: vpc.id,
    CidrBlock: vpc.cidrBlock,
    CidrBlockAssociationSet: [
      {
        AssociationId: vpc.cidrAssociationId,
        CidrBlock: vpc.cidrBlock,
        CidrBlockState: { State: 'associated' },
      },
    ],
    State: vpc.state,
    DhcpOptionsId: vpc.dhcpOptionsId,
    InstanceTenancy: 'default',
    IsDefault: false,
    OwnerId: store.env.account,
    Tags: toTagList(vpc.tags),
  };
}

function vpcFilters(store: Ec2Store): FilterSpec<VpcRecord> {
  return {
    fields: {
      'vpc-id': (v) => v.id,
      cidr: (v) => v.cidrBlock,
      'cidr-block-association.cidr-block': (v) => v.cidrBlock,
      state: (v) => v.state,
      'is-default': () => 'false',
      'owner-id': () => store.env.account,
      'dhcp-options-id': (v) => v.dhcpOptionsId,
    },
    tags: (v) => v.tags,
  };
}

/** The attributes ModifyVpcAttribute / DescribeVpcAttribute know, by their DescribeVpcAttribute name. */
const ATTRIBUTES = {
  enableDnsSupport: 'EnableDnsSupport',
  enableDnsHostnames: 'EnableDnsHostnames',
} as const;

export function vpcHandlers(store: Ec2Store) {
  return {
    /** Like AWS, a new VPC comes with an untagged main route table and an untagged `default` group. */
    CreateVpc(input: CreateVpcCommandInput): Result<CreateVpcCommandOutput> {
      const cidrBlock = input.CidrBlock ?? '';
      const cidr = parseCidr(cidrBlock);
      if (!cidr) {
        throw invalidParameterValue(
          `Value (${cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      }
      if (cidr.prefix < 16 || cidr.prefix > 28)
        throw ec2Error('InvalidVpc.Range', `The CIDR '${cidrBlock}' is invalid.`);
      const vpc: VpcRecord = {
        id: store.env.ids.next('vpc'),
        cidrBlock,
        cidrAssociationId: store.env.ids.next('vpc-cidr-assoc'),
        state: 'pending',
        enableDnsSupport: true,
        enableDnsHostnames: false,
        dhcpOptionsId: store.env.ids.next('dopt'),
        tags: tagsFromSpecifications(input.TagSpecifications, 'vpc'),
      };
      startTransition(vpc, 'available', store.env.latency.vpc);
      store.vpcs.set(vpc.id, vpc);
      createRouteTableRecord(store, vpc.id, {}, true);
      createSecurityGroupRecord(store, {
        name: 'default',
        description: 'default VPC security group',
        vpcId: vpc.id,
        tags: {},
      });
      return { Vpc: describeVpc(store, vpc) };
    },

    DescribeVpcs(input: DescribeVpcsCommandInput): Result<DescribeVpcsCommandOutput> {
      const vpcs = select({
        byIds: { ids: input.VpcIds, lookup: (id) => store.vpc(id) },
        all: () => store.vpcs.values(),
        filters: input.Filters,
        spec: vpcFilters(store),
        settle: { names: ['state'], poll },
      });
      const { page: shown, nextToken } = page(vpcs, input);
      return { Vpcs: shown.map((v) => describeVpc(store, v)), NextToken: nextToken };
    },

    /** Refused while anything the user made is left in it; its main route table and default group go with it. */
    DeleteVpc(input: DeleteVpcCommandInput): Result<DeleteVpcCommandOutput> {
      const vpc = store.vpc(input.VpcId);
      const inVpc = <T extends { vpcId?: string | undefined }>(map: ReadonlyMap<string, T>) =>
        [...map.values()].filter((r) => r.vpcId === vpc.id);
      const dependents = [
        ...inVpc(store.subnets),
        ...inVpc(store.networkInterfaces),
        ...inVpc(store.natGateways).filter((n) => store.natGatewayHoldsResources(n)),
        ...inVpc(store.securityGroups).filter((g) => !isDefaultGroup(g)),
        ...inVpc(store.routeTables).filter((t) => !isMainRouteTable(t)),
        ...[...store.internetGateways.values()].filter((g) => g.attachedVpcId === vpc.id),
      ];
      if (dependents.length > 0) throw hasDependencies('vpc', vpc.id);
      for (const table of inVpc(store.routeTables)) store.routeTables.delete(table.id);
      for (const group of inVpc(store.securityGroups)) removeSecurityGroup(store, group);
      store.vpcs.delete(vpc.id);
      return {};
    },

    /** One attribute per call, as AWS insists. */
    ModifyVpcAttribute(input: ModifyVpcAttributeCommandInput): Result<ModifyVpcAttributeCommandOutput> {
      const vpc = store.vpc(input.VpcId);
      const given = (Object.keys(ATTRIBUTES) as (keyof typeof ATTRIBUTES)[]).filter(
        (name) => input[ATTRIBUTES[name]],
      );
      if (given.length !== 1) {
        throw ec2Error(
          'InvalidParameterCombination',
          given.length
            ? `Fields for multiple attribute types specified: ${given.join(', ')}`
            : 'No attributes specified.',
        );
      }
      const value = input.EnableDnsSupport?.Value ?? input.EnableDnsHostnames?.Value;
      if (value === undefined)
        throw ec2Error('MissingParameter', `The request must contain the parameter ${given[0]}.Value`);
      if (given[0] === 'enableDnsSupport') vpc.enableDnsSupport = value;
      else vpc.enableDnsHostnames = value;
      return {};
    },

    DescribeVpcAttribute(input: DescribeVpcAttributeCommandInput): Result<DescribeVpcAttributeCommandOutput> {
      const vpc = store.vpc(input.VpcId);
      if (input.Attribute === 'enableDnsSupport')
        return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
      if (input.Attribute === 'enableDnsHostnames') {
        return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
      }
      throw invalidParameterValue(
        `Value (${input.Attribute ?? ''}) for parameter attribute is invalid. Unknown attribute.`,
      );
    },
  };
}
