/** What the load-balancer step needs from network and security: the public subnets and the `lb` group. */
import type { StepOutputs } from '../../engine/step.js';
import type { LoadBalancerWiring } from './load-balancer.js';

function stringList(outputs: StepOutputs, key: string, step: string): string[] {
  const value = outputs[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new Error(`load-balancer: the ${step} step recorded no ${key} output`);
  }
  return value as string[];
}

export function wiringFrom(network: StepOutputs, security: StepOutputs): LoadBalancerWiring {
  const groups = security.securityGroupIds as Record<string, unknown> | undefined;
  const securityGroupId = groups?.lb;
  if (typeof securityGroupId !== 'string') {
    throw new Error('load-balancer: the security step recorded no securityGroupIds.lb output');
  }
  return { publicSubnetIds: stringList(network, 'publicSubnetIds', 'network'), securityGroupId };
}

/** The zones of the deployment, for plans: the network's when known, else the config's. */
export function zonesFrom(network: StepOutputs | undefined, configured: readonly string[]): string[] {
  const zones = network?.availabilityZones;
  return Array.isArray(zones) && zones.every((z) => typeof z === 'string')
    ? (zones as string[])
    : [...configured];
}

/** Inspect, plan and destroy find the load balancer, never create it, so they need no wiring. */
export function noWiring(): never {
  throw new Error('load-balancer: creating the load balancer needs the network and security outputs');
}
