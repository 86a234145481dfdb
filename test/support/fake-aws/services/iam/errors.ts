import { IAMServiceException } from '@aws-sdk/client-iam';
import { serviceException } from '../../core/errors.js';

/** An IAM client error with AWS's code and message (HTTP 400 unless given). */
export function iamError(code: string, message: string, httpStatusCode = 400): Error {
  return serviceException(IAMServiceException, { name: code, message, httpStatusCode });
}

export const noSuchEntity = (message: string) => iamError('NoSuchEntity', message, 404);
export const entityAlreadyExists = (message: string) => iamError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => iamError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => iamError('LimitExceeded', message, 409);
export const malformedPolicyDocument = (message: string) => iamError('MalformedPolicyDocument', message);
export const validationError = (message: string) => iamError('ValidationError', message);
export const invalidInput = (message: string) => iamError('InvalidInput', message);
