import { AutoScalingClient, AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import {
  ElasticLoadBalancingClient,
  ElasticLoadBalancingServiceException,
} from '@aws-sdk/client-elastic-load-balancing';
import { ACMClient, ACMServiceException } from '@aws-sdk/client-acm';
import { PricingClient, PricingServiceException } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../core/define-service.js';
import type { FakeService } from '../core/service.js';

/**
 * Services whose calls the fake does not model yet. They are stubbed anyway so that no test can
 * reach a real endpoint by accident: every call fails with FakeAwsNotImplemented. Replace an entry
 * with its own module (like ec2/) when a step needs the service.
 */
export function createNotYetModelledServices(): FakeService[] {
  return [
    defineService({
      name: 'acm',
      mockClient: () => mockClient(ACMClient),
      exceptionClass: ACMServiceException,
      handlers: {},
    }),
    defineService({
      name: 'pricing',
      mockClient: () => mockClient(PricingClient),
      exceptionClass: PricingServiceException,
      handlers: {},
    }),
    defineService({
      name: 'elb',
      mockClient: () => mockClient(ElasticLoadBalancingClient),
      exceptionClass: ElasticLoadBalancingServiceException,
      handlers: {},
    }),
    defineService({
      name: 'autoscaling',
      mockClient: () => mockClient(AutoScalingClient),
      exceptionClass: AutoScalingServiceException,
      handlers: {},
    }),
    defineService({
      name: 'cloudwatch',
      mockClient: () => mockClient(CloudWatchClient),
      exceptionClass: CloudWatchServiceException,
      handlers: {},
    }),
  ];
}
