/**
 * Step `identity` (new in this tool): the IAM role and instance profile every GitLab node runs with
 * (storage node, image builder, application nodes). The role lets EC2 assume it and grants the
 * least the nodes need: read their deployment's secrets, report their bootstrap result on their own
 * instance, and Session Manager (AmazonSSMManagedInstanceCore) so operators need no SSH.
 *
 * IAM is eventually consistent: steps that launch instances with this profile wrap RunInstances in
 * retryWhileProfilePropagates (src/aws/iam-propagation.ts).
 */
import type { InstanceProfile, Role } from '@aws-sdk/client-iam';
import { readOnlyStepContext } from '../../engine/context.js';
import type {
  DestroyContext,
  PlanAction,
  PlanContext,
  PlannedResource,
  ResourceStatus,
  Step,
  StepContext,
  StepOutputs,
  StepPlan,
  StepResult,
  StepStatus,
} from '../../engine/step.js';
import { destroyDeletes, destroyResource, ensureResource, findLive, planResource } from '../resource.js';
import {
  ensureRoleInProfile,
  profileRoleDrift,
  profileSpec,
  removeRoleFromProfile,
  rolesIn,
} from './instance-profile.js';
import type { IdentityLayout } from './layout.js';
import {
  IDENTITY_ROLES,
  IDENTITY_TYPES,
  INLINE_POLICY_NAME,
  SSM_CORE_POLICY_NAME,
  identityLayout,
} from './layout.js';
import type { RolePolicyDiff } from './role-policies.js';
import {
  convergeRolePolicies,
  describeRoleDrift,
  desiredRolePolicies,
  diffRolePolicies,
  readRolePolicies,
} from './role-policies.js';
import { roleSpec } from './role.js';

export interface IdentityOutputs {
  roleName: string;
  roleArn: string;
  instanceProfileName: string;
  instanceProfileArn: string;
}

export { BOOTSTRAP_TAG_KEY, BOOTSTRAP_TAG_VALUES } from './policies.js';

async function ensureIdentity(ctx: StepContext): Promise<StepResult> {
  const layout = identityLayout(ctx.config);
  const { resource: role, action } = await ensureResource(ctx, roleSpec(ctx, layout));
  await convergeRolePolicies(ctx, layout, role, action === 'created');
  const { resource: profile } = await ensureResource(ctx, profileSpec(ctx, layout));
  await ensureRoleInProfile(ctx, layout, profile);
  const outputs: IdentityOutputs = {
    roleName: role.RoleName!,
    roleArn: role.Arn!,
    instanceProfileName: profile.InstanceProfileName!,
    instanceProfileArn: profile.Arn!,
  };
  return { outputs: { ...outputs } };
}

/** Key parameters of each part, shown by plans. */
function detailsOf(layout: IdentityLayout) {
  return {
    role: { name: layout.roleName, trust: 'ec2.amazonaws.com' },
    inlinePolicy: {
      name: INLINE_POLICY_NAME,
      reads: `${layout.parameterPrefix}*`,
      writes: `${layout.bootstrapParameterPrefix}*`,
      tags: 'gitlab-ha:bootstrap on the instance itself',
    },
    managedPolicy: { policy: SSM_CORE_POLICY_NAME },
    instanceProfile: { name: layout.instanceProfileName },
    profileRole: { role: layout.roleName },
  } satisfies Record<keyof typeof IDENTITY_ROLES, PlannedResource['details']>;
}

function planned(
  layout: IdentityLayout,
  part: keyof typeof IDENTITY_ROLES,
  action: PlanAction,
  extra: { id?: string; reason?: string } = {},
): PlannedResource {
  return {
    role: IDENTITY_ROLES[part],
    type: IDENTITY_TYPES[part],
    action,
    ...extra,
    details: detailsOf(layout)[part],
  };
}

function offlinePlan(layout: IdentityLayout, reason?: string): PlannedResource[] {
  const extra = reason ? { reason } : {};
  return (['role', 'inlinePolicy', 'managedPolicy', 'instanceProfile', 'profileRole'] as const).map((part) =>
    planned(layout, part, 'create', extra),
  );
}

