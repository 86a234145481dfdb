/**
 * The instance profile EC2 instances carry to get the node role's credentials. Found by name like
 * the role; holds exactly one role (IAM's limit), which must be the node role.
 */
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  GetInstanceProfileCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import type { InstanceProfile } from '@aws-sdk/client-iam';
import {
  AwsErrorCode,
  awsCall,
  awsDelete,
  awsFind,
  failedWith,
  translateAwsError,
} from '../../aws/errors.js';
import { retryWhileIamEntityPropagates } from '../../aws/iam-propagation.js';
import { pollUntil, retryWhile } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { IdentityLayout } from './layout.js';
import { IDENTITY_ROLES, IDENTITY_TYPES, iamTags } from './layout.js';
import { assertOurs, ours } from './ownership.js';
import type { ForeignEntity, IamEntityRef } from './ownership.js';
import type { IdentityCtx } from './role.js';

export type ProfileSpec = CreatableSpec<InstanceProfile> & DeletableSpec<InstanceProfile>;

/** Bound for GetInstanceProfile to show a role just added. */
const ROLE_IN_PROFILE_SECONDS = 60;
/** Bound for DeleteInstanceProfile while IAM still counts a just-removed role. */
const PROFILE_RELEASE_SECONDS = 60;

function profileRef(layout: IdentityLayout): IamEntityRef {
  return {
    kind: 'IAM instance profile',
    name: layout.instanceProfileName,
    role: IDENTITY_ROLES.instanceProfile,
    tagCommand: 'tag-instance-profile --instance-profile-name',
  };
}

export function getInstanceProfile(
  ctx: Pick<IdentityCtx, 'aws'>,
  name: string,
): Promise<InstanceProfile | undefined> {
  return awsFind(
    'reading IAM instance profile',
    async () =>
      (await ctx.aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }))).InstanceProfile,
    name,
  );
}

export function profileSpec(
  ctx: IdentityCtx,
  layout: IdentityLayout,
  foreign: ForeignEntity = 'refuse',
): ProfileSpec {
  return {
    role: IDENTITY_ROLES.instanceProfile,
    type: IDENTITY_TYPES.instanceProfile,
    label: 'IAM instance profile',
    details: { name: layout.instanceProfileName, role: layout.roleName },
    idOf: (profile) => profile.InstanceProfileName!,
    tagsOf: (profile) => profile.Tags,
    attributes: (profile) => ({ arn: profile.Arn ?? null }),
    findById: async (name) => {
      const profile = await getInstanceProfile(ctx, name);
      return ours(ctx, profileRef(layout), profile, profile?.Tags, foreign);
    },
    // IAM names are unique per account: "by tags" is by name, then checked for our tags.
    findByTags: async () => {
      const profile = await getInstanceProfile(ctx, layout.instanceProfileName);
      const found = ours(ctx, profileRef(layout), profile, profile?.Tags, foreign);
      return found ? [found] : [];
    },
    create: () => createProfile(ctx, layout),
    delete: (profile) => deleteProfile(ctx, profile),
  };
}

async function createProfile(ctx: IdentityCtx, layout: IdentityLayout): Promise<InstanceProfile> {
  const name = layout.instanceProfileName;
  try {
    const out = await ctx.aws.iam.send(
      new CreateInstanceProfileCommand({
        InstanceProfileName: name,
        Tags: iamTags(ctx, IDENTITY_ROLES.instanceProfile, name),
      }),
    );
    return out.InstanceProfile!;
  } catch (error) {
    if (!failedWith(error, AwsErrorCode.entityAlreadyExists)) {
      throw translateAwsError('creating IAM instance profile', error, name);
    }
    const existing = await getInstanceProfile(ctx, name);
    if (!existing) throw translateAwsError('creating IAM instance profile', error, name);
    assertOurs(ctx, profileRef(layout), existing.Tags);
    return existing;
  }
}

/** The roles in a profile, by name. */
export function rolesIn(profile: InstanceProfile): string[] {
  return (profile.Roles ?? []).map((role) => role.RoleName!);
}

/** A drift line when the profile does not hold exactly the node role, else undefined. */
export function profileRoleDrift(layout: IdentityLayout, profile: InstanceProfile): string | undefined {
  const roles = rolesIn(profile);
  if (roles.includes(layout.roleName)) return undefined;
  const name = `IAM instance profile ${layout.instanceProfileName}`;
  return roles.length === 0
    ? `${name} holds no role (it should hold ${layout.roleName})`
    : `${name} holds ${roles.join(', ')} instead of ${layout.roleName}`;
}

