/**
 * AWS error codes the tool reacts to, in one place, and the translation of SDK failures into
 * messages that say what was being done, to which resource, and the AWS error code.
 */
import { ProvisioningError, WrongTargetError } from '../engine/errors.js';

export const AwsErrorCode = {
  dependencyViolation: 'DependencyViolation',
  invalidParameterValue: 'InvalidParameterValue',
  routeAlreadyExists: 'RouteAlreadyExists',
  permissionDuplicate: 'InvalidPermission.Duplicate',
  permissionNotFound: 'InvalidPermission.NotFound',
  groupDuplicate: 'InvalidGroup.Duplicate',
  alreadyAssociated: 'Resource.AlreadyAssociated',
  ipInUse: 'InvalidIPAddress.InUse',
  gatewayNotAttached: 'Gateway.NotAttached',
  /** A snapshot a registered AMI still maps: deregister the image first. */
  snapshotInUse: 'InvalidSnapshot.InUse',
  // IAM
  noSuchEntity: 'NoSuchEntity',
  entityAlreadyExists: 'EntityAlreadyExists',
  deleteConflict: 'DeleteConflict',
  limitExceeded: 'LimitExceeded',
  malformedPolicyDocument: 'MalformedPolicyDocument',
  // RDS (the wire codes the SDK keeps in `Code`; its exception classes add `Fault` to some)
  dbInstanceAlreadyExists: 'DBInstanceAlreadyExists',
  dbSubnetGroupAlreadyExists: 'DBSubnetGroupAlreadyExists',
  invalidDbInstanceState: 'InvalidDBInstanceState',
  invalidDbSubnetGroupState: 'InvalidDBSubnetGroupStateFault',
  invalidParameterCombination: 'InvalidParameterCombination',
  // ElastiCache (wire codes too; e.g. the class ReplicationGroupAlreadyExistsFault has the code below)
  replicationGroupAlreadyExists: 'ReplicationGroupAlreadyExists',
  invalidReplicationGroupState: 'InvalidReplicationGroupState',
  cacheSubnetGroupAlreadyExists: 'CacheSubnetGroupAlreadyExists',
  cacheSubnetGroupInUse: 'CacheSubnetGroupInUse',
} as const;

/** Every "does not exist" code the tool treats as "gone" (design rule 5). */
const NOT_FOUND_CODES = new Set([
  'InvalidVpcID.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidInternetGatewayID.NotFound',
  'InvalidRouteTableID.NotFound',
  'InvalidAssociationID.NotFound',
  'InvalidRoute.NotFound',
  'InvalidAllocationID.NotFound',
  'InvalidAddress.NotFound',
  'NatGatewayNotFound',
  'InvalidNatGatewayID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidGroupId.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidAMIID.NotFound',
  'InvalidSnapshot.NotFound',
  'InvalidVolume.NotFound',
  'InvalidLaunchTemplateId.NotFound',
  'InvalidLaunchTemplateName.NotFoundException',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
  'DBSubnetGroupNotFoundFault',
  'DBSnapshotNotFound',
  'ReplicationGroupNotFoundFault',
  'CacheSubnetGroupNotFoundFault',
  'LoadBalancerNotFound',
  'AccessPointNotFound',
  'NoSuchEntity',
  'ParameterNotFound',
]);

const CREDENTIAL_ERROR_NAMES = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException']);
const AUTH_CODES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'SignatureDoesNotMatch',
]);

interface SdkErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** The AWS error code of an SDK error (its name), or undefined for anything else. */
export function awsErrorCode(error: unknown): string | undefined {
  const e = shape(error);
  if (e.$metadata === undefined && e.$fault === undefined && !CREDENTIAL_ERROR_NAMES.has(e.name ?? ''))
    return undefined;
  return e.Code ?? e.name;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

export function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && (NOT_FOUND_CODES.has(code) || /NotFound/.test(code));
}

/**
 * Runs one AWS request and turns its failure into a typed error whose message says what was being
 * done and to which resource: `creating EC2 VPC (10.0.0.0/16): <AWS message> (VpcLimitExceeded)`.
 * Non-AWS errors (bugs, a simulated crash in tests) pass through unchanged.
 */
export async function awsCall<T>(what: string, request: () => Promise<T>, resourceId?: string): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw translateAwsError(what, error, resourceId);
  }
}

/**
 * awsCall for a lookup by id: "not found" means the resource is gone (design rule 5), so it answers
 * undefined instead of failing.
 */
export async function awsFind<T>(
  what: string,
  request: () => Promise<T | undefined>,
  resourceId: string,
  isGone: (error: unknown) => boolean = isNotFound,
): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    if (isGone(error)) return undefined;
    throw translateAwsError(what, error, resourceId);
  }
}

/** awsCall for a delete or revoke: "not found" is success, the thing is already gone. */
export async function awsDelete(
  what: string,
  request: () => Promise<unknown>,
  resourceId: string,
  isGone: (error: unknown) => boolean = isNotFound,
): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (isGone(error)) return;
    throw translateAwsError(what, error, resourceId);
  }
}

/** Whether an error, raw from the SDK or already translated by awsCall, carries one of these AWS codes. */
export function failedWith(error: unknown, ...codes: string[]): boolean {
  if (error instanceof ProvisioningError) return error.awsCode !== undefined && codes.includes(error.awsCode);
  return isAwsError(error, ...codes);
}

export function translateAwsError(what: string, error: unknown, resourceId?: string): unknown {
  const e = shape(error);
  if (CREDENTIAL_ERROR_NAMES.has(e.name ?? '') || AUTH_CODES.has(awsErrorCode(error) ?? '')) {
    return new WrongTargetError(`${what}: AWS credentials are missing or invalid (${e.message ?? e.name})`, {
      code: 'NO_CREDENTIALS',
      hint: 'Configure credentials (aws configure, AWS_PROFILE or --profile, or environment variables) and run again.',
      cause: error,
    });
  }
  const code = awsErrorCode(error);
  if (code === undefined) return error;
  const target = resourceId ? ` ${resourceId}` : '';
  return new ProvisioningError(`${what}${target}: ${e.message ?? 'request failed'} (${code})`, {
    awsCode: code,
    ...(resourceId ? { resourceId } : {}),
    cause: error,
  });
}
