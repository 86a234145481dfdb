/**
 * The Redis replication group `<name>-redis` as a ResourceSpec, and its bounded waits: until it is
 * available after a create, and until it is gone after a delete (with an optional final snapshot).
 */
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  waitUntilReplicationGroupDeleted,
} from '@aws-sdk/client-elasticache';
import type { ReplicationGroup, Tag } from '@aws-sdk/client-elasticache';
import { AwsErrorCode, awsDelete, awsFind, failedWith, translateAwsError } from '../../aws/errors.js';
import { exactlyOneOrNone } from '../../aws/find.js';
import { pollUntil, retryWhile, waitWithSdk } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec } from '../resource.js';
import type { RedisLayout, ReplicationGroupWiring } from './layout.js';
import { ROLES, TYPES, createReplicationGroupInput, replicationGroupDetails } from './layout.js';
import { madeByUsFor, nameTaken, tagsOfArn } from './ownership.js';
import type { RedisCtx } from './subnet-group.js';
import { findTagged } from './tagged.js';

export interface LiveReplicationGroup {
  group: ReplicationGroup;
  /** Known when found by tags or read after a name clash; state's origin covers the rest. */
  tags: Tag[] | undefined;
}

export type ReplicationGroupSpec = CreatableSpec<LiveReplicationGroup>;

/** Bounds in seconds: creating a Multi-AZ group takes 10-15 minutes; a final snapshot adds to a delete. */
export const REDIS_WAITS = { available: 1200, deleted: 1800 } as const;

/** Statuses in which the group is being set up or changed: AWS refuses a delete until it settles. */
const SETTLING = new Set(['creating', 'modifying', 'snapshotting']);

/** Statuses in which the group serves clients at its endpoints. */
export const SERVING = new Set(['available', 'modifying', 'snapshotting']);

/** Polls a just-created group may still be invisible for (eventual consistency, design rule 5). */
const NEW_GROUP_MISSES = 3;

const LABEL = 'replication group';

function statusOf(group: ReplicationGroup): string {
  return group.Status ?? 'unknown';
}

/** The group with this id in any status, deleting included; undefined once it is gone. */
export async function describeReplicationGroup(
  ctx: RedisCtx,
  id: string,
): Promise<ReplicationGroup | undefined> {
  return awsFind(
    `describing ElastiCache ${LABEL}`,
    async () =>
      (await ctx.aws.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id })))
        .ReplicationGroups?.[0],
    id,
  );
}

/** Groups tagged for this deployment's role, deleting ones included. */
async function describeTagged(ctx: RedisCtx): Promise<LiveReplicationGroup[]> {
  const tagged = await findTagged(ctx, 'replicationgroup', ROLES.replicationGroup, LABEL);
  const found = await Promise.all(
    tagged.map(async ({ name, tags }) => {
      const group = await describeReplicationGroup(ctx, name);
      return group ? [{ group, tags }] : [];
    }),
  );
  return found.flat();
}

export function replicationGroupSpec(
  ctx: RedisCtx,
  layout: RedisLayout,
  wiring: () => Promise<Omit<ReplicationGroupWiring, 'tags'>>,
): ReplicationGroupSpec {
  return {
    role: ROLES.replicationGroup,
    type: TYPES.replicationGroup,
    label: LABEL,
    details: replicationGroupDetails(layout),
    idOf: (live) => live.group.ReplicationGroupId!,
    tagsOf: (live) => live.tags,
    attributes: (live) => ({ arn: live.group.ARN ?? null }),
    findById: async (id) => {
      const group = await describeReplicationGroup(ctx, id);
      return group && statusOf(group) !== 'deleting' ? { group, tags: undefined } : undefined;
    },
    findByTags: async () => (await describeTagged(ctx)).filter((live) => statusOf(live.group) !== 'deleting'),
    create: async () =>
      createReplicationGroup(ctx, layout, { ...(await wiring()), tags: ctx.tags(ROLES.replicationGroup) }),
  };
}

