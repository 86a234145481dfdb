import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-elasticache';
import type { Result } from '../../core/service.js';
import {
  MAX_TAGS_PER_RESOURCE,
  tagProblem,
  toTagList,
  toTagMap,
  type KeyValueTag,
  type TagMap,
} from '../../core/tags.js';
import { elastiCacheError, invalidParameterValue } from './errors.js';
import type { ElastiCacheArnKind, ElastiCacheStore } from './store.js';

/** Tags given to a create call, checked by AWS's rules. */
export function checkedTags(list: readonly KeyValueTag[] | undefined): TagMap {
  const tags = toTagMap(list);
  const problem = tagProblem(tags);
  if (problem) throw invalidParameterValue(problem);
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
    throw elastiCacheError(
      'TagQuotaPerResourceExceeded',
      'The request cannot be processed because it would exceed the maximum number of tags.',
    );
  }
  return tags;
}

const ARN =
  /^arn:aws:elasticache:([a-z0-9-]+):(\d{12}):(replicationgroup|subnetgroup|snapshot|cluster):(.+)$/;

/**
 * The tags of the resource an ARN names. A replication group answers only when it is available
 * (the API reference: "If the cluster is not in the available state, ListTagsForResource returns
 * an error"); a member cluster shares its group's tags.
 */
function taggable(store: ElastiCacheStore, resourceName: string | undefined): { tags: TagMap } {
  const match = ARN.exec(resourceName ?? '');
  if (!match) throw elastiCacheError('InvalidARNFault', `The ARN ${resourceName ?? ''} is not valid.`);
  const [, region, account, kind, name = ''] = match;
  if (region !== store.env.region || account !== store.env.account) {
    throw elastiCacheError(
      'InvalidARNFault',
      `The ARN ${resourceName ?? ''} is not in this account and region.`,
    );
  }
  switch (kind as ElastiCacheArnKind) {
    case 'replicationgroup': {
      const group = store.replicationGroup(name);
      if (group.state !== 'available') {
        throw elastiCacheError(
          'InvalidReplicationGroupStateFault',
          `Replication group ${group.id} is not in available state (it is ${group.state}).`,
        );
      }
      return group;
    }
    case 'cluster': {
      const group = [...store.replicationGroups.values()].find((g) => g.members.some((m) => m.id === name));
      if (!group) throw elastiCacheError('CacheClusterNotFoundFault', `CacheCluster ${name} not found.`);
      return group;
    }
    case 'subnetgroup':
      return store.subnetGroup(name);
    case 'snapshot':
      return store.snapshot(name);
  }
}

export function tagHandlers(store: ElastiCacheStore) {
  return {
    ListTagsForResource(input: ListTagsForResourceCommandInput): Result<ListTagsForResourceCommandOutput> {
      return { TagList: toTagList(taggable(store, input.ResourceName).tags) };
    },

    AddTagsToResource(input: AddTagsToResourceCommandInput): Result<AddTagsToResourceCommandOutput> {
      const resource = taggable(store, input.ResourceName);
      const merged = { ...resource.tags, ...checkedTags(input.Tags) };
      checkedTags(toTagList(merged));
      resource.tags = merged;
      return { TagList: toTagList(merged) };
    },

    RemoveTagsFromResource(
      input: RemoveTagsFromResourceCommandInput,
    ): Result<RemoveTagsFromResourceCommandOutput> {
      const resource = taggable(store, input.ResourceName);
      for (const key of input.TagKeys ?? []) {
        if (!(key in resource.tags)) throw elastiCacheError('TagNotFoundFault', `Tag ${key} not found.`);
        delete resource.tags[key];
      }
      return { TagList: toTagList(resource.tags) };
    },
  };
}
