/**
 * Finding ElastiCache resources by their tags. ElastiCache's Describe calls cannot filter by tag, so
 * the Resource Groups Tagging API answers "which replication groups carry this role's tags"; it lags
 * a little behind creates, which the create calls cover (the name is unique, see ownership.ts).
 */
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Tag } from '@aws-sdk/client-elasticache';
import { awsCall } from '../../aws/errors.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue } from '../../aws/tags.js';
import type { StepContext } from '../../engine/step.js';

export type TaggedCtx = Pick<StepContext, 'aws' | 'config' | 'step'>;

/** ElastiCache's ARN resource types: `arn:aws:elasticache:<region>:<account>:<kind>:<name>`. */
export type ElastiCacheKind = 'replicationgroup' | 'subnetgroup';

export interface TaggedResource {
  /** The name (or id) at the end of the ARN. */
  name: string;
  tags: Tag[];
}

export function nameFromArn(arn: string, kind: ElastiCacheKind): string | undefined {
  const marker = `:${kind}:`;
  const at = arn.indexOf(marker);
  return at < 0 ? undefined : arn.slice(at + marker.length);
}

/** Resources of one kind tagged for this deployment's role in this step. */
export async function findTagged(
  ctx: TaggedCtx,
  kind: ElastiCacheKind,
  role: string,
  label: string,
): Promise<TaggedResource[]> {
  const found: TaggedResource[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(`finding ElastiCache ${label} by tags`, () =>
      ctx.aws.tagging.send(
        new GetResourcesCommand({
          TagFilters: [
            { Key: TAG_DEPLOYMENT, Values: [ctx.config.name] },
            { Key: TAG_RESOURCE, Values: [resourceTagValue(ctx.step, role)] },
          ],
          ResourceTypeFilters: [`elasticache:${kind}`],
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const name = mapping.ResourceARN ? nameFromArn(mapping.ResourceARN, kind) : undefined;
      if (name) found.push({ name, tags: (mapping.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })) });
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return found;
}
