/**
 * A security group as a ResourceSpec: found by id or by its role tags, created tagged in the create
 * call, deleted once nothing uses it any more. Its rules are converged separately (rules.ts).
 */
import {
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import {
  AwsErrorCode,
  awsCall,
  awsDelete,
  awsFind,
  failedWith,
  isAwsError,
  translateAwsError,
} from '../../aws/errors.js';
import { ec2TagFilters } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { SecurityGroupLayout } from './layout.js';

export type SecurityCtx = Pick<
  StepContext,
  'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'
>;
export type SecurityGroupSpec = CreatableSpec<SecurityGroup> & DeletableSpec<SecurityGroup>;

export const SECURITY_GROUP_TYPE = 'ec2:security-group';

/**
 * Bound, in seconds, for a group to become deletable: network interfaces of just-terminated
 * instances and of a just-deleted load balancer keep using the group for several minutes.
 */
export const SECURITY_GROUP_RELEASE_SECONDS = 900;

export function securityGroupSpec(
  ctx: SecurityCtx,
  group: SecurityGroupLayout,
  vpcId: () => string,
): SecurityGroupSpec {
  const { ec2 } = ctx.aws;
  const label = `security group ${group.role}`;
  return {
    role: group.role,
    type: SECURITY_GROUP_TYPE,
    label,
    details: { name: group.groupName },
    idOf: (g) => g.GroupId!,
    tagsOf: (g) => g.Tags,
    attributes: (g) => ({ groupName: g.GroupName ?? group.groupName, vpcId: g.VpcId ?? null }),
    findById: (id) =>
      awsFind(
        'describing EC2 security group',
        async () =>
          (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding EC2 ${label} by tags`, () =>
          ec2.send(
            new DescribeSecurityGroupsCommand({
              Filters: ec2TagFilters(ctx.config.name, ctx.step, group.role),
            }),
          ),
        )
      ).SecurityGroups ?? [],
    create: () => createGroup(ctx, group, vpcId()),
    delete: (g) => {
      const id = g.GroupId!;
      return retryWhile(
        ctx,
        {
          what: `${label} ${id} to be released by the network interfaces that use it`,
          resourceId: id,
          maxWaitSeconds: SECURITY_GROUP_RELEASE_SECONDS,
        },
        (error) => failedWith(error, AwsErrorCode.dependencyViolation),
        () =>
          awsDelete(
            'deleting EC2 security group',
            () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })),
            id,
          ),
      );
    },
  };
}

async function createGroup(
  ctx: SecurityCtx,
  group: SecurityGroupLayout,
  vpcId: string,
): Promise<SecurityGroup> {
  const tags = ctx.tags(group.role);
  try {
    const out = await ctx.aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: group.groupName,
        Description: group.description,
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }],
      }),
    );
    return {
      GroupId: out.GroupId!,
      GroupName: group.groupName,
      Description: group.description,
      VpcId: vpcId,
      Tags: tags,
    };
  } catch (error) {
    // No ClientToken exists for security groups; the name is unique per VPC instead. A group with our
    // name but without our tags is someone else's (or had its tags removed): never take it silently.
    if (isAwsError(error, AwsErrorCode.groupDuplicate)) throw await nameTaken(ctx, group, vpcId, error);
    throw translateAwsError(`creating EC2 security group ${group.groupName} in ${vpcId}`, error);
  }
}

async function nameTaken(
  ctx: SecurityCtx,
  group: SecurityGroupLayout,
  vpcId: string,
  cause: unknown,
): Promise<ProvisioningError> {
  const holder = (
    await awsCall(`finding EC2 security group ${group.groupName} by name`, () =>
      ctx.aws.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'group-name', Values: [group.groupName] },
            { Name: 'vpc-id', Values: [vpcId] },
          ],
        }),
      ),
    )
  ).SecurityGroups?.[0]?.GroupId;
  const which = holder ? ` (${holder})` : '';
  return new ProvisioningError(
    `A security group named ${group.groupName}${which} already exists in ${vpcId} but does not carry this deployment's tags for ${group.role}`,
    {
      code: 'NAME_TAKEN',
      awsCode: AwsErrorCode.groupDuplicate,
      ...(holder ? { resourceId: holder } : {}),
      hint: `Delete that group, or tag it gitlab-ha:deployment=${ctx.config.name} and gitlab-ha:resource=${ctx.step}/${group.role} to adopt it, and run again.`,
      cause,
    },
  );
}
