/**
 * Tags are how the tool finds its resources again (design rule 1). Every resource carries the
 * deployment and its role; `created-by` tells resources this tool created from ones a user tagged
 * for adoption, so destroy can leave the latter alone.
 */
import type { Config } from '../config/schema.js';

export const TAG_DEPLOYMENT = 'gitlab-ha:deployment';
export const TAG_RESOURCE = 'gitlab-ha:resource';
export const TAG_CREATED_BY = 'gitlab-ha:created-by';
export const CREATED_BY_VALUE = 'gitlab-ha';

export interface Tag {
  Key: string;
  Value: string;
}

/** `network/vpc`, `security/sg/app`: the value of the resource tag for a step's role. */
export function resourceTagValue(step: string, role: string): string {
  return `${step}/${role}`;
}

export function deploymentTags(config: Pick<Config, 'name' | 'tags'>, step: string, role: string): Tag[] {
  const extra = Object.entries(config.tags).map(([Key, Value]) => ({ Key, Value }));
  return [
    ...extra,
    { Key: 'Name', Value: `${config.name}-${role.replaceAll('/', '-')}` },
    { Key: TAG_DEPLOYMENT, Value: config.name },
    { Key: TAG_RESOURCE, Value: resourceTagValue(step, role) },
    { Key: TAG_CREATED_BY, Value: CREATED_BY_VALUE },
  ];
}

/** EC2 Describe* filters that select exactly one role of one deployment. */
export function ec2TagFilters(
  deployment: string,
  step: string,
  role?: string,
): { Name: string; Values: string[] }[] {
  const filters = [{ Name: `tag:${TAG_DEPLOYMENT}`, Values: [deployment] }];
  if (role !== undefined)
    filters.push({ Name: `tag:${TAG_RESOURCE}`, Values: [resourceTagValue(step, role)] });
  return filters;
}

export function tagValue(
  tags: { Key?: string; Value?: string }[] | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Whether a resource found by tags was created by this tool (as opposed to tagged for adoption by a user). */
export function createdByTool(tags: { Key?: string; Value?: string }[] | undefined): boolean {
  return tagValue(tags, TAG_CREATED_BY) === CREATED_BY_VALUE;
}
