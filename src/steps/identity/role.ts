/**
 * The GitLab node role: found by its name (IAM names are unique per account), created with the EC2
 * trust policy and tagged in the create call, deleted with its policies. Its policies are converged
 * in role-policies.ts.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
} from '@aws-sdk/client-iam';
import type { Role } from '@aws-sdk/client-iam';
import { AwsErrorCode, awsDelete, awsFind, failedWith, translateAwsError } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { IdentityLayout } from './layout.js';
import {
  IDENTITY_ROLES,
  IDENTITY_TYPES,
  INLINE_POLICY_NAME,
  SSM_CORE_POLICY_NAME,
  iamTags,
} from './layout.js';
import { assertOurs, ours } from './ownership.js';
import type { ForeignEntity, IamEntityRef } from './ownership.js';
import { trustPolicy } from './policies.js';
import { attachedPolicyArns, inlinePolicyNames } from './role-policies.js';

export type IdentityCtx = Pick<
  StepContext,
  'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'
>;
export type RoleSpec = CreatableSpec<Role> & DeletableSpec<Role>;

/** Bound for DeleteRole while IAM still counts a just-removed policy or profile membership. */
const ROLE_RELEASE_SECONDS = 60;

function roleRef(layout: IdentityLayout): IamEntityRef {
  return {
    kind: 'IAM role',
    name: layout.roleName,
    role: IDENTITY_ROLES.role,
    tagCommand: 'tag-role --role-name',
  };
}

export function getRole(ctx: Pick<IdentityCtx, 'aws'>, name: string): Promise<Role | undefined> {
  return awsFind(
    'reading IAM role',
    async () => (await ctx.aws.iam.send(new GetRoleCommand({ RoleName: name }))).Role,
    name,
  );
}

export function roleSpec(
  ctx: IdentityCtx,
  layout: IdentityLayout,
  foreign: ForeignEntity = 'refuse',
): RoleSpec {
  return {
    role: IDENTITY_ROLES.role,
    type: IDENTITY_TYPES.role,
    label: 'IAM role',
    details: { name: layout.roleName, trust: 'ec2.amazonaws.com' },
    idOf: (role) => role.RoleName!,
    tagsOf: (role) => role.Tags,
    attributes: (role) => ({ arn: role.Arn ?? null }),
    findById: async (name) => {
      const role = await getRole(ctx, name);
      return ours(ctx, roleRef(layout), role, role?.Tags, foreign);
    },
    // IAM names are unique per account: "by tags" is by name, then checked for our tags.
    findByTags: async () => {
      const role = await getRole(ctx, layout.roleName);
      const found = ours(ctx, roleRef(layout), role, role?.Tags, foreign);
      return found ? [found] : [];
    },
    create: () => createRole(ctx, layout),
    delete: (role) => deleteRole(ctx, role.RoleName!),
  };
}

async function createRole(ctx: IdentityCtx, layout: IdentityLayout): Promise<Role> {
  try {
    const out = await ctx.aws.iam.send(
      new CreateRoleCommand({
        RoleName: layout.roleName,
        Description: layout.description,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy()),
        Tags: iamTags(ctx, IDENTITY_ROLES.role, layout.roleName),
      }),
    );
    return out.Role!;
  } catch (error) {
    // Another run created it between our GetRole and CreateRole: take it if it is ours.
    if (!failedWith(error, AwsErrorCode.entityAlreadyExists)) {
      throw translateAwsError('creating IAM role', error, layout.roleName);
    }
    const existing = await getRole(ctx, layout.roleName);
    if (!existing) throw translateAwsError('creating IAM role', error, layout.roleName);
    assertOurs(ctx, roleRef(layout), existing.Tags);
    return existing;
  }
}

/**
 * Deletes the role: IAM refuses while policies are attached or inline, so every one goes first
 * (they mean nothing without the role; one gitlab-ha did not add is named in its event). The role
 * must already be out of every instance profile.
 */
async function deleteRole(ctx: IdentityCtx, name: string): Promise<void> {
  for (const arn of await attachedPolicyArns(ctx, name)) {
    await awsDelete(
      `detaching ${arn} from IAM role`,
      () => ctx.aws.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn })),
      name,
    );
    const policyName = arn.slice(arn.lastIndexOf('/') + 1);
    ctx.events.info(
      'resource.delete',
      `detached ${policyName} from IAM role ${name}` +
        (policyName === SSM_CORE_POLICY_NAME ? '' : ' (it was not attached by gitlab-ha)'),
      { type: IDENTITY_TYPES.managedPolicy, role: IDENTITY_ROLES.managedPolicy, id: `${name}/${policyName}` },
    );
  }
  for (const policyName of await inlinePolicyNames(ctx, name)) {
    await awsDelete(
      `deleting inline policy ${policyName} of IAM role`,
      () => ctx.aws.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
      name,
    );
    ctx.events.info(
      'resource.delete',
      `deleted inline policy ${policyName} of IAM role ${name}` +
        (policyName === INLINE_POLICY_NAME ? '' : ' (it was not put by gitlab-ha)'),
      { type: IDENTITY_TYPES.inlinePolicy, role: IDENTITY_ROLES.inlinePolicy, id: `${name}/${policyName}` },
    );
  }
  await retryWhile(
    ctx,
    {
      what: `IAM role ${name} to be deletable (IAM refuses while policies or instance profiles still hold it)`,
      resourceId: name,
      maxWaitSeconds: ROLE_RELEASE_SECONDS,
    },
    (error) => failedWith(error, AwsErrorCode.deleteConflict),
    () =>
      awsDelete('deleting IAM role', () => ctx.aws.iam.send(new DeleteRoleCommand({ RoleName: name })), name),
  );
}
