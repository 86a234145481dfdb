/**
 * The cache subnet group `<name>-redis` over the private subnets, as a ResourceSpec: found by name
 * or by its role tags, created tagged, deleted once no replication group uses it any more.
 */
import {
  CreateCacheSubnetGroupCommand,
  DeleteCacheSubnetGroupCommand,
  DescribeCacheSubnetGroupsCommand,
} from '@aws-sdk/client-elasticache';
import type { CacheSubnetGroup, Tag } from '@aws-sdk/client-elasticache';
import {
  AwsErrorCode,
  awsCall,
  awsDelete,
  awsFind,
  failedWith,
  translateAwsError,
} from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { RedisLayout } from './layout.js';
import { ROLES, TYPES, subnetGroupDetails } from './layout.js';
import { madeByUsFor, nameTaken, tagsOfArn } from './ownership.js';
import { findTagged } from './tagged.js';

export type RedisCtx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'>;

export interface LiveSubnetGroup {
  group: CacheSubnetGroup;
  /** Known when found by tags or read after a name clash; state's origin covers the rest. */
  tags: Tag[] | undefined;
}

export type SubnetGroupSpec = CreatableSpec<LiveSubnetGroup> & DeletableSpec<LiveSubnetGroup>;

/**
 * Bound, in seconds, for a subnet group to be released: AWS answers CacheSubnetGroupInUse for a
 * little while after the replication group that used it is gone.
 */
export const SUBNET_GROUP_RELEASE_SECONDS = 300;

const LABEL = 'cache subnet group';

export function subnetIdsOf(group: CacheSubnetGroup): string[] {
  return (group.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : []));
}

/** Why the group's subnets are not the deployment's private subnets, or undefined when they are. */
export function subnetDrift(
  group: CacheSubnetGroup,
  privateSubnetIds: readonly string[],
): string | undefined {
  const live = subnetIdsOf(group).sort();
  const wanted = [...privateSubnetIds].sort();
  if (live.join(',') === wanted.join(',')) return undefined;
  return `${LABEL} ${group.CacheSubnetGroupName} spans ${live.join(', ') || 'no subnets'}, not the private subnets ${wanted.join(', ')}`;
}

async function describeSubnetGroup(ctx: RedisCtx, name: string): Promise<CacheSubnetGroup | undefined> {
  return awsFind(
    `describing ElastiCache ${LABEL}`,
    async () =>
      (await ctx.aws.elasticache.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name })))
        .CacheSubnetGroups?.[0],
    name,
  );
}

export function subnetGroupSpec(
  ctx: RedisCtx,
  layout: RedisLayout,
  privateSubnetIds: () => string[],
  zones: readonly string[],
): SubnetGroupSpec {
  const role = ROLES.subnetGroup;
  return {
    role,
    type: TYPES.subnetGroup,
    label: LABEL,
    details: subnetGroupDetails(layout, zones),
    idOf: (live) => live.group.CacheSubnetGroupName!,
    tagsOf: (live) => live.tags,
    attributes: (live) => ({ vpcId: live.group.VpcId ?? null, subnetIds: subnetIdsOf(live.group) }),
    findById: async (name) => {
      const group = await describeSubnetGroup(ctx, name);
      return group ? { group, tags: undefined } : undefined;
    },
    findByTags: async () => {
      const tagged = await findTagged(ctx, 'subnetgroup', role, LABEL);
      const found = await Promise.all(
        tagged.map(async ({ name, tags }) => {
          const group = await describeSubnetGroup(ctx, name);
          return group ? [{ group, tags }] : [];
        }),
      );
      return found.flat();
    },
    create: () => createSubnetGroup(ctx, layout, privateSubnetIds()),
    delete: (live) => {
      const name = live.group.CacheSubnetGroupName!;
      return retryWhile(
        ctx,
        {
          what: `${LABEL} ${name} to be released by the replication group that used it`,
          resourceId: name,
          maxWaitSeconds: SUBNET_GROUP_RELEASE_SECONDS,
        },
        (error) => failedWith(error, AwsErrorCode.cacheSubnetGroupInUse),
        () =>
          awsDelete(
            `deleting ElastiCache ${LABEL}`,
            () => ctx.aws.elasticache.send(new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: name })),
            name,
          ),
      );
    },
  };
}

async function createSubnetGroup(
  ctx: RedisCtx,
  layout: RedisLayout,
  subnetIds: string[],
): Promise<LiveSubnetGroup> {
  const name = layout.subnetGroupName;
  const tags = ctx.tags(ROLES.subnetGroup);
  try {
    const out = await ctx.aws.elasticache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: layout.subnetGroupDescription,
        SubnetIds: subnetIds,
        Tags: tags,
      }),
    );
    return { group: out.CacheSubnetGroup!, tags };
  } catch (error) {
    const code = AwsErrorCode.cacheSubnetGroupAlreadyExists;
    if (!failedWith(error, code, `${code}Fault`))
      throw translateAwsError(`creating ElastiCache ${LABEL}`, error, name);
    return claimSubnetGroup(ctx, name, error);
  }
}

/** The group under our name, when a crashed run made it; else the name is someone else's. */
async function claimSubnetGroup(ctx: RedisCtx, name: string, cause: unknown): Promise<LiveSubnetGroup> {
  const group = await awsCall(
    `describing ElastiCache ${LABEL}`,
    async () =>
      (await ctx.aws.elasticache.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name })))
        .CacheSubnetGroups?.[0],
    name,
  );
  const tags = group?.ARN ? await tagsOfArn(ctx, group.ARN, LABEL, name) : undefined;
  if (!group || !madeByUsFor(ctx, ROLES.subnetGroup, tags)) {
    throw nameTaken(ctx, ROLES.subnetGroup, LABEL, name, AwsErrorCode.cacheSubnetGroupAlreadyExists, cause);
  }
  ctx.events.debug('note', `${LABEL} ${name} was made by an earlier run that stopped before recording it`, {
    type: TYPES.subnetGroup,
    role: ROLES.subnetGroup,
    id: name,
  });
  return { group, tags };
}
