import { IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';

/** IAM roles, instance profiles and their policies. */
export class IamStore {
  constructor(readonly env: FakeEnvironment) {}
}

export function createIamService(env: FakeEnvironment): { service: FakeService; store: IamStore } {
  const store = new IamStore(env);
  const service = defineService({
    name: 'iam',
    mockClient: () => mockClient(IAMClient),
    exceptionClass: IAMServiceException,
    handlers: {},
  });
  return { service, store };
}
