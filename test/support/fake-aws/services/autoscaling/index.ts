import { AutoScalingClient, AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import type { Ec2Store } from '../ec2/index.js';
import { groupHandlers } from './groups.js';
import { instanceRefreshHandlers } from './instance-refreshes.js';
import { policyHandlers } from './policies.js';
import { AutoScalingStore } from './store.js';

export { AutoScalingStore, type GroupInstancesHook } from './store.js';
export type * from './records.js';

/**
 * The fake Auto Scaling API: launch-template groups whose instances the EC2 store runs, simple
 * scaling policies and rolling instance refreshes. `ec2` is the EC2 store the instances live in.
 */
export function createAutoScalingService(
  env: FakeEnvironment,
  ec2: Ec2Store,
): { service: FakeService; store: AutoScalingStore } {
  const store = new AutoScalingStore(env, ec2);
  const service = defineService({
    name: 'autoscaling',
    mockClient: () => mockClient(AutoScalingClient),
    exceptionClass: AutoScalingServiceException,
    handlers: {
      ...groupHandlers(store),
      ...policyHandlers(store),
      ...instanceRefreshHandlers(store),
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
