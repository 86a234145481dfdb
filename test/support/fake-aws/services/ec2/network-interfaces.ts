import type {
  DeleteNetworkInterfaceCommandInput,
  DeleteNetworkInterfaceCommandOutput,
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error } from './errors.js';
import type { NetworkInterfaceRecord } from './records.js';
import type { Ec2Store } from './store.js';

function describeNetworkInterface(store: Ec2Store, eni: NetworkInterfaceRecord): NetworkInterface {
  return {
    NetworkInterfaceId: eni.id,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    AvailabilityZone: eni.availabilityZone,
    Description: eni.description,
    InterfaceType: eni.interfaceType,
    PrivateIpAddress: eni.privateIp,
    RequesterManaged: eni.requesterManaged,
    Status: eni.status,
    Groups: eni.groupIds.map((id) => ({ GroupId: id, GroupName: store.securityGroups.get(id)?.name })),
    OwnerId: store.env.account,
    SourceDestCheck: true,
    // Network interfaces call their tags TagSet.
    TagSet: toTagList(eni.tags),
  };
}

const networkInterfaceFilters: FilterSpec<NetworkInterfaceRecord> = {
  fields: {
    'network-interface-id': (e) => e.id,
    'vpc-id': (e) => e.vpcId,
    'subnet-id': (e) => e.subnetId,
    'group-id': (e) => e.groupIds,
    'availability-zone': (e) => e.availabilityZone,
    status: (e) => e.status,
    'interface-type': (e) => e.interfaceType,
    description: (e) => e.description,
    'requester-managed': (e) => String(e.requesterManaged),
    'private-ip-address': (e) => e.privateIp,
  },
  tags: (e) => e.tags,
};

export function networkInterfaceHandlers(store: Ec2Store) {
  return {
    DescribeNetworkInterfaces(
      input: DescribeNetworkInterfacesCommandInput,
    ): Result<DescribeNetworkInterfacesCommandOutput> {
      // An interface being released counts this poll, and is no longer shown once it is let go.
      const enis = select({
        byIds: { ids: input.NetworkInterfaceIds, lookup: (id) => store.networkInterface(id) },
        all: () => store.networkInterfaces.values(),
        filters: input.Filters,
        spec: networkInterfaceFilters,
      }).filter((eni) => !store.pollRelease(eni.id));
      const { page: shown, nextToken } = page(enis, input);
      return {
        NetworkInterfaces: shown.map((e) => describeNetworkInterface(store, e)),
        NextToken: nextToken,
      };
    },

    /** Interfaces AWS manages (a NAT gateway's, a load balancer's) or that are attached cannot be deleted. */
    DeleteNetworkInterface(
      input: DeleteNetworkInterfaceCommandInput,
    ): Result<DeleteNetworkInterfaceCommandOutput> {
      const eni = store.networkInterface(input.NetworkInterfaceId);
      if (eni.requesterManaged || eni.status === 'in-use') {
        throw ec2Error(
          'InvalidNetworkInterface.InUse',
          `The network interface ${eni.id} is currently in use.`,
        );
      }
      store.removeNetworkInterface(eni.id);
      return {};
    },
  };
}
