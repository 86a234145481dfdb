import {
  ElasticLoadBalancingClient,
  ElasticLoadBalancingServiceException,
} from '@aws-sdk/client-elastic-load-balancing';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import type { Ec2Store } from '../ec2/index.js';
import { instanceHandlers } from './instances.js';
import { listenerHandlers } from './listeners.js';
import { loadBalancerHandlers } from './load-balancers.js';
import { policyHandlers } from './policies.js';
import { ElbStore } from './store.js';
import { tagHandlers } from './tags.js';

export { ElbStore } from './store.js';
export {
  DEFAULT_SECURITY_POLICY,
  REFERENCE_SECURITY_POLICY,
  SSL_NEGOTIATION_POLICY_TYPE,
} from './predefined-policies.js';
export type * from './records.js';

/**
 * The fake classic Elastic Load Balancing API: load balancers in a VPC (with their network
 * interfaces in the EC2 store), listeners, SSL negotiation policies, health checks, attributes,
 * registered instances and their health, and tags.
 */
export function createElbService(
  env: FakeEnvironment,
  ec2: Ec2Store,
): { service: FakeService; store: ElbStore } {
  const store = new ElbStore(env, ec2);
  const service = defineService({
    name: 'elb',
    mockClient: () => mockClient(ElasticLoadBalancingClient),
    exceptionClass: ElasticLoadBalancingServiceException,
    handlers: {
      ...loadBalancerHandlers(store),
      ...listenerHandlers(store),
      ...policyHandlers(store),
      ...instanceHandlers(store),
      ...tagHandlers(store),
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
