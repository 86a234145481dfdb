import { ElastiCacheClient, ElastiCacheServiceException } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';

/** ElastiCache cache subnet groups, replication groups and snapshots. */
export class ElastiCacheStore {
  constructor(readonly env: FakeEnvironment) {}
}

export function createElastiCacheService(env: FakeEnvironment): {
  service: FakeService;
  store: ElastiCacheStore;
} {
  const store = new ElastiCacheStore(env);
  const service = defineService({
    name: 'elasticache',
    mockClient: () => mockClient(ElastiCacheClient),
    exceptionClass: ElastiCacheServiceException,
    handlers: {},
  });
  return { service, store };
}
