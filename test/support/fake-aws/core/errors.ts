import type { ResponseMetadata } from '@smithy/types';

/** An AWS error as it travels on the wire: its code, message and HTTP status (400 unless given). */
export interface AwsErrorSpec {
  name: string;
  message: string;
  httpStatusCode?: number;
}

/** The constructor every SDK service exception class shares (EC2ServiceException, STSServiceException...). */
export type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  message: string;
}) => Error;

/**
 * An exception shaped like the ones the SDK deserializes: an instance of the service's exception
 * class, `name` = the AWS error code, `$fault` by status, and `Code` (the SDK copies the error body's
 * fields onto the exception, and query-protocol services such as EC2 send `Code`).
 */
export function serviceException(exceptionClass: ServiceExceptionClass, spec: AwsErrorSpec): Error {
  const httpStatusCode = spec.httpStatusCode ?? 400;
  const error = new exceptionClass({
    name: spec.name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    message: spec.message,
  });
  return Object.assign(error, { Code: spec.name });
}

/**
 * Thrown by `faults.crashAfter`: AWS did the work, then the process "died" before the tool saw the
 * answer. Not an AWS error and not retryable, so it escapes the SDK's retry loop unchanged.
 */
export class FakeCrashError extends Error {
  override readonly name = 'FakeCrash';

  constructor(
    readonly service: string,
    readonly command: string,
  ) {
    super(`fake-aws: simulated crash after ${service} ${command} took effect (its response was lost)`);
  }
}

/** The tool called something the fake does not model yet: add a handler rather than mock around it. */
export class FakeNotImplementedError extends Error {
  override readonly name = 'FakeAwsNotImplemented';

  constructor(service: string, command: string) {
    super(
      `fake-aws: ${service} ${command} is not implemented; add a handler to test/support/fake-aws/services/`,
    );
  }
}
