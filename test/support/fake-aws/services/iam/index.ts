import { IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import { instanceProfileHandlers } from './instance-profiles.js';
import { roleHandlers } from './roles.js';
import { IamStore } from './store.js';

export {
  AWS_MANAGED_POLICIES,
  IAM_QUOTAS,
  IamStore,
  type InstanceProfileRecord,
  type ProfilePropagation,
  type RoleRecord,
} from './store.js';
export { urlEncodePolicy } from './policy-document.js';

/** The fake IAM API: roles, their inline and managed policies, and instance profiles. */
export function createIamService(env: FakeEnvironment): { service: FakeService; store: IamStore } {
  const store = new IamStore(env);
  const service = defineService({
    name: 'iam',
    mockClient: () => mockClient(IAMClient),
    exceptionClass: IAMServiceException,
    handlers: {
      ...roleHandlers(store),
      ...instanceProfileHandlers(store),
    },
    faultCodes: {
      throttle: { name: 'Throttling', message: 'Rate exceeded' },
      internal: {
        name: 'ServiceFailure',
        message: 'Request processing has failed due to some unknown error.',
      },
      unavailable: { name: 'ServiceUnavailable', message: 'Service is unavailable' },
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
