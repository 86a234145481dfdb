import type {
  CacheSubnetGroup,
  CreateCacheSubnetGroupCommandInput,
  CreateCacheSubnetGroupCommandOutput,
  DeleteCacheSubnetGroupCommandInput,
  DeleteCacheSubnetGroupCommandOutput,
  DescribeCacheSubnetGroupsCommandInput,
  DescribeCacheSubnetGroupsCommandOutput,
} from '@aws-sdk/client-elasticache';
import type { Result } from '../../core/service.js';
import { elastiCacheError, invalidParameterValue } from './errors.js';
import { checkIdentifier } from './names.js';
import { page } from './paging.js';
import type { CacheSubnetGroupRecord, CacheSubnetRecord } from './records.js';
import type { ElastiCacheStore } from './store.js';
import { checkedTags } from './tags.js';

function describeSubnetGroup(store: ElastiCacheStore, group: CacheSubnetGroupRecord): CacheSubnetGroup {
  return {
    CacheSubnetGroupName: group.name,
    CacheSubnetGroupDescription: group.description,
    VpcId: group.vpcId,
    Subnets: group.subnets.map((s) => ({
      SubnetIdentifier: s.id,
      SubnetAvailabilityZone: s.availabilityZone ? { Name: s.availabilityZone } : undefined,
      SupportedNetworkTypes: ['ipv4'],
    })),
    ARN: store.arn('subnetgroup', group.name),
    SupportedNetworkTypes: ['ipv4'],
  };
}

/** Subnets as EC2 knows them; all in one VPC, as AWS requires. */
function resolveSubnets(
  store: ElastiCacheStore,
  subnetIds: string[] | undefined,
): {
  vpcId: string | undefined;
  subnets: CacheSubnetRecord[];
} {
  const ids = [...new Set(subnetIds ?? [])];
  if (ids.length === 0)
    throw invalidParameterValue('The parameter SubnetIds must contain at least one subnet.');
  const lookup = store.subnetLookup;
  const subnets = ids.map((id) => {
    if (!lookup) return { id, availabilityZone: undefined, vpcId: undefined };
    const subnet = lookup(id);
    if (!subnet) throw elastiCacheError('InvalidSubnet', `The subnet ID ${id} does not exist`);
    return { id, availabilityZone: subnet.availabilityZone, vpcId: subnet.vpcId };
  });
  const vpcs = new Set(subnets.map((s) => s.vpcId));
  if (vpcs.size > 1) {
    throw invalidParameterValue(
      `Some of the subnets to be added are not in the same VPC: ${[...vpcs].join(', ')}.`,
    );
  }
  return {
    vpcId: subnets[0]?.vpcId,
    subnets: subnets.map(({ id, availabilityZone }) => ({ id, availabilityZone })),
  };
}

export function subnetGroupHandlers(store: ElastiCacheStore) {
  return {
    CreateCacheSubnetGroup(
      input: CreateCacheSubnetGroupCommandInput,
    ): Result<CreateCacheSubnetGroupCommandOutput> {
      const name = checkIdentifier('CacheSubnetGroupName', input.CacheSubnetGroupName, 255).toLowerCase();
      if (name === 'default') throw invalidParameterValue('The subnet group name "default" is reserved.');
      if (!input.CacheSubnetGroupDescription) {
        throw invalidParameterValue('The parameter CacheSubnetGroupDescription must be provided.');
      }
      if (store.subnetGroups.has(name)) {
        throw elastiCacheError(
          'CacheSubnetGroupAlreadyExistsFault',
          `Cache subnet group ${name} already exists.`,
        );
      }
      const tags = checkedTags(input.Tags);
      const group: CacheSubnetGroupRecord = {
        name,
        description: input.CacheSubnetGroupDescription,
        ...resolveSubnets(store, input.SubnetIds),
        tags,
      };
      store.subnetGroups.set(name, group);
      return { CacheSubnetGroup: describeSubnetGroup(store, group) };
    },

    DescribeCacheSubnetGroups(
      input: DescribeCacheSubnetGroupsCommandInput,
    ): Result<DescribeCacheSubnetGroupsCommandOutput> {
      const groups = input.CacheSubnetGroupName
        ? [store.subnetGroup(input.CacheSubnetGroupName)]
        : [...store.subnetGroups.values()];
      const { page: shown, marker } = page(groups, input);
      return { CacheSubnetGroups: shown.map((g) => describeSubnetGroup(store, g)), Marker: marker };
    },

    /** Refused while a replication group (even one being deleted) still uses it. */
    DeleteCacheSubnetGroup(
      input: DeleteCacheSubnetGroupCommandInput,
    ): Result<DeleteCacheSubnetGroupCommandOutput> {
      const group = store.subnetGroup(input.CacheSubnetGroupName);
      const user = [...store.replicationGroups.values()].find((g) => g.subnetGroupName === group.name);
      if (user) {
        throw elastiCacheError(
          'CacheSubnetGroupInUse',
          `Cache subnet group ${group.name} is currently in use by a cache cluster (${user.id}).`,
        );
      }
      store.subnetGroups.delete(group.name);
      return {};
    },
  };
}