/** The plan entries of the role's policies, from how they differ. */
function planRolePolicies(layout: IdentityLayout, roleName: string, diff: RolePolicyDiff): PlannedResource[] {
  const inlineId = { id: `${roleName}/${INLINE_POLICY_NAME}` };
  const managedId = { id: `${roleName}/${SSM_CORE_POLICY_NAME}` };
  return [
    diff.inline === 'ok'
      ? planned(layout, 'inlinePolicy', 'noop', { ...inlineId, reason: 'present and as needed' })
      : diff.inline === 'missing'
        ? planned(layout, 'inlinePolicy', 'create', { reason: 'not on the role' })
        : planned(layout, 'inlinePolicy', 'update', {
            ...inlineId,
            reason: 'differs from the policy this deployment needs',
          }),
    diff.managedMissing
      ? planned(layout, 'managedPolicy', 'create', { reason: 'not attached' })
      : planned(layout, 'managedPolicy', 'noop', { ...managedId, reason: 'attached' }),
  ];
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  if (resources.every((r) => r.action === 'noop')) return 'noop';
  const main = resources.filter(
    (r) => r.role === IDENTITY_ROLES.role || r.role === IDENTITY_ROLES.instanceProfile,
  );
  if (main.some((r) => r.action === 'create')) return 'create';
  if (main.some((r) => r.action === 'adopt')) return 'adopt';
  return 'update';
}

async function planIdentity(ctx: PlanContext): Promise<StepPlan> {
  const layout = identityLayout(ctx.config);
  if (!ctx.aws) return { step: 'identity', action: 'create', resources: offlinePlan(layout), live: false };
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const roleS = roleSpec(readOnly, layout);
  const profileS = profileSpec(readOnly, layout);
  const resources: PlannedResource[] = [];

  const plannedRole = await planResource(ctx, roleS);
  const role = plannedRole.id ? await roleS.findById(plannedRole.id) : undefined;
  if (!role) {
    resources.push(plannedRole, ...offlinePlan(layout, 'the role is new').slice(1, 3));
  } else {
    const diff = diffRolePolicies(
      role,
      await readRolePolicies(readOnly, role.RoleName!),
      desiredRolePolicies(layout, role),
    );
    const trustNote = 'its trust policy will be reset to "EC2 may assume it"';
    resources.push(
      diff.trustDiffers
        ? plannedRole.action === 'noop'
          ? { ...plannedRole, action: 'update', reason: trustNote }
          : { ...plannedRole, reason: `${plannedRole.reason ?? ''}; ${trustNote}` }
        : plannedRole,
      ...planRolePolicies(layout, role.RoleName!, diff),
    );
  }

  const plannedProfile = await planResource(ctx, profileS);
  const profile = plannedProfile.id ? await profileS.findById(plannedProfile.id) : undefined;
  resources.push(plannedProfile, planProfileRole(layout, profile));
  return { step: 'identity', action: summaryAction(resources), resources, live: true };
}

function planProfileRole(layout: IdentityLayout, profile: InstanceProfile | undefined): PlannedResource {
  if (!profile) return planned(layout, 'profileRole', 'create', { reason: 'the instance profile is new' });
  const id = `${layout.instanceProfileName}/${layout.roleName}`;
  const drift = profileRoleDrift(layout, profile);
  if (!drift) return planned(layout, 'profileRole', 'noop', { id, reason: 'the profile holds the role' });
  // A profile holding another role stops ensure with instructions; the plan says so.
  return rolesIn(profile).length === 0
    ? planned(layout, 'profileRole', 'create', { reason: 'the profile holds no role' })
    : planned(layout, 'profileRole', 'update', { reason: `${drift}: remove that role first` });
}

