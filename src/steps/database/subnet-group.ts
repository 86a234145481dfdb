/**
 * The DB subnet group over the private subnets, as a ResourceSpec. RDS subnet groups have no tag
 * filter and no ClientToken, and their name is unique in the account and region, so the name
 * `<deployment>-db` is how one is found; its tags (ListTagsForResource) say whether it is ours.
 */
import {
  CreateDBSubnetGroupCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-rds';
import type { DBSubnetGroup, Tag } from '@aws-sdk/client-rds';
import { AwsErrorCode, awsDelete, awsFind, failedWith, translateAwsError } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { DatabaseCtx } from './instance.js';
import { carriesRoleTags } from './instance.js';
import type { DatabaseLayout } from './layout.js';
import { DB_SUBNET_GROUP_TYPE, SUBNET_GROUP_ROLE, subnetGroupDetails } from './layout.js';

export interface LiveSubnetGroup {
  group: DBSubnetGroup;
  tags: Tag[];
}

export type SubnetGroupSpec = CreatableSpec<LiveSubnetGroup> & DeletableSpec<LiveSubnetGroup>;

/** Bound for a subnet group to be released by an instance that was just deleted. */
const SUBNET_GROUP_RELEASE_SECONDS = 300;

export function subnetGroupSpec(
  ctx: DatabaseCtx,
  layout: DatabaseLayout,
  privateSubnetIds: () => string[],
): SubnetGroupSpec {
  const name = layout.subnetGroupName;
  const label = 'DB subnet group';
  const find = (groupName: string) => findSubnetGroup(ctx, groupName);
  return {
    role: SUBNET_GROUP_ROLE,
    type: DB_SUBNET_GROUP_TYPE,
    label,
    details: subnetGroupDetails(layout),
    idOf: (g) => g.group.DBSubnetGroupName!,
    tagsOf: (g) => g.tags,
    attributes: (g) => ({ vpcId: g.group.VpcId ?? null }),
    findById: find,
    findByTags: async () => {
      const found = await find(name);
      return found && carriesRoleTags(ctx, SUBNET_GROUP_ROLE, found.tags) ? [found] : [];
    },
    create: () => createSubnetGroup(ctx, layout, privateSubnetIds(), find),
    delete: (g) =>
      retryWhile(
        ctx,
        {
          what: `DB subnet group ${g.group.DBSubnetGroupName} to be released by its deleted instance`,
          resourceId: g.group.DBSubnetGroupName!,
          maxWaitSeconds: SUBNET_GROUP_RELEASE_SECONDS,
        },
        (error) => failedWith(error, AwsErrorCode.invalidDbSubnetGroupState),
        () =>
          awsDelete(
            'deleting RDS DB subnet group',
            () =>
              ctx.aws.rds.send(
                new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: g.group.DBSubnetGroupName! }),
              ),
            g.group.DBSubnetGroupName!,
          ),
      ),
  };
}

async function findSubnetGroup(ctx: DatabaseCtx, name: string): Promise<LiveSubnetGroup | undefined> {
  const group = await awsFind(
    'describing RDS DB subnet group',
    async () =>
      (await ctx.aws.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name })))
        .DBSubnetGroups?.[0],
    name,
  );
  if (!group) return undefined;
  const tags = await awsFind(
    'reading the tags of RDS DB subnet group',
    async () =>
      (await ctx.aws.rds.send(new ListTagsForResourceCommand({ ResourceName: group.DBSubnetGroupArn! })))
        .TagList ?? [],
    name,
  );
  return tags === undefined ? undefined : { group, tags };
}

async function createSubnetGroup(
  ctx: DatabaseCtx,
  layout: DatabaseLayout,
  subnetIds: string[],
  find: (name: string) => Promise<LiveSubnetGroup | undefined>,
): Promise<LiveSubnetGroup> {
  const name = layout.subnetGroupName;
  const tags = ctx.tags(SUBNET_GROUP_ROLE);
  try {
    const out = await ctx.aws.rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: name,
        DBSubnetGroupDescription: layout.subnetGroupDescription,
        SubnetIds: subnetIds,
        Tags: tags,
      }),
    );
    return { group: out.DBSubnetGroup!, tags };
  } catch (error) {
    if (!failedWith(error, AwsErrorCode.dbSubnetGroupAlreadyExists))
      throw translateAwsError(
        `creating RDS DB subnet group ${name} over ${subnetIds.join(', ')}`,
        error,
        name,
      );
    // Only reached when the group was not found with our tags just before: someone else's group.
    const holder = await find(name);
    if (holder && carriesRoleTags(ctx, SUBNET_GROUP_ROLE, holder.tags)) return holder;
    throw new ProvisioningError(
      `A DB subnet group named ${name} already exists but does not carry this deployment's tags for ${SUBNET_GROUP_ROLE}`,
      {
        code: 'NAME_TAKEN',
        awsCode: AwsErrorCode.dbSubnetGroupAlreadyExists,
        resourceId: name,
        hint: `Delete that subnet group, or tag it gitlab-ha:deployment=${ctx.config.name} and gitlab-ha:resource=${ctx.step}/${SUBNET_GROUP_ROLE} to adopt it, and run again.`,
        cause: error,
      },
    );
  }
}

/** What differs between a live subnet group and the deployment's VPC and private subnets. */
export function subnetGroupDrift(group: DBSubnetGroup, vpcId: string, privateSubnetIds: string[]): string[] {
  const name = group.DBSubnetGroupName;
  if (group.VpcId !== vpcId)
    return [`DB subnet group ${name} is in ${group.VpcId ?? 'no VPC'}, not the deployment's VPC ${vpcId}`];
  const live = new Set((group.Subnets ?? []).map((s) => s.SubnetIdentifier));
  const missing = privateSubnetIds.filter((id) => !live.has(id));
  const extra = [...live].filter((id) => id !== undefined && !privateSubnetIds.includes(id));
  return [
    ...(missing.length > 0 ? [`DB subnet group ${name} lacks private subnet(s) ${missing.join(', ')}`] : []),
    ...(extra.length > 0
      ? [
          `DB subnet group ${name} has subnet(s) ${extra.join(', ')} that are not the deployment's private subnets`,
        ]
      : []),
  ];
}
