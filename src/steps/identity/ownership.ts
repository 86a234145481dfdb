/**
 * IAM names are unique per account, so a role or profile is found by its name, not by its tags as
 * EC2 resources are. The tags then decide whether it is ours: this deployment's tags -> adopt; no
 * such tags -> someone else's entity holds the name, and the tool never takes it silently.
 */
import { TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue, tagValue } from '../../aws/tags.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import { TAG_REGION } from './layout.js';

type Tags = { Key?: string; Value?: string }[] | undefined;

export interface IamEntityRef {
  /** `IAM role`, `IAM instance profile`. */
  kind: string;
  name: string;
  /** The step role it plays, for the adopt hint (`role`, `instance-profile`). */
  role: string;
  /** The AWS CLI command that tags it: `tag-role --role-name`, `tag-instance-profile --instance-profile-name`. */
  tagCommand: string;
}

/**
 * How a spec treats an entity holding our name without our tags: ensure and plan refuse it (a
 * conflict to resolve), destroy and inspect look past it (it is not ours to delete or report).
 */
export type ForeignEntity = 'refuse' | 'ignore';

/**
 * The entity when it is ours; a foreign one is refused (throws) or ignored (undefined). Applies to
 * entities recorded in state too: a role deleted and re-created by someone else under our name is
 * not the one we recorded.
 */
export function ours<T>(
  ctx: Pick<StepContext, 'config' | 'step'>,
  ref: IamEntityRef,
  entity: T | undefined,
  tags: Tags,
  foreign: ForeignEntity,
): T | undefined {
  if (entity === undefined) return undefined;
  if (foreign === 'ignore') return isOurs(ctx, tags) ? entity : undefined;
  assertOurs(ctx, ref, tags);
  return entity;
}

/** Whether the entity carries this deployment's tag (and no other region's). */
export function isOurs(ctx: Pick<StepContext, 'config'>, tags: Tags): boolean {
  const region = tagValue(tags, TAG_REGION);
  return (
    tagValue(tags, TAG_DEPLOYMENT) === ctx.config.name &&
    (region === undefined || region === ctx.config.region)
  );
}

/** Throws when the entity found under our name does not carry this deployment's tags (for this region). */
export function assertOurs(
  ctx: Pick<StepContext, 'config' | 'step'>,
  entity: IamEntityRef,
  tags: Tags,
): void {
  const { name: deployment, region } = ctx.config;
  const owner = tagValue(tags, TAG_DEPLOYMENT);
  if (owner !== deployment) {
    const resourceTag = resourceTagValue(ctx.step, entity.role);
    throw new ProvisioningError(
      `An ${entity.kind} named ${entity.name} already exists in this AWS account but does not carry this deployment's tag ${TAG_DEPLOYMENT}=${deployment}` +
        (owner ? ` (it is tagged for deployment ${owner})` : ''),
      {
        code: 'NAME_TAKEN',
        resourceId: entity.name,
        hint:
          `IAM names are global to the account. Delete that ${entity.kind}, or adopt it by tagging it ` +
          `(aws iam ${entity.tagCommand} ${entity.name} --tags Key=${TAG_DEPLOYMENT},Value=${deployment} Key=${TAG_RESOURCE},Value=${resourceTag}), ` +
          'or choose another deployment name; then run again.',
      },
    );
  }
  const ownerRegion = tagValue(tags, TAG_REGION);
  if (ownerRegion !== undefined && ownerRegion !== region) {
    throw new ProvisioningError(
      `The ${entity.kind} ${entity.name} belongs to the deployment ${deployment} in ${ownerRegion}, not ${region}; IAM names are global to the account, so two deployments named ${deployment} cannot share one account`,
      {
        code: 'NAME_TAKEN',
        resourceId: entity.name,
        hint: `Choose another deployment name for ${region} (or destroy the deployment in ${ownerRegion} first).`,
      },
    );
  }
}
