/**
 * IAM is eventually consistent, within itself and towards the services that use it: an instance
 * profile created a moment ago is refused by EC2 RunInstances ("Invalid IAM Instance Profile"), and
 * a role or profile just created can briefly answer NoSuchEntity to the next IAM call. Both are
 * retried here, within a bound, and only when the first attempt hit them (so no wait is reported
 * when there was nothing to wait for).
 */
import type { StepContext } from '../engine/step.js';
import { AwsErrorCode, failedWith } from './errors.js';
import { retryWhile } from './wait.js';

type PropagationContext = Pick<StepContext, 'events' | 'signal' | 'timing'>;

/** How long EC2 may take to see a new instance profile (AWS documents "a few seconds"; seen up to a minute). */
export const PROFILE_PROPAGATION_SECONDS = 120;
/** How long a new IAM entity may stay invisible to the next IAM call. */
export const IAM_ENTITY_PROPAGATION_SECONDS = 60;

/**
 * Whether EC2 refused an instance profile it cannot see yet. EC2 words it as
 * "Value (x) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
 * (or `.arn`), code InvalidParameterValue.
 */
export function isProfilePropagationError(error: unknown): boolean {
  if (!failedWith(error, AwsErrorCode.invalidParameterValue)) return false;
  const message = error instanceof Error ? error.message : String(error);
  return /iamInstanceProfile|Invalid IAM Instance Profile/i.test(message);
}

/**
 * Runs `run` (a RunInstances that names an instance profile) and, while EC2 refuses the profile as
 * not yet known, runs it again with back-off for up to PROFILE_PROPAGATION_SECONDS. Such a refusal
 * launches nothing, so running again is safe; `run` should still pass the same ClientToken each time.
 */
export async function retryWhileProfilePropagates<T>(
  ctx: PropagationContext,
  run: () => Promise<T>,
  profile?: string,
): Promise<T> {
  return retryOnFirstFailure(
    ctx,
    run,
    isProfilePropagationError,
    `IAM instance profile${profile ? ` ${profile}` : ''} to become usable by EC2 (new IAM profiles take a moment to propagate)`,
    PROFILE_PROPAGATION_SECONDS,
    profile,
  );
}

/**
 * Runs an IAM call that names an entity created just before (PutRolePolicy after CreateRole,
 * AddRoleToInstanceProfile after CreateInstanceProfile) and retries it while IAM answers NoSuchEntity.
 */
export async function retryWhileIamEntityPropagates<T>(
  ctx: PropagationContext,
  what: string,
  run: () => Promise<T>,
  resourceId?: string,
): Promise<T> {
  return retryOnFirstFailure(
    ctx,
    run,
    (error) => failedWith(error, AwsErrorCode.noSuchEntity),
    `${what} (IAM has not made the new entity visible yet)`,
    IAM_ENTITY_PROPAGATION_SECONDS,
    resourceId,
  );
}

async function retryOnFirstFailure<T>(
  ctx: PropagationContext,
  run: () => Promise<T>,
  isPropagating: (error: unknown) => boolean,
  what: string,
  maxWaitSeconds: number,
  resourceId: string | undefined,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isPropagating(error)) throw error;
  }
  return retryWhile(ctx, { what, maxWaitSeconds, ...(resourceId ? { resourceId } : {}) }, isPropagating, run);
}
