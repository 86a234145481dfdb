/**
 * What the identity step builds, derived from the config alone (pure, so offline plans and ensure
 * agree): one IAM role and one instance profile for every GitLab node (storage node, image builder,
 * auto-scaled application nodes), both named `<deployment>-gitlab-node`.
 */
import type { Config } from '../../config/schema.js';
import type { StepContext } from '../../engine/step.js';
import { secretParameterPrefix } from '../secrets.js';

/** The inline policy's name on the role. */
export const INLINE_POLICY_NAME = 'gitlab-ha';
/** AWS's managed policy for Systems Manager (Session Manager instead of SSH, Run Command). */
export const SSM_CORE_POLICY_NAME = 'AmazonSSMManagedInstanceCore';
/**
 * IAM names are global to the account while deployments are regional: this tag tells the
 * `demo` deployment in one region from a `demo` in another that would share the role's name.
 */
export const TAG_REGION = 'gitlab-ha:region';

export const IDENTITY_ROLES = {
  role: 'role',
  inlinePolicy: 'role/inline-policy',
  managedPolicy: 'role/managed-policy',
  instanceProfile: 'instance-profile',
  profileRole: 'instance-profile/role',
} as const;

export const IDENTITY_TYPES = {
  role: 'iam:role',
  inlinePolicy: 'iam:role-policy',
  managedPolicy: 'iam:role-policy-attachment',
  instanceProfile: 'iam:instance-profile',
  profileRole: 'iam:instance-profile-role',
} as const;

export interface IdentityLayout {
  deployment: string;
  region: string;
  /** `<deployment>-gitlab-node` (at most 22 + 12 characters: within IAM's 64). */
  roleName: string;
  instanceProfileName: string;
  /** `/gitlab-ha/<deployment>/`: every secret of the deployment. */
  parameterPrefix: string;
  /** `/gitlab-ha/<deployment>/bootstrap/`: where a node leaves its log tail when its bootstrap fails. */
  bootstrapParameterPrefix: string;
  description: string;
}

export function identityLayout(config: Pick<Config, 'name' | 'region'>): IdentityLayout {
  const nodeName = `${config.name}-gitlab-node`;
  const parameterPrefix = secretParameterPrefix(config.name);
  return {
    deployment: config.name,
    region: config.region,
    roleName: nodeName,
    instanceProfileName: nodeName,
    parameterPrefix,
    bootstrapParameterPrefix: `${parameterPrefix}bootstrap/`,
    description: `gitlab-ha ${config.name}: GitLab nodes in ${config.region} (read ${parameterPrefix}*, signal bootstrap, Session Manager)`,
  };
}

/**
 * The deployment's tags for an IAM role or profile: `Name` is the IAM name itself (IAM has no other
 * display name), plus the region the deployment lives in (see TAG_REGION).
 */
export function iamTags(
  ctx: Pick<StepContext, 'tags' | 'config'>,
  role: string,
  iamName: string,
): { Key: string; Value: string }[] {
  return [
    ...ctx.tags(role).map((tag) => (tag.Key === 'Name' ? { Key: 'Name', Value: iamName } : tag)),
    { Key: TAG_REGION, Value: ctx.config.region },
  ];
}
