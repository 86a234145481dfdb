/**
 * The node role's policies are parts of the role, converged like the rules of a security group: read
 * them, compare by meaning with what the deployment needs, put only what differs. The trust policy
 * lets EC2 assume the role; the inline policy `gitlab-ha` grants the bootstrap protocol; the managed
 * AmazonSSMManagedInstanceCore gives Session Manager.
 */
import {
  AttachRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import type { Role } from '@aws-sdk/client-iam';
import { awsCall, awsFind } from '../../aws/errors.js';
import { retryWhileIamEntityPropagates } from '../../aws/iam-propagation.js';
import type { IdentityLayout } from './layout.js';
import { IDENTITY_ROLES, IDENTITY_TYPES, INLINE_POLICY_NAME, SSM_CORE_POLICY_NAME } from './layout.js';
import type { PolicyDocument, PolicyTarget } from './policies.js';
import {
  arnAccount,
  decodePolicyDocument,
  managedPolicyArn,
  nodePolicy,
  samePolicy,
  trustPolicy,
} from './policies.js';
import type { IdentityCtx } from './role.js';

/** Account, partition and region the role's policies refer to (the account from the role's ARN). */
export function policyTargetOf(layout: IdentityLayout, role: Role): PolicyTarget {
  return { ...arnAccount(role.Arn!), region: layout.region };
}

export interface DesiredRolePolicies {
  inline: PolicyDocument;
  managedArn: string;
}

export function desiredRolePolicies(layout: IdentityLayout, role: Role): DesiredRolePolicies {
  const target = policyTargetOf(layout, role);
  return { inline: nodePolicy(layout, target), managedArn: managedPolicyArn(target.partition) };
}

/** What the role's policies look like in IAM. */
export interface LiveRolePolicies {
  /** The inline policy `gitlab-ha`, parsed; undefined when absent (or unreadable). */
  inline: { exists: boolean; document: unknown };
  attachedArns: string[];
}

export async function readRolePolicies(
  ctx: Pick<IdentityCtx, 'aws'>,
  roleName: string,
): Promise<LiveRolePolicies> {
  const encoded = await awsFind(
    `reading inline policy ${INLINE_POLICY_NAME} of IAM role`,
    async () =>
      (
        await ctx.aws.iam.send(
          new GetRolePolicyCommand({ RoleName: roleName, PolicyName: INLINE_POLICY_NAME }),
        )
      ).PolicyDocument,
    roleName,
  );
  return {
    inline: { exists: encoded !== undefined, document: decodePolicyDocument(encoded) },
    attachedArns: await attachedPolicyArns(ctx, roleName),
  };
}

export async function attachedPolicyArns(ctx: Pick<IdentityCtx, 'aws'>, roleName: string): Promise<string[]> {
  return awsCall(
    'listing the managed policies attached to IAM role',
    async () => {
      const arns: string[] = [];
      for await (const page of paginateListAttachedRolePolicies(
        { client: ctx.aws.iam },
        { RoleName: roleName },
      )) {
        arns.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
      }
      return arns;
    },
    roleName,
  );
}

export async function inlinePolicyNames(ctx: Pick<IdentityCtx, 'aws'>, roleName: string): Promise<string[]> {
  return awsCall(
    'listing the inline policies of IAM role',
    async () => {
      const names: string[] = [];
      for await (const page of paginateListRolePolicies({ client: ctx.aws.iam }, { RoleName: roleName })) {
        names.push(...(page.PolicyNames ?? []));
      }
      return names;
    },
    roleName,
  );
}

/** How the role's policies differ from the desired ones (all false / 'ok': nothing to do). */
export interface RolePolicyDiff {
  trustDiffers: boolean;
  inline: 'ok' | 'missing' | 'differs';
  managedMissing: boolean;
}

export function diffRolePolicies(
  role: Role,
  live: LiveRolePolicies,
  desired: DesiredRolePolicies,
): RolePolicyDiff {
  return {
    trustDiffers: !samePolicy(decodePolicyDocument(role.AssumeRolePolicyDocument), trustPolicy()),
    inline: !live.inline.exists
      ? 'missing'
      : samePolicy(live.inline.document, desired.inline)
        ? 'ok'
        : 'differs',
    managedMissing: !live.attachedArns.includes(desired.managedArn),
  };
}

/** Drift lines for `status`, one per difference. */
export function describeRoleDrift(layout: IdentityLayout, diff: RolePolicyDiff): string[] {
  const role = `IAM role ${layout.roleName}`;
  return [
    ...(diff.trustDiffers ? [`${role} has a trust policy other than "EC2 may assume it"`] : []),
    ...(diff.inline === 'missing' ? [`${role} has no inline policy ${INLINE_POLICY_NAME}`] : []),
    ...(diff.inline === 'differs'
      ? [`inline policy ${INLINE_POLICY_NAME} of ${role} differs from the one this deployment needs`]
      : []),
    ...(diff.managedMissing ? [`${SSM_CORE_POLICY_NAME} is not attached to ${role}`] : []),
  ];
}

/**
 * Makes the role's trust policy, inline policy and managed policy what the deployment needs. A role
 * created just now has neither policy, so nothing is read for it. Unchanged: read-only calls only.
 */
export async function convergeRolePolicies(
  ctx: IdentityCtx,
  layout: IdentityLayout,
  role: Role,
  created: boolean,
): Promise<void> {
  const name = layout.roleName;
  const desired = desiredRolePolicies(layout, role);
  const live: LiveRolePolicies = created
    ? { inline: { exists: false, document: undefined }, attachedArns: [] }
    : await readRolePolicies(ctx, name);
  const diff = diffRolePolicies(role, live, desired);
  if (diff.trustDiffers) {
    await awsCall(
      'updating the trust policy of IAM role',
      () =>
        ctx.aws.iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: name,
            PolicyDocument: JSON.stringify(trustPolicy()),
          }),
        ),
      name,
    );
    ctx.events.info('resource.update', `reset the trust policy of IAM role ${name}: EC2 may assume it`, {
      type: IDENTITY_TYPES.role,
      role: IDENTITY_ROLES.role,
      id: name,
    });
  }
  if (diff.inline !== 'ok') {
    await retryWhileIamEntityPropagates(
      ctx,
      `IAM role ${name} to accept its inline policy`,
      () =>
        awsCall(
          `putting inline policy ${INLINE_POLICY_NAME} on IAM role`,
          () =>
            ctx.aws.iam.send(
              new PutRolePolicyCommand({
                RoleName: name,
                PolicyName: INLINE_POLICY_NAME,
                PolicyDocument: JSON.stringify(desired.inline),
              }),
            ),
          name,
        ),
      name,
    );
    const changed = diff.inline === 'differs';
    ctx.events.info(
      changed ? 'resource.update' : 'resource.create',
      changed
        ? `replaced inline policy ${INLINE_POLICY_NAME} of IAM role ${name}: it differed from the one this deployment needs`
        : `put inline policy ${INLINE_POLICY_NAME} on IAM role ${name}`,
      {
        type: IDENTITY_TYPES.inlinePolicy,
        role: IDENTITY_ROLES.inlinePolicy,
        id: `${name}/${INLINE_POLICY_NAME}`,
      },
    );
  }
  if (diff.managedMissing) {
    await retryWhileIamEntityPropagates(
      ctx,
      `IAM role ${name} to accept ${SSM_CORE_POLICY_NAME}`,
      () =>
        awsCall(
          `attaching ${SSM_CORE_POLICY_NAME} to IAM role`,
          () =>
            ctx.aws.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: desired.managedArn })),
          name,
        ),
      name,
    );
    ctx.events.info('resource.create', `attached ${SSM_CORE_POLICY_NAME} to IAM role ${name}`, {
      type: IDENTITY_TYPES.managedPolicy,
      role: IDENTITY_ROLES.managedPolicy,
      id: `${name}/${SSM_CORE_POLICY_NAME}`,
    });
  }
}
