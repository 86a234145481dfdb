/** Tags as the fake stores them: key -> value, in insertion order. */
export type TagMap = Record<string, string>;

/** The `{ Key, Value }` shape every SDK uses for a tag. */
export interface KeyValueTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** AWS allows at most 50 user tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

export function toTagList(tags: TagMap): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function toTagMap(list: readonly KeyValueTag[] | undefined): TagMap {
  const tags: TagMap = {};
  for (const tag of list ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
  return tags;
}

/** What is wrong with these tags by AWS's common rules, or undefined when they are fine. */
export function tagProblem(tags: TagMap): string | undefined {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > 128) return `Tag key '${key}' must be 1 to 128 characters long`;
    if (key.toLowerCase().startsWith('aws:')) {
      return `Tag keys starting with 'aws:' are reserved for internal use (key '${key}')`;
    }
    if (value.length > 256) return `Tag value for key '${key}' must be at most 256 characters long`;
  }
  return undefined;
}
