/**
 * ElastiCache has no ClientToken: a resource's name is its idempotency key. When a create answers
 * "already exists" (a run that died right after its create, before the Tagging API listed it), the
 * existing resource is taken over only when its own tags say this tool made it for this role;
 * anything else under our name is someone else's, and never taken silently.
 */
import { ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import type { Tag } from '@aws-sdk/client-elasticache';
import { awsCall } from '../../aws/errors.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, createdByTool, resourceTagValue, tagValue } from '../../aws/tags.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { TaggedCtx } from './tagged.js';

export async function tagsOfArn(ctx: TaggedCtx, arn: string, label: string, id: string): Promise<Tag[]> {
  const out = await awsCall(
    `reading the tags of ElastiCache ${label}`,
    () => ctx.aws.elasticache.send(new ListTagsForResourceCommand({ ResourceName: arn })),
    id,
  );
  return out.TagList ?? [];
}

/** Tagged by this tool, for this deployment and role. */
export function madeByUsFor(ctx: TaggedCtx, role: string, tags: Tag[] | undefined): boolean {
  return (
    tagValue(tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(tags, TAG_RESOURCE) === resourceTagValue(ctx.step, role) &&
    createdByTool(tags)
  );
}

/** The error for a name held by a resource that is not ours. */
export function nameTaken(
  ctx: TaggedCtx,
  role: string,
  label: string,
  name: string,
  awsCode: string,
  cause: unknown,
): ProvisioningError {
  return new ProvisioningError(
    `An ElastiCache ${label} named ${name} already exists but does not carry this deployment's tags for ${role}`,
    {
      code: 'NAME_TAKEN',
      awsCode,
      resourceId: name,
      hint: `Delete ${name}, or tag it gitlab-ha:deployment=${ctx.config.name} and gitlab-ha:resource=${resourceTagValue(ctx.step, role)} to adopt it, and run again.`,
      cause,
    },
  );
}