function holdsOtherRole(layout: IdentityLayout, other: string): ProvisioningError {
  const profile = layout.instanceProfileName;
  return new ProvisioningError(
    `IAM instance profile ${profile} holds the role ${other}, but GitLab nodes need ${layout.roleName} in it (a profile holds one role)`,
    {
      code: 'PROFILE_HOLDS_OTHER_ROLE',
      resourceId: profile,
      hint: `Remove it (aws iam remove-role-from-instance-profile --instance-profile-name ${profile} --role-name ${other}) and run again.`,
    },
  );
}

/**
 * Puts the node role into the profile unless it is there, then waits (bounded) until IAM shows it:
 * nodes launched with a profile whose role is not visible yet would boot without credentials.
 */
export async function ensureRoleInProfile(
  ctx: IdentityCtx,
  layout: IdentityLayout,
  profile: InstanceProfile,
): Promise<void> {
  const roles = rolesIn(profile);
  if (roles.includes(layout.roleName)) return;
  if (roles.length > 0) throw holdsOtherRole(layout, roles[0]!);
  const name = layout.instanceProfileName;
  try {
    await retryWhileIamEntityPropagates(
      ctx,
      `IAM instance profile ${name} to accept role ${layout.roleName}`,
      () =>
        awsCall(
          `adding role ${layout.roleName} to IAM instance profile`,
          () =>
            ctx.aws.iam.send(
              new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: layout.roleName }),
            ),
          name,
        ),
      name,
    );
  } catch (error) {
    // LimitExceeded: the profile got a role since we read it (a concurrent run, or our own call whose
    // answer was lost). Fine if it is ours.
    if (!failedWith(error, AwsErrorCode.limitExceeded)) throw error;
    const current = await getInstanceProfile(ctx, name);
    const holder = current ? rolesIn(current)[0] : undefined;
    if (holder !== layout.roleName) throw holder ? holdsOtherRole(layout, holder) : error;
    return;
  }
  ctx.events.info('resource.create', `added IAM role ${layout.roleName} to instance profile ${name}`, {
    type: IDENTITY_TYPES.profileRole,
    role: IDENTITY_ROLES.profileRole,
    id: `${name}/${layout.roleName}`,
  });
  await pollUntil(
    ctx,
    {
      what: `IAM instance profile ${name} to show role ${layout.roleName}`,
      resourceId: name,
      maxWaitSeconds: ROLE_IN_PROFILE_SECONDS,
    },
    async () => {
      const current = await getInstanceProfile(ctx, name);
      return current && rolesIn(current).includes(layout.roleName)
        ? { done: true, value: undefined }
        : { done: false, state: current ? `roles: ${rolesIn(current).join(', ') || 'none'}` : 'not visible' };
    },
  );
}

/** Takes a role out of a profile (gone already, or not in it: fine). */
export async function removeRoleFromProfile(
  ctx: IdentityCtx,
  profileName: string,
  roleName: string,
): Promise<void> {
  await awsDelete(
    `removing role ${roleName} from IAM instance profile`,
    () =>
      ctx.aws.iam.send(
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName }),
      ),
    profileName,
  );
  ctx.events.info('resource.delete', `removed IAM role ${roleName} from instance profile ${profileName}`, {
    type: IDENTITY_TYPES.profileRole,
    role: IDENTITY_ROLES.profileRole,
    id: `${profileName}/${roleName}`,
  });
}

/** Empties the profile (IAM refuses to delete one that holds a role), then deletes it. */
async function deleteProfile(ctx: IdentityCtx, profile: InstanceProfile): Promise<void> {
  const name = profile.InstanceProfileName!;
  for (const role of rolesIn(profile)) await removeRoleFromProfile(ctx, name, role);
  await retryWhile(
    ctx,
    {
      what: `IAM instance profile ${name} to be deletable (IAM refuses while it holds a role)`,
      resourceId: name,
      maxWaitSeconds: PROFILE_RELEASE_SECONDS,
    },
    (error) => failedWith(error, AwsErrorCode.deleteConflict),
    () =>
      awsDelete(
        'deleting IAM instance profile',
        () => ctx.aws.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })),
        name,
      ),
  );
}
