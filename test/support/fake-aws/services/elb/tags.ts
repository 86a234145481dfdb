import type {
  AddTagsCommandInput,
  AddTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  RemoveTagsCommandInput,
  RemoveTagsCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Result } from '../../core/service.js';
import {
  MAX_TAGS_PER_RESOURCE,
  tagProblem,
  toTagList,
  type KeyValueTag,
  type TagMap,
} from '../../core/tags.js';
import { elbError, validationError } from './errors.js';
import type { ElbStore } from './store.js';

/** DescribeTags takes at most 20 load balancers, AddTags and RemoveTags exactly one. */
const DESCRIBE_TAGS_MAX = 20;

/** Tags of a request, checked by AWS's rules (no key twice, valid keys and values). */
export function checkedTags(list: readonly KeyValueTag[] | undefined): TagMap {
  const tags: TagMap = {};
  for (const tag of list ?? []) {
    const key = tag.Key ?? '';
    if (key in tags) throw elbError('DuplicateTagKeys', `Tag key '${key}' was given more than once`);
    tags[key] = tag.Value ?? '';
  }
  const problem = tagProblem(tags);
  if (problem) throw validationError(problem);
  return tags;
}

/** Tags after adding some, within AWS's limit. */
export function mergeTags(current: TagMap, added: TagMap): TagMap {
  const merged = { ...current, ...added };
  if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE) {
    throw elbError('TooManyTags', `A load balancer can have at most ${MAX_TAGS_PER_RESOURCE} tags`);
  }
  return merged;
}

function exactlyOne(names: readonly string[] | undefined): string {
  if (names?.length !== 1) throw validationError('Exactly one LoadBalancerName must be given');
  return names[0]!;
}

export function tagHandlers(store: ElbStore) {
  return {
    AddTags(input: AddTagsCommandInput): Result<AddTagsCommandOutput> {
      const lb = store.loadBalancer(exactlyOne(input.LoadBalancerNames));
      lb.tags = mergeTags(lb.tags, checkedTags(input.Tags));
      return {};
    },

    DescribeTags(input: DescribeTagsCommandInput): Result<DescribeTagsCommandOutput> {
      const names = input.LoadBalancerNames ?? [];
      if (names.length === 0 || names.length > DESCRIBE_TAGS_MAX)
        throw validationError(`Give 1 to ${DESCRIBE_TAGS_MAX} LoadBalancerNames`);
      return {
        TagDescriptions: names.map((name) => ({
          LoadBalancerName: name,
          Tags: toTagList(store.loadBalancer(name).tags),
        })),
      };
    },

    RemoveTags(input: RemoveTagsCommandInput): Result<RemoveTagsCommandOutput> {
      const lb = store.loadBalancer(exactlyOne(input.LoadBalancerNames));
      const tags = { ...lb.tags };
      for (const tag of input.Tags ?? []) delete tags[tag.Key ?? ''];
      lb.tags = tags;
      return {};
    },
  };
}