async function createReplicationGroup(
  ctx: RedisCtx,
  layout: RedisLayout,
  wiring: ReplicationGroupWiring,
): Promise<LiveReplicationGroup> {
  const id = layout.replicationGroupId;
  try {
    const out = await ctx.aws.elasticache.send(
      new CreateReplicationGroupCommand(createReplicationGroupInput(layout, wiring)),
    );
    return { group: out.ReplicationGroup!, tags: wiring.tags };
  } catch (error) {
    // No ClientToken here: the id is the idempotency key.
    const code = AwsErrorCode.replicationGroupAlreadyExists;
    if (!failedWith(error, code, `${code}Fault`)) {
      throw translateAwsError(`creating ElastiCache ${LABEL}`, error, id);
    }
    return claimReplicationGroup(ctx, id, error);
  }
}

/** The group under our id, when a crashed run made it; else the id is someone else's. */
async function claimReplicationGroup(
  ctx: RedisCtx,
  id: string,
  cause: unknown,
): Promise<LiveReplicationGroup> {
  const group = await describeReplicationGroup(ctx, id);
  if (!group) throw translateAwsError(`creating ElastiCache ${LABEL}`, cause, id);
  // ListTagsForResource answers only for an available group, so a creating one is waited for first.
  const settled = await waitAvailable(ctx, group);
  const tags = await tagsOfArn(ctx, settled.ARN!, LABEL, id);
  if (!madeByUsFor(ctx, ROLES.replicationGroup, tags)) {
    throw nameTaken(
      ctx,
      ROLES.replicationGroup,
      LABEL,
      id,
      AwsErrorCode.replicationGroupAlreadyExists,
      cause,
    );
  }
  ctx.events.debug('note', `${LABEL} ${id} was made by an earlier run that stopped before recording it`, {
    type: TYPES.replicationGroup,
    role: ROLES.replicationGroup,
    id,
  });
  return { group: settled, tags };
}

/**
 * Polls until the group leaves creating/modifying/snapshotting. Undefined when it is gone (after
 * `misses` polls that did not find it). Polled rather than waited for with the SDK's
 * waitUntilReplicationGroupAvailable: that waiter knows no `create-failed` and would sit out the
 * whole bound (20 minutes) on a group that will never become available.
 */
async function pollUntilSettled(
  ctx: RedisCtx,
  id: string,
  what: string,
  misses: number,
): Promise<ReplicationGroup | undefined> {
  let missed = 0;
  return pollUntil<ReplicationGroup | undefined>(
    ctx,
    { what, resourceId: id, maxWaitSeconds: REDIS_WAITS.available },
    async () => {
      const group = await describeReplicationGroup(ctx, id);
      if (!group) {
        missed += 1;
        return missed > misses ? { done: true, value: undefined } : { done: false, state: 'not visible yet' };
      }
      if (SETTLING.has(statusOf(group))) return { done: false, state: statusOf(group) };
      return { done: true, value: group };
    },
  );
}

/** Waits (when it must) until the group is available; a failed, deleting or vanished group is an error. */
export async function waitAvailable(ctx: RedisCtx, group: ReplicationGroup): Promise<ReplicationGroup> {
  const id = group.ReplicationGroupId!;
  const settled = SETTLING.has(statusOf(group))
    ? await pollUntilSettled(ctx, id, `ElastiCache ${LABEL} ${id} to become available`, NEW_GROUP_MISSES)
    : group;
  if (!settled) {
    throw new ProvisioningError(`ElastiCache ${LABEL} ${id} disappeared while gitlab-ha waited for it`, {
      code: 'RESOURCE_GONE',
      resourceId: id,
      hint: 'Run the same command again: it creates the group anew.',
    });
  }
  const status = statusOf(settled);
  if (status === 'available') return settled;
  if (status === 'deleting') {
    throw new ProvisioningError(`ElastiCache ${LABEL} ${id} is being deleted`, {
      code: 'RESOURCE_BEING_DELETED',
      resourceId: id,
      hint: 'Wait until it is gone (a few minutes), then run the same command again to create it anew.',
    });
  }
  throw new ProvisioningError(`ElastiCache ${LABEL} ${id} is ${status}, not available`, {
    code: 'CREATE_FAILED',
    resourceId: id,
    hint: `See why with \`aws elasticache describe-events --source-type replication-group --source-identifier ${id}\`, delete it (\`aws elasticache delete-replication-group --replication-group-id ${id}\`), then run the same command again.`,
  });
}

