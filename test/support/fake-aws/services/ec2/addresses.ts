import type {
  Address,
  AllocateAddressCommandInput,
  AllocateAddressCommandOutput,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  ReleaseAddressCommandInput,
  ReleaseAddressCommandOutput,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { select } from './describe.js';
import { ec2Error, invalidParameterValue } from './errors.js';
import type { AddressRecord, NatGatewayRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** The NAT gateway currently holding this Elastic IP, if any (associations follow the NAT's state). */
export function natGatewayUsing(store: Ec2Store, allocationId: string): NatGatewayRecord | undefined {
  return [...store.natGateways.values()].find(
    (nat) => nat.allocationId === allocationId && store.natGatewayHoldsResources(nat),
  );
}

function describeAddress(store: Ec2Store, address: AddressRecord): Address {
  const nat = natGatewayUsing(store, address.allocationId);
  return {
    AllocationId: address.allocationId,
    PublicIp: address.publicIp,
    Domain: 'vpc',
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: store.env.region,
    AssociationId: nat?.associationId,
    NetworkInterfaceId: nat?.networkInterfaceId,
    NetworkInterfaceOwnerId: nat ? store.env.account : undefined,
    PrivateIpAddress: nat?.privateIp,
    Tags: toTagList(address.tags),
  };
}

function addressFilters(store: Ec2Store): FilterSpec<AddressRecord> {
  const association = (a: AddressRecord) => natGatewayUsing(store, a.allocationId);
  return {
    fields: {
      'allocation-id': (a) => a.allocationId,
      'public-ip': (a) => a.publicIp,
      domain: () => 'vpc',
      'network-border-group': () => store.env.region,
      'association-id': (a) => association(a)?.associationId,
      'network-interface-id': (a) => association(a)?.networkInterfaceId,
      'network-interface-owner-id': (a) => (association(a) ? store.env.account : undefined),
      'private-ip-address': (a) => association(a)?.privateIp,
    },
    tags: (a) => a.tags,
  };
}

export function addressHandlers(store: Ec2Store) {
  return {
    AllocateAddress(input: AllocateAddressCommandInput): Result<AllocateAddressCommandOutput> {
      if (input.Domain !== undefined && input.Domain !== 'vpc') {
        throw invalidParameterValue(
          `Value (${input.Domain}) for parameter domain is invalid: only 'vpc' exists today`,
        );
      }
      const address: AddressRecord = {
        allocationId: store.env.ids.next('eipalloc'),
        publicIp: store.env.ids.nextPublicIp(),
        tags: tagsFromSpecifications(input.TagSpecifications, 'elastic-ip'),
      };
      store.addresses.set(address.allocationId, address);
      return {
        AllocationId: address.allocationId,
        PublicIp: address.publicIp,
        Domain: 'vpc',
        PublicIpv4Pool: 'amazon',
        NetworkBorderGroup: store.env.region,
      };
    },

    DescribeAddresses(input: DescribeAddressesCommandInput): Result<DescribeAddressesCommandOutput> {
      const byPublicIp = (ip: string) => {
        const found = [...store.addresses.values()].find((a) => a.publicIp === ip);
        if (!found) throw ec2Error('InvalidAddress.NotFound', `Address '${ip}' not found.`);
        return found;
      };
      const addresses = input.PublicIps?.length
        ? select({
            byIds: { ids: input.PublicIps, lookup: byPublicIp },
            all: () => [],
            filters: input.Filters,
            spec: addressFilters(store),
          })
        : select({
            byIds: { ids: input.AllocationIds, lookup: (id) => store.address(id) },
            all: () => store.addresses.values(),
            filters: input.Filters,
            spec: addressFilters(store),
          });
      return { Addresses: addresses.map((a) => describeAddress(store, a)) };
    },

    ReleaseAddress(input: ReleaseAddressCommandInput): Result<ReleaseAddressCommandOutput> {
      if (!input.AllocationId)
        throw ec2Error('MissingParameter', 'The request must contain the parameter AllocationId');
      const address = store.address(input.AllocationId);
      if (natGatewayUsing(store, address.allocationId)) {
        throw ec2Error(
          'InvalidIPAddress.InUse',
          `Address ${address.publicIp} (${address.allocationId}) is in use.`,
        );
      }
      store.addresses.delete(address.allocationId);
      return {};
    },
  };
}
