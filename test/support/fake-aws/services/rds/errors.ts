/**
 * RDS errors as the SDK deserializes them. RDS speaks the query protocol: the wire carries a code
 * (`DBInstanceNotFound`) that the SDK maps to a modelled exception class whose `name` is the class
 * name (`DBInstanceNotFoundFault`, which is what the SDK's waiters test) and keeps the wire code in
 * `Code`. Codes RDS does not model (InvalidParameterValue...) come back as RDSServiceException named
 * after the code.
 */
import {
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  InvalidDBInstanceStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { serviceException } from '../../core/errors.js';

interface ModelledError {
  /** The exception class the SDK picks for the wire code. */
  exceptionClass: new (options: { message: string; $metadata: { httpStatusCode: number } }) => Error;
  httpStatusCode: number;
}

/** Wire code -> the SDK's class and status, as in @aws-sdk/client-rds's error schemas. */
const MODELLED = {
  DBInstanceNotFound: { exceptionClass: DBInstanceNotFoundFault, httpStatusCode: 404 },
  DBInstanceAlreadyExists: { exceptionClass: DBInstanceAlreadyExistsFault, httpStatusCode: 400 },
  InvalidDBInstanceState: { exceptionClass: InvalidDBInstanceStateFault, httpStatusCode: 400 },
  DBSubnetGroupNotFoundFault: { exceptionClass: DBSubnetGroupNotFoundFault, httpStatusCode: 404 },
  DBSubnetGroupAlreadyExists: { exceptionClass: DBSubnetGroupAlreadyExistsFault, httpStatusCode: 400 },
  DBSubnetGroupDoesNotCoverEnoughAZs: {
    exceptionClass: DBSubnetGroupDoesNotCoverEnoughAZs,
    httpStatusCode: 400,
  },
  InvalidDBSubnetGroupStateFault: { exceptionClass: InvalidDBSubnetGroupStateFault, httpStatusCode: 400 },
  InvalidSubnet: { exceptionClass: InvalidSubnet, httpStatusCode: 400 },
  DBSnapshotNotFound: { exceptionClass: DBSnapshotNotFoundFault, httpStatusCode: 404 },
  DBSnapshotAlreadyExists: { exceptionClass: DBSnapshotAlreadyExistsFault, httpStatusCode: 400 },
} as const satisfies Record<string, ModelledError>;

export type RdsErrorCode = keyof typeof MODELLED | 'InvalidParameterValue' | 'InvalidParameterCombination';

export function rdsError(code: RdsErrorCode, message: string): Error {
  if (code === 'InvalidParameterValue' || code === 'InvalidParameterCombination')
    return serviceException(RDSServiceException, { name: code, message });
  const modelled: ModelledError = MODELLED[code];
  const error = new modelled.exceptionClass({
    message,
    $metadata: { httpStatusCode: modelled.httpStatusCode },
  });
  return Object.assign(error, { Code: code });
}

export const notFound = {
  instance: (id: string) => rdsError('DBInstanceNotFound', `DBInstance ${id} not found.`),
  subnetGroup: (name: string) => rdsError('DBSubnetGroupNotFoundFault', `DBSubnetGroup '${name}' not found.`),
  snapshot: (id: string) => rdsError('DBSnapshotNotFound', `DBSnapshot ${id} not found.`),
};

export function invalidParameterValue(message: string): Error {
  return rdsError('InvalidParameterValue', message);
}

export function invalidParameterCombination(message: string): Error {
  return rdsError('InvalidParameterCombination', message);
}
