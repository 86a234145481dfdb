/**
 * Auto Scaling says "does not exist" with a ValidationError ("AutoScalingGroup name not found -
 * AutoScalingGroup 'x' not found", "Group x not found"), a code that also covers real input
 * mistakes, so src/aws/errors.ts's isNotFound cannot treat it as gone. Here it is read from the message.
 */
import { awsDelete, awsErrorCode, awsFind, isNotFound } from '../../aws/errors.js';

export function isAutoScalingNotFound(error: unknown): boolean {
  if (awsErrorCode(error) !== 'ValidationError') return false;
  const message = error instanceof Error ? error.message : '';
  return /not found/i.test(message);
}

function isGone(error: unknown): boolean {
  return isAutoScalingNotFound(error) || isNotFound(error);
}

/** awsFind for Auto Scaling: a "not found" ValidationError means the thing is gone. */
export function autoScalingFind<T>(
  what: string,
  request: () => Promise<T | undefined>,
  resourceId: string,
): Promise<T | undefined> {
  return awsFind(what, request, resourceId, isGone);
}

/** awsDelete for Auto Scaling: deleting what is already gone succeeds. */
export function autoScalingDelete(
  what: string,
  request: () => Promise<unknown>,
  resourceId: string,
): Promise<void> {
  return awsDelete(what, request, resourceId, isGone);
}