/** The engine version the nodes run (`7.1.0`); DescribeReplicationGroups does not report it. */
export async function engineVersionOf(ctx: RedisCtx, group: ReplicationGroup): Promise<string | undefined> {
  const member = group.MemberClusters?.[0];
  if (!member) return undefined;
  const cluster = await awsFind(
    'describing ElastiCache cache cluster',
    async () =>
      (await ctx.aws.elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: member })))
        .CacheClusters?.[0],
    member,
  );
  return cluster?.EngineVersion;
}

/** The live group of the role for destroy: the recorded one, else the tagged one, deleting included. */
export async function findForDestroy(ctx: StepContext): Promise<LiveReplicationGroup | undefined> {
  const recorded = ctx.recorded(ROLES.replicationGroup);
  if (recorded) {
    const group = await describeReplicationGroup(ctx, recorded.id);
    if (group) return { group, tags: undefined };
  }
  return exactlyOneOrNone(
    `ElastiCache ${LABEL}`,
    await describeTagged(ctx),
    (live) => live.group.ReplicationGroupId!,
  );
}

/**
 * Deletes the group (its primary too: RetainPrimaryCluster false), with a final snapshot when one is
 * named (reported as kept: destroy leaves it on purpose), and waits until it is gone. A group already
 * deleting is only waited for.
 */
export async function deleteReplicationGroup(
  ctx: RedisCtx,
  group: ReplicationGroup,
  finalSnapshot: string | undefined,
): Promise<void> {
  const id = group.ReplicationGroupId!;
  let current: ReplicationGroup | undefined = group;
  if (SETTLING.has(statusOf(current))) {
    current = await pollUntilSettled(ctx, id, `ElastiCache ${LABEL} ${id} to settle before it is deleted`, 0);
  }
  if (current && statusOf(current) !== 'deleting') {
    // A group that failed to create holds no data to snapshot.
    const snapshot = statusOf(current) === 'available' ? finalSnapshot : undefined;
    await retryWhile(
      ctx,
      {
        what: `ElastiCache ${LABEL} ${id} to accept its deletion`,
        resourceId: id,
        maxWaitSeconds: REDIS_WAITS.available,
      },
      (error) =>
        failedWith(
          error,
          AwsErrorCode.invalidReplicationGroupState,
          `${AwsErrorCode.invalidReplicationGroupState}Fault`,
        ),
      () =>
        awsDelete(
          `deleting ElastiCache ${LABEL}`,
          async () => {
            await ctx.aws.elasticache.send(
              new DeleteReplicationGroupCommand({
                ReplicationGroupId: id,
                RetainPrimaryCluster: false,
                ...(snapshot ? { FinalSnapshotIdentifier: snapshot } : {}),
              }),
            );
            if (snapshot) {
              ctx.events.info('resource.keep', `kept final snapshot ${snapshot} of ${LABEL} ${id}`, {
                type: TYPES.snapshot,
                role: 'final-snapshot',
                id: snapshot,
              });
            }
          },
          id,
        ),
    );
  }
  await waitWithSdk(
    ctx,
    ctx.aws.elasticache,
    { what: `ElastiCache ${LABEL} ${id} to be deleted`, resourceId: id, maxWaitSeconds: REDIS_WAITS.deleted },
    (config) => waitUntilReplicationGroupDeleted(config, { ReplicationGroupId: id }),
  );
}
