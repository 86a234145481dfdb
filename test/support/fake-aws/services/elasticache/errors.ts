import {
  CacheClusterNotFoundFault,
  CacheSubnetGroupAlreadyExistsFault,
  CacheSubnetGroupInUse,
  CacheSubnetGroupNotFoundFault,
  InvalidARNFault,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  InvalidReplicationGroupStateFault,
  InvalidSubnet,
  ReplicationGroupAlreadyExistsFault,
  ReplicationGroupNotFoundFault,
  SnapshotAlreadyExistsFault,
  SnapshotNotFoundFault,
  TagNotFoundFault,
  TagQuotaPerResourceExceeded,
} from '@aws-sdk/client-elasticache';
import { serviceException, type ServiceExceptionClass } from '../../core/errors.js';

/**
 * The ElastiCache errors the fake raises, as the SDK deserializes them: an instance of the SDK's
 * exception class, whose `name` is the class name (what the SDK's waiters match), and `Code`, the
 * code on the wire (what the tool's awsErrorCode reads). The two differ for some errors: the wire
 * says `ReplicationGroupAlreadyExists`, the class is `ReplicationGroupAlreadyExistsFault`.
 */
const ERRORS = {
  CacheClusterNotFoundFault: { exception: CacheClusterNotFoundFault, code: 'CacheClusterNotFound' },
  CacheSubnetGroupAlreadyExistsFault: {
    exception: CacheSubnetGroupAlreadyExistsFault,
    code: 'CacheSubnetGroupAlreadyExists',
  },
  CacheSubnetGroupInUse: { exception: CacheSubnetGroupInUse, code: 'CacheSubnetGroupInUse' },
  CacheSubnetGroupNotFoundFault: {
    exception: CacheSubnetGroupNotFoundFault,
    code: 'CacheSubnetGroupNotFoundFault',
  },
  InvalidARNFault: { exception: InvalidARNFault, code: 'InvalidARN' },
  InvalidParameterCombinationException: {
    exception: InvalidParameterCombinationException,
    code: 'InvalidParameterCombination',
  },
  InvalidParameterValueException: {
    exception: InvalidParameterValueException,
    code: 'InvalidParameterValue',
  },
  InvalidReplicationGroupStateFault: {
    exception: InvalidReplicationGroupStateFault,
    code: 'InvalidReplicationGroupState',
  },
  InvalidSubnet: { exception: InvalidSubnet, code: 'InvalidSubnet' },
  ReplicationGroupAlreadyExistsFault: {
    exception: ReplicationGroupAlreadyExistsFault,
    code: 'ReplicationGroupAlreadyExists',
  },
  ReplicationGroupNotFoundFault: {
    exception: ReplicationGroupNotFoundFault,
    code: 'ReplicationGroupNotFoundFault',
  },
  SnapshotAlreadyExistsFault: { exception: SnapshotAlreadyExistsFault, code: 'SnapshotAlreadyExistsFault' },
  SnapshotNotFoundFault: { exception: SnapshotNotFoundFault, code: 'SnapshotNotFoundFault' },
  TagNotFoundFault: { exception: TagNotFoundFault, code: 'TagNotFound' },
  TagQuotaPerResourceExceeded: {
    exception: TagQuotaPerResourceExceeded,
    code: 'TagQuotaPerResourceExceeded',
  },
} as const;

export type ElastiCacheErrorName = keyof typeof ERRORS;

export function elastiCacheError(name: ElastiCacheErrorName, message: string): Error {
  const { exception, code } = ERRORS[name];
  // The SDK's exception classes take the same options as their base class.
  const error = serviceException(exception as unknown as ServiceExceptionClass, { name, message });
  return Object.assign(error, { Code: code });
}

export const invalidParameterValue = (message: string) =>
  elastiCacheError('InvalidParameterValueException', message);

export const invalidParameterCombination = (message: string) =>
  elastiCacheError('InvalidParameterCombinationException', message);

export const notFound = {
  replicationGroup: (id: string) =>
    elastiCacheError('ReplicationGroupNotFoundFault', `ReplicationGroup ${id} not found.`),
  subnetGroup: (name: string) =>
    elastiCacheError('CacheSubnetGroupNotFoundFault', `CacheSubnetGroup ${name} not found.`),
  cacheCluster: (id: string) =>
    elastiCacheError('CacheClusterNotFoundFault', `CacheCluster ${id} not found.`),
  snapshot: (name: string) => elastiCacheError('SnapshotNotFoundFault', `Snapshot ${name} not found.`),
};
