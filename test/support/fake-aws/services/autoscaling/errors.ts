/**
 * Auto Scaling errors as the SDK deserializes them. Auto Scaling speaks the query protocol: modelled
 * faults arrive as the SDK's exception class (name `AlreadyExistsFault`) with the wire code in `Code`
 * (`AlreadyExists`, what the tool's awsErrorCode reads). Everything else, notably `ValidationError`
 * (which Auto Scaling also uses for "not found"), is an AutoScalingServiceException named after its code.
 */
import {
  ActiveInstanceRefreshNotFoundFault,
  AlreadyExistsFault,
  AutoScalingServiceException,
  InstanceRefreshInProgressFault,
  InvalidNextToken,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
} from '@aws-sdk/client-auto-scaling';
import { serviceException } from '../../core/errors.js';

type ModelledClass = new (options: { message: string; $metadata: { httpStatusCode: number } }) => Error;

/** Wire code -> the SDK's exception class (all HTTP 400). */
const MODELLED = {
  AlreadyExists: AlreadyExistsFault,
  ResourceInUse: ResourceInUseFault,
  ScalingActivityInProgress: ScalingActivityInProgressFault,
  InstanceRefreshInProgress: InstanceRefreshInProgressFault,
  ActiveInstanceRefreshNotFound: ActiveInstanceRefreshNotFoundFault,
  InvalidNextToken: InvalidNextToken,
} as const satisfies Record<string, ModelledClass>;

export type AutoScalingErrorCode = keyof typeof MODELLED | 'ValidationError';

export function autoScalingError(code: AutoScalingErrorCode, message: string): Error {
  if (code === 'ValidationError')
    return serviceException(AutoScalingServiceException, { name: code, message });
  const exceptionClass: ModelledClass = MODELLED[code];
  const error = new exceptionClass({ message, $metadata: { httpStatusCode: 400 } });
  return Object.assign(error, { Code: code });
}

export const validationError = (message: string) => autoScalingError('ValidationError', message);

/** How Auto Scaling says a group does not exist (a ValidationError, not a NotFound code). */
export const groupNotFound = (name: string) =>
  validationError(`AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