async function inspectIdentity(ctx: StepContext): Promise<StepStatus> {
  const layout = identityLayout(ctx.config);
  const recordedRole = ctx.recorded(IDENTITY_ROLES.role);
  const recordedProfile = ctx.recorded(IDENTITY_ROLES.instanceProfile);
  const role = recordedRole ? await roleSpec(ctx, layout, 'ignore').findById(recordedRole.id) : undefined;
  const profile = recordedProfile
    ? await profileSpec(ctx, layout, 'ignore').findById(recordedProfile.id)
    : undefined;
  const drift: string[] = [];
  const resources: ResourceStatus[] = [];

  const presence = (what: string, recordedId: string | undefined, found: boolean) =>
    !recordedId
      ? `${what} is not recorded in state`
      : !found
        ? `${what} ${recordedId} no longer exists`
        : undefined;
  const status = (
    part: 'role' | 'inlinePolicy' | 'managedPolicy' | 'instanceProfile',
    id: string | undefined,
    state: string,
    problems: (string | undefined)[],
  ) => {
    const lines = problems.filter((p): p is string => p !== undefined);
    drift.push(...lines);
    resources.push({
      role: IDENTITY_ROLES[part],
      type: IDENTITY_TYPES[part],
      ...(id ? { id } : {}),
      state,
      healthy: lines.length === 0 && state !== 'missing',
      ...(lines.length > 0 ? { drift: lines.join('; ') } : {}),
    });
  };

  const roleMissing = presence('IAM role', recordedRole?.id, role !== undefined);
  if (!role) {
    status('role', recordedRole?.id, 'missing', [roleMissing]);
  } else {
    const diff = diffRolePolicies(
      role,
      await readRolePolicies(ctx, role.RoleName!),
      desiredRolePolicies(layout, role),
    );
    const [trust, inline, managed] = splitRoleDrift(layout, diff);
    status('role', role.RoleName, 'available', [trust]);
    status(
      'inlinePolicy',
      `${role.RoleName}/${INLINE_POLICY_NAME}`,
      diff.inline === 'missing' ? 'missing' : diff.inline === 'differs' ? 'differs' : 'present',
      [inline],
    );
    status(
      'managedPolicy',
      `${role.RoleName}/${SSM_CORE_POLICY_NAME}`,
      diff.managedMissing ? 'missing' : 'attached',
      [managed],
    );
  }
  const profileMissing = presence('IAM instance profile', recordedProfile?.id, profile !== undefined);
  status(
    'instanceProfile',
    profile?.InstanceProfileName ?? recordedProfile?.id,
    profile ? 'available' : 'missing',
    [profileMissing, profile ? profileRoleDrift(layout, profile) : undefined],
  );

  const health = !role && !profile ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  return { step: 'identity', health, resources, outputs: liveOutputs(role, profile), drift };
}

/** describeRoleDrift's lines split by the part they concern: trust (role), inline, managed. */
function splitRoleDrift(layout: IdentityLayout, diff: RolePolicyDiff): (string | undefined)[] {
  const only = (part: Partial<RolePolicyDiff>) =>
    describeRoleDrift(layout, { trustDiffers: false, inline: 'ok', managedMissing: false, ...part })[0];
  return [
    only({ trustDiffers: diff.trustDiffers }),
    only({ inline: diff.inline }),
    only({ managedMissing: diff.managedMissing }),
  ];
}

function liveOutputs(role: Role | undefined, profile: InstanceProfile | undefined): StepOutputs {
  return {
    ...(role ? { roleName: role.RoleName!, roleArn: role.Arn! } : {}),
    ...(profile
      ? { instanceProfileName: profile.InstanceProfileName!, instanceProfileArn: profile.Arn! }
      : {}),
  };
}

/**
 * Reverse order: the role leaves the profile, the profile goes, then the role's policies and the
 * role. Entities holding our names without our tags are not ours and are left alone.
 */
async function destroyIdentity(ctx: DestroyContext): Promise<void> {
  const layout = identityLayout(ctx.config);
  const roleS = roleSpec(ctx, layout, 'ignore');
  const profileS = profileSpec(ctx, layout, 'ignore');
  const [profile, role] = [await findLive(ctx, profileS), await findLive(ctx, roleS)];
  // An adopted profile stays, but a role that goes must leave it first (IAM refuses to delete a
  // role still in a profile). A profile that goes is emptied by its own delete.
  if (
    profile &&
    role &&
    rolesIn(profile).includes(role.RoleName!) &&
    !destroyDeletes(ctx, IDENTITY_ROLES.instanceProfile, profile.Tags) &&
    destroyDeletes(ctx, IDENTITY_ROLES.role, role.Tags)
  ) {
    await removeRoleFromProfile(ctx, profile.InstanceProfileName!, role.RoleName!);
  }
  await destroyResource(ctx, profileS);
  await destroyResource(ctx, roleS);
}

export const identityStep: Step = {
  id: 'identity',
  title: 'Identity (IAM role and instance profile for GitLab nodes)',
  dependsOn: [],
  plan: planIdentity,
  ensure: ensureIdentity,
  inspect: inspectIdentity,
  destroy: destroyIdentity,
};
