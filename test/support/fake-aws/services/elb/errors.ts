/**
 * Classic ELB errors as the SDK deserializes them. The API speaks the query protocol: the wire
 * carries a code (`LoadBalancerNotFound`) that the SDK maps to a modelled exception class whose
 * `name` is the class name (`AccessPointNotFoundException`) and keeps the wire code in `Code` (what the
 * tool's awsErrorCode reads). Codes the API does not model (ValidationError) come back as
 * ElasticLoadBalancingServiceException named after the code.
 */
import {
  AccessPointNotFoundException,
  CertificateNotFoundException,
  DuplicateAccessPointNameException,
  DuplicateListenerException,
  DuplicatePolicyNameException,
  DuplicateTagKeysException,
  ElasticLoadBalancingServiceException,
  InvalidConfigurationRequestException,
  InvalidEndPointException,
  InvalidSchemeException,
  InvalidSecurityGroupException,
  InvalidSubnetException,
  ListenerNotFoundException,
  PolicyNotFoundException,
  PolicyTypeNotFoundException,
  SubnetNotFoundException,
  TooManyTagsException,
} from '@aws-sdk/client-elastic-load-balancing';
import { serviceException, type ServiceExceptionClass } from '../../core/errors.js';

/** Wire code -> the SDK's exception class and HTTP status, as in the client's error schemas. */
const MODELLED = {
  LoadBalancerNotFound: { exception: AccessPointNotFoundException, status: 400 },
  CertificateNotFound: { exception: CertificateNotFoundException, status: 400 },
  DuplicateLoadBalancerName: { exception: DuplicateAccessPointNameException, status: 400 },
  DuplicateListener: { exception: DuplicateListenerException, status: 400 },
  DuplicatePolicyName: { exception: DuplicatePolicyNameException, status: 400 },
  DuplicateTagKeys: { exception: DuplicateTagKeysException, status: 400 },
  InvalidConfigurationRequest: { exception: InvalidConfigurationRequestException, status: 409 },
  InvalidInstance: { exception: InvalidEndPointException, status: 400 },
  InvalidScheme: { exception: InvalidSchemeException, status: 400 },
  InvalidSecurityGroup: { exception: InvalidSecurityGroupException, status: 400 },
  InvalidSubnet: { exception: InvalidSubnetException, status: 400 },
  ListenerNotFound: { exception: ListenerNotFoundException, status: 400 },
  PolicyNotFound: { exception: PolicyNotFoundException, status: 400 },
  PolicyTypeNotFound: { exception: PolicyTypeNotFoundException, status: 400 },
  SubnetNotFound: { exception: SubnetNotFoundException, status: 400 },
  TooManyTags: { exception: TooManyTagsException, status: 400 },
} as const;

export type ElbErrorCode = keyof typeof MODELLED;

export function elbError(code: ElbErrorCode, message: string): Error {
  const { exception, status } = MODELLED[code];
  // The SDK's exception classes take the same options as their base class.
  const exceptionClass = exception as unknown as ServiceExceptionClass;
  const error = serviceException(exceptionClass, {
    name: exceptionClass.name,
    message,
    httpStatusCode: status,
  });
  return Object.assign(error, { Code: code });
}

/** An input the API rejects before looking at any resource (an out-of-range value, a bad format). */
export function validationError(message: string): Error {
  return serviceException(ElasticLoadBalancingServiceException, { name: 'ValidationError', message });
}

export const invalidConfiguration = (message: string) => elbError('InvalidConfigurationRequest', message);

export const loadBalancerNotFound = (name: string) =>
  elbError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`);
