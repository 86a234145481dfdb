import { RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';

/** RDS DB subnet groups, instances and snapshots. */
export class RdsStore {
  constructor(readonly env: FakeEnvironment) {}
}

export function createRdsService(env: FakeEnvironment): { service: FakeService; store: RdsStore } {
  const store = new RdsStore(env);
  const service = defineService({
    name: 'rds',
    mockClient: () => mockClient(RDSClient),
    exceptionClass: RDSServiceException,
    handlers: {},
  });
  return { service, store };
}
