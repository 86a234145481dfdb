import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  ResourceType,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { MAX_TAGS_PER_RESOURCE, tagProblem, toTagMap, type TagMap } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue } from './errors.js';
import type { Ec2Store } from './store.js';

/**
 * The tags a create call's TagSpecifications put on the new resource. Like EC2, a specification for
 * another resource type is rejected rather than ignored.
 */
export function tagsFromSpecifications(
  specifications: readonly TagSpecification[] | undefined,
  resourceType: ResourceType,
): TagMap {
  const tags: TagMap = {};
  for (const specification of specifications ?? []) {
    if (specification.ResourceType !== resourceType) {
      throw invalidParameterValue(
        `'${specification.ResourceType ?? ''}' is not a valid taggable resource type for this operation (expected '${resourceType}').`,
      );
    }
    Object.assign(tags, toTagMap(specification.Tags));
  }
  checkTags(tags);
  return tags;
}

function checkTags(tags: TagMap): void {
  const problem = tagProblem(tags);
  if (problem) throw invalidParameterValue(problem);
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
    throw ec2Error(
      'TagLimitExceeded',
      `The maximum number of tags per resource (${MAX_TAGS_PER_RESOURCE}) was exceeded`,
    );
  }
}

type TaggedEntry = ReturnType<Ec2Store['taggableResources']>[number] & { key: string; value: string };

const tagFilters: FilterSpec<TaggedEntry> = {
  fields: {
    'resource-id': (t) => t.id,
    'resource-type': (t) => t.resourceType,
    key: (t) => t.key,
    value: (t) => t.value,
  },
  tags: (t) => t.tags,
};

export function tagHandlers(store: Ec2Store) {
  return {
    CreateTags(input: CreateTagsCommandInput): Result<CreateTagsCommandOutput> {
      const records = (input.Resources ?? []).map((id) => store.taggable(id));
      const added = toTagMap(input.Tags);
      for (const record of records) checkTags({ ...record.tags, ...added });
      for (const record of records) Object.assign(record.tags, added);
      return {};
    },

    DeleteTags(input: DeleteTagsCommandInput): Result<DeleteTagsCommandOutput> {
      for (const id of input.Resources ?? []) {
        const record = store.taggable(id);
        // Without Tags, every tag goes; with a Value, only a tag with that value goes.
        for (const tag of input.Tags ?? Object.keys(record.tags).map((Key) => ({ Key, Value: undefined }))) {
          const key = tag.Key ?? '';
          if (tag.Value === undefined || record.tags[key] === tag.Value) delete record.tags[key];
        }
      }
      return {};
    },

    DescribeTags(input: DescribeTagsCommandInput): Result<DescribeTagsCommandOutput> {
      const entries = store
        .taggableResources()
        .filter((r) => !r.deleted)
        .flatMap((r) => Object.entries(r.tags).map(([key, value]) => ({ ...r, key, value })));
      const selected = select({ all: () => entries, filters: input.Filters, spec: tagFilters });
      const { page: tags, nextToken } = page(selected, input);
      return {
        Tags: tags.map((t) => ({
          ResourceId: t.id,
          ResourceType: t.resourceType as ResourceType,
          Key: t.key,
          Value: t.value,
        })),
        NextToken: nextToken,
      };
    },
  };
}
