import type {
  CreateNatGatewayCommandInput,
  CreateNatGatewayCommandOutput,
  DeleteNatGatewayCommandInput,
  DeleteNatGatewayCommandOutput,
  DescribeNatGatewaysCommandInput,
  DescribeNatGatewaysCommandOutput,
  NatGateway,
  NatGatewayState,
  NetworkInterfaceType,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { natGatewayUsing } from './addresses.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue, notFound } from './errors.js';
import type { NatGatewayRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

function describeNatGateway(store: Ec2Store, nat: NatGatewayRecord): NatGateway {
  const address = nat.allocationId ? store.addresses.get(nat.allocationId) : undefined;
  const holds = store.natGatewayHoldsResources(nat);
  return {
    NatGatewayId: nat.id,
    SubnetId: nat.subnetId,
    VpcId: nat.vpcId,
    State: nat.state,
    ConnectivityType: nat.connectivityType,
    CreateTime: nat.createTime,
    DeleteTime: nat.deleteTime,
    FailureCode: nat.failure?.code,
    FailureMessage: nat.failure?.message,
    NatGatewayAddresses: [
      {
        AllocationId: nat.allocationId,
        PublicIp: address?.publicIp,
        AssociationId: holds ? nat.associationId : undefined,
        NetworkInterfaceId: nat.networkInterfaceId,
        PrivateIp: nat.privateIp,
        IsPrimary: true,
        Status: holds ? 'succeeded' : 'disassociating',
      },
    ],
    Tags: toTagList(nat.tags),
  };
}

const natGatewayFilters: FilterSpec<NatGatewayRecord> = {
  fields: {
    'nat-gateway-id': (n) => n.id,
    state: (n) => n.state,
    'subnet-id': (n) => n.subnetId,
    'vpc-id': (n) => n.vpcId,
  },
  tags: (n) => n.tags,
};

export function natGatewayHandlers(store: Ec2Store) {
  /** A gone (deleted) or failed NAT gateway lets go of its interface; its EIP is free again. */
  const settled = (nat: NatGatewayRecord) => {
    if (nat.state !== 'deleted' && nat.state !== 'failed') return;
    store.removeNetworkInterface(nat.networkInterfaceId);
    if (nat.state === 'deleted') nat.deleteTime ??= new Date();
  };

  const moveTo = (nat: NatGatewayRecord, to: NatGatewayState, polls: number) => {
    startTransition(nat, to, polls);
    settled(nat);
  };

  return {
    /**
     * Public NAT gateways need an Elastic IP and, to become `available`, an internet gateway on the
     * VPC: without one they end `failed` (Gateway.NotAttached), as on AWS. Same ClientToken, same
     * parameters: the NAT gateway made the first time comes back instead of a second one.
     */
    CreateNatGateway(input: CreateNatGatewayCommandInput): Result<CreateNatGatewayCommandOutput> {
      const earlier = store.clientTokens.recall('CreateNatGateway', input, () =>
        ec2Error(
          'IdempotentParameterMismatch',
          `Client token ${input.ClientToken} was used with other parameters`,
        ),
      );
      if (earlier)
        return {
          NatGateway: describeNatGateway(store, store.natGateway(earlier)),
          ClientToken: input.ClientToken,
        };

      const subnet = store.subnet(input.SubnetId);
      const connectivityType = input.ConnectivityType ?? 'public';
      if (connectivityType === 'public' && !input.AllocationId) {
        throw ec2Error('MissingParameter', 'A public NAT gateway needs the parameter AllocationId');
      }
      if (connectivityType === 'private' && input.AllocationId) {
        throw invalidParameterValue('A private NAT gateway cannot have an Elastic IP address (AllocationId)');
      }
      const address = input.AllocationId ? store.address(input.AllocationId) : undefined;
      if (address && natGatewayUsing(store, address.allocationId)) {
        throw ec2Error(
          'Resource.AlreadyAssociated',
          `Elastic IP address [${address.allocationId}] is already associated`,
        );
      }
      const tags = tagsFromSpecifications(input.TagSpecifications, 'natgateway');
      const id = store.env.ids.next('nat');
      const eni = store.addNetworkInterface({
        subnetId: subnet.id,
        // What DescribeNetworkInterfaces shows for it (the SDK's enum spells it `natGateway`).
        interfaceType: 'nat_gateway' as NetworkInterfaceType,
        requesterManaged: true,
        description: `Interface for NAT Gateway ${id}`,
      });
      const nat: NatGatewayRecord = {
        id,
        subnetId: subnet.id,
        vpcId: subnet.vpcId,
        connectivityType,
        allocationId: address?.allocationId,
        associationId: address ? store.env.ids.next('eipassoc') : undefined,
        networkInterfaceId: eni.id,
        privateIp: eni.privateIp,
        state: 'pending',
        createTime: new Date(),
        tags,
      };
      store.natGateways.set(nat.id, nat);
      const hasGateway = [...store.internetGateways.values()].some((g) => g.attachedVpcId === subnet.vpcId);
      if (connectivityType === 'public' && !hasGateway) {
        nat.failure = {
          code: 'Gateway.NotAttached',
          message: `Network ${subnet.vpcId} has no Internet gateway attached`,
        };
        moveTo(nat, 'failed', store.env.latency.natGatewayCreate);
      } else {
        moveTo(nat, 'available', store.env.latency.natGatewayCreate);
      }
      store.clientTokens.remember('CreateNatGateway', input, nat.id);
      return { NatGateway: describeNatGateway(store, nat), ClientToken: input.ClientToken };
    },

    DescribeNatGateways(input: DescribeNatGatewaysCommandInput): Result<DescribeNatGatewaysCommandOutput> {
      const nats = select({
        byIds: { ids: input.NatGatewayIds, lookup: (id) => store.natGateway(id) },
        all: () => store.natGateways.values(),
        filters: input.Filter,
        spec: natGatewayFilters,
        settle: {
          names: ['state'],
          poll: (nat) => {
            if (poll(nat)) settled(nat);
          },
        },
      });
      const { page: shown, nextToken } = page(nats, input);
      return { NatGateways: shown.map((n) => describeNatGateway(store, n)), NextToken: nextToken };
    },

    /** `deleting`, then `deleted` after natGatewayDelete polls; a deleted one is no longer found. */
    DeleteNatGateway(input: DeleteNatGatewayCommandInput): Result<DeleteNatGatewayCommandOutput> {
      const nat = store.natGateway(input.NatGatewayId);
      if (nat.state === 'deleted') throw notFound.natGateway(nat.id);
      if (nat.state !== 'deleting') {
        nat.state = 'deleting';
        moveTo(nat, 'deleted', store.env.latency.natGatewayDelete);
      }
      return { NatGatewayId: nat.id };
    },
  };
}
