/**
 * Auto Scaling says "does not exist" with a ValidationError ("AutoScalingGroup name not found -
 * AutoScalingGroup 'x' not found", "Group x not found"), a code that also covers real input
 * mistakes, so src/aws/errors.ts's isNotFound cannot treat it as gone. Here it is read from the message.
 */
import { awsErrorCode, isNotFound, translateAwsError } from '../../aws/errors.js';

export function isAutoScalingNotFound(error: unknown): boolean {
  if (awsErrorCode(error) !== 'ValidationError') return false;
  const message = error instanceof Error ? error.message : '';
  return /not found/i.test(message);
}

function isGone(error: unknown): boolean {
  return isAutoScalingNotFound(error) || isNotFound(error);
}

/** awsFind for Auto Scaling: a "not found" ValidationError means the thing is gone. */
export async function autoScalingFind<T>(
  what: string,
  request: () => Promise<T | undefined>,
  resourceId: string,
): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    if (isGone(error)) return undefined;
    throw translateAwsError(what, error, resourceId);
  }
}

/** awsDelete for Auto Scaling: deleting what is already gone succeeds. */
export async function autoScalingDelete(
  what: string,
  request: () => Promise<unknown>,
  resourceId: string,
): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (isGone(error)) return;
    throw translateAwsError(what, error, resourceId);
  }
}
