import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-rds';
import type { Result } from '../../core/service.js';
import { MAX_TAGS_PER_RESOURCE, tagProblem, toTagList, toTagMap } from '../../core/tags.js';
import { invalidParameterValue } from './errors.js';
import type { RdsStore } from './store.js';

/** RDS tags resources by ARN (`ResourceName`): instances, subnet groups and snapshots here. */
export function tagHandlers(store: RdsStore) {
  return {
    AddTagsToResource(input: AddTagsToResourceCommandInput): Result<AddTagsToResourceCommandOutput> {
      const resource = store.taggable(input.ResourceName);
      const merged = { ...resource.tags, ...toTagMap(input.Tags) };
      const problem = tagProblem(merged);
      if (problem) throw invalidParameterValue(problem);
      if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE)
        throw invalidParameterValue(`A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags`);
      resource.tags = merged;
      return {};
    },
    RemoveTagsFromResource(
      input: RemoveTagsFromResourceCommandInput,
    ): Result<RemoveTagsFromResourceCommandOutput> {
      const resource = store.taggable(input.ResourceName);
      for (const key of input.TagKeys ?? []) delete resource.tags[key];
      return {};
    },
    ListTagsForResource(input: ListTagsForResourceCommandInput): Result<ListTagsForResourceCommandOutput> {
      return { TagList: toTagList(store.taggable(input.ResourceName).tags) };
    },
  };
}
