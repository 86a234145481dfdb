import type {
  CreateDBSubnetGroupCommandInput,
  CreateDBSubnetGroupCommandOutput,
  DBSubnetGroup,
  DeleteDBSubnetGroupCommandInput,
  DeleteDBSubnetGroupCommandOutput,
  DescribeDBSubnetGroupsCommandInput,
  DescribeDBSubnetGroupsCommandOutput,
} from '@aws-sdk/client-rds';
import type { Result } from '../../core/service.js';
import { pageOf, tagsOfCreate } from './common.js';
import { invalidParameterValue, rdsError } from './errors.js';
import type { DbSubnetGroupRecord, RdsSubnet } from './records.js';
import type { RdsStore } from './store.js';

export function describeSubnetGroup(store: RdsStore, group: DbSubnetGroupRecord): DBSubnetGroup {
  return {
    DBSubnetGroupName: group.name,
    DBSubnetGroupDescription: group.description,
    VpcId: group.vpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: group.subnets.map((s) => ({
      SubnetIdentifier: s.id,
      SubnetAvailabilityZone: { Name: s.availabilityZone },
      SubnetStatus: 'Active',
    })),
    DBSubnetGroupArn: store.arn('subgrp', group.name),
    SupportedNetworkTypes: ['IPV4'],
  };
}

/** RDS needs subnets of one VPC over at least two AZs, even for a Single-AZ instance. */
function subnetsOf(store: RdsStore, ids: readonly string[] | undefined): RdsSubnet[] {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) throw invalidParameterValue('The parameter SubnetIds must not be empty');
  const unknown = wanted.filter((id) => !store.lookupSubnet(id));
  if (unknown.length > 0)
    throw rdsError('InvalidSubnet', `Some input subnets in :[${unknown.join(', ')}] are invalid.`);
  const subnets = wanted.map((id) => store.lookupSubnet(id)!);
  const vpcs = new Set(subnets.map((s) => s.vpcId));
  if (vpcs.size > 1)
    throw rdsError(
      'InvalidSubnet',
      `The subnets must all be in one VPC; got subnets of ${[...vpcs].join(', ')}.`,
    );
  const zones = [...new Set(subnets.map((s) => s.availabilityZone))];
  if (zones.length < 2) {
    throw rdsError(
      'DBSubnetGroupDoesNotCoverEnoughAZs',
      `The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${zones.join(', ')}. Add subnets to cover at least 2 AZs.`,
    );
  }
  return subnets.map((s) => ({ id: s.id, vpcId: s.vpcId, availabilityZone: s.availabilityZone }));
}

export function subnetGroupHandlers(store: RdsStore) {
  return {
    CreateDBSubnetGroup(input: CreateDBSubnetGroupCommandInput): Result<CreateDBSubnetGroupCommandOutput> {
      const name = (input.DBSubnetGroupName ?? '').toLowerCase();
      if (!/^[a-z0-9 ._-]{1,255}$/.test(name) || name === 'default')
        throw invalidParameterValue(
          `The parameter DBSubnetGroupName is not valid: it must be 1 to 255 letters, digits, spaces, periods, underscores or hyphens, and not "default"`,
        );
      if (!input.DBSubnetGroupDescription)
        throw invalidParameterValue('The parameter DBSubnetGroupDescription must be provided');
      if (store.subnetGroups.has(name))
        throw rdsError('DBSubnetGroupAlreadyExists', `The DB subnet group '${name}' already exists.`);
      const subnets = subnetsOf(store, input.SubnetIds);
      const group: DbSubnetGroupRecord = {
        name,
        description: input.DBSubnetGroupDescription,
        vpcId: subnets[0]!.vpcId,
        subnets,
        tags: tagsOfCreate(input.Tags),
      };
      store.subnetGroups.set(name, group);
      return { DBSubnetGroup: describeSubnetGroup(store, group) };
    },

    DescribeDBSubnetGroups(
      input: DescribeDBSubnetGroupsCommandInput,
    ): Result<DescribeDBSubnetGroupsCommandOutput> {
      if (input.Filters?.length)
        throw invalidParameterValue('DescribeDBSubnetGroups: Filters are not supported');
      const groups = input.DBSubnetGroupName
        ? [store.subnetGroup(input.DBSubnetGroupName)]
        : [...store.subnetGroups.values()];
      const { page, marker } = pageOf(groups, input);
      return { DBSubnetGroups: page.map((g) => describeSubnetGroup(store, g)), Marker: marker };
    },

    /** Refused while an instance (not yet gone) uses the group. */
    DeleteDBSubnetGroup(input: DeleteDBSubnetGroupCommandInput): Result<DeleteDBSubnetGroupCommandOutput> {
      const group = store.subnetGroup(input.DBSubnetGroupName);
      const user = [...store.instances.values()].find((i) => i.subnetGroupName === group.name);
      if (user) {
        throw rdsError(
          'InvalidDBSubnetGroupStateFault',
          `Cannot delete the subnet group '${group.name}' because at least one database instance: ${user.id} is still using it.`,
        );
      }
      store.subnetGroups.delete(group.name);
      return {};
    },
  };
}
