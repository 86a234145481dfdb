import type {
  AttachInternetGatewayCommandInput,
  AttachInternetGatewayCommandOutput,
  AttachmentStatus,
  CreateInternetGatewayCommandInput,
  CreateInternetGatewayCommandOutput,
  DeleteInternetGatewayCommandInput,
  DeleteInternetGatewayCommandOutput,
  DescribeInternetGatewaysCommandInput,
  DescribeInternetGatewaysCommandOutput,
  DetachInternetGatewayCommandInput,
  DetachInternetGatewayCommandOutput,
  InternetGateway,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { dependencyViolation, ec2Error, hasDependencies, invalidParameterValue } from './errors.js';
import type { InternetGatewayRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

function describeInternetGateway(store: Ec2Store, gateway: InternetGatewayRecord): InternetGateway {
  return {
    InternetGatewayId: gateway.id,
    OwnerId: store.env.account,
    // EC2 reports an attached internet gateway as `available`, a value outside the SDK's AttachmentStatus.
    Attachments: gateway.attachedVpcId
      ? [{ VpcId: gateway.attachedVpcId, State: 'available' as AttachmentStatus }]
      : [],
    Tags: toTagList(gateway.tags),
  };
}

function internetGatewayFilters(store: Ec2Store): FilterSpec<InternetGatewayRecord> {
  return {
    fields: {
      'internet-gateway-id': (g) => g.id,
      'attachment.vpc-id': (g) => g.attachedVpcId,
      'attachment.state': (g) => (g.attachedVpcId ? 'available' : undefined),
      'owner-id': () => store.env.account,
    },
    tags: (g) => g.tags,
  };
}

export function internetGatewayHandlers(store: Ec2Store) {
  return {
    CreateInternetGateway(
      input: CreateInternetGatewayCommandInput,
    ): Result<CreateInternetGatewayCommandOutput> {
      const gateway: InternetGatewayRecord = {
        id: store.env.ids.next('igw'),
        tags: tagsFromSpecifications(input.TagSpecifications, 'internet-gateway'),
      };
      store.internetGateways.set(gateway.id, gateway);
      return { InternetGateway: describeInternetGateway(store, gateway) };
    },

    DescribeInternetGateways(
      input: DescribeInternetGatewaysCommandInput,
    ): Result<DescribeInternetGatewaysCommandOutput> {
      const gateways = select({
        byIds: { ids: input.InternetGatewayIds, lookup: (id) => store.internetGateway(id) },
        all: () => store.internetGateways.values(),
        filters: input.Filters,
        spec: internetGatewayFilters(store),
      });
      const { page: shown, nextToken } = page(gateways, input);
      return { InternetGateways: shown.map((g) => describeInternetGateway(store, g)), NextToken: nextToken };
    },

    AttachInternetGateway(
      input: AttachInternetGatewayCommandInput,
    ): Result<AttachInternetGatewayCommandOutput> {
      const gateway = store.internetGateway(input.InternetGatewayId);
      const vpc = store.vpc(input.VpcId);
      if (gateway.attachedVpcId) {
        throw ec2Error(
          'Resource.AlreadyAssociated',
          `resource ${gateway.id} is already attached to network ${gateway.attachedVpcId}`,
        );
      }
      if ([...store.internetGateways.values()].some((g) => g.attachedVpcId === vpc.id)) {
        throw invalidParameterValue(`Network ${vpc.id} already has an internet gateway attached`);
      }
      gateway.attachedVpcId = vpc.id;
      return {};
    },

    /** Refused while a public NAT gateway in the VPC still maps an Elastic IP through this gateway. */
    DetachInternetGateway(
      input: DetachInternetGatewayCommandInput,
    ): Result<DetachInternetGatewayCommandOutput> {
      const gateway = store.internetGateway(input.InternetGatewayId);
      const vpcId = input.VpcId ?? '';
      if (gateway.attachedVpcId !== vpcId) {
        throw ec2Error('Gateway.NotAttached', `resource ${gateway.id} is not attached to network ${vpcId}`);
      }
      const mapped = [...store.natGateways.values()].some(
        (nat) => nat.vpcId === vpcId && nat.allocationId !== undefined && store.natGatewayHoldsResources(nat),
      );
      if (mapped) {
        throw dependencyViolation(
          `Network ${vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
        );
      }
      gateway.attachedVpcId = undefined;
      return {};
    },

    DeleteInternetGateway(
      input: DeleteInternetGatewayCommandInput,
    ): Result<DeleteInternetGatewayCommandOutput> {
      const gateway = store.internetGateway(input.InternetGatewayId);
      if (gateway.attachedVpcId) throw hasDependencies('internetGateway', gateway.id);
      store.internetGateways.delete(gateway.id);
      return {};
    },
  };
}
