import type {
  CreateLoadBalancerPolicyCommandInput,
  CreateLoadBalancerPolicyCommandOutput,
  DescribeLoadBalancerPoliciesCommandInput,
  DescribeLoadBalancerPoliciesCommandOutput,
  SetLoadBalancerPoliciesOfListenerCommandInput,
  SetLoadBalancerPoliciesOfListenerCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Result } from '../../core/service.js';
import { describePolicy } from './describe.js';
import { elbError, invalidConfiguration } from './errors.js';
import { listenerOn } from './listeners.js';
import {
  POLICY_TYPES,
  REFERENCE_SECURITY_POLICY,
  SSL_NEGOTIATION_POLICY_TYPE,
} from './predefined-policies.js';
import type { PolicyAttribute, PolicyRecord } from './records.js';
import type { ElbStore } from './store.js';

const policyNotFound = (name: string) => elbError('PolicyNotFound', `There is no policy with name ${name}`);

/**
 * The attributes an SSL negotiation policy ends up with. Based on a predefined policy
 * (Reference-Security-Policy), it takes that policy's protocols and ciphers, and lists the reference
 * too, as DescribeLoadBalancerPolicies shows it on AWS. (The fake lets explicit attributes given
 * beside the reference override it; gitlab-ha never mixes the two.)
 */
function sslAttributes(store: ElbStore, given: PolicyAttribute[]): PolicyAttribute[] {
  const reference = given.find((a) => a.name === REFERENCE_SECURITY_POLICY);
  if (!reference) return given;
  const base = store.predefinedPolicies.get(reference.value);
  if (!base) throw policyNotFound(reference.value);
  const explicit = new Map(given.filter((a) => a !== reference).map((a) => [a.name, a.value]));
  return [
    reference,
    ...base.attributes.map((a) => ({ name: a.name, value: explicit.get(a.name) ?? a.value })),
  ];
}

export function policyHandlers(store: ElbStore) {
  return {
    CreateLoadBalancerPolicy(
      input: CreateLoadBalancerPolicyCommandInput,
    ): Result<CreateLoadBalancerPolicyCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const name = input.PolicyName ?? '';
      const typeName = input.PolicyTypeName ?? '';
      if (!POLICY_TYPES.has(typeName))
        throw elbError('PolicyTypeNotFound', `There is no policy type with name ${typeName}`);
      if (lb.policies.some((p) => p.name === name)) {
        throw elbError('DuplicatePolicyName', `Policy ${name} already exists for load balancer ${lb.name}`);
      }
      const given = (input.PolicyAttributes ?? []).map((a) => ({
        name: a.AttributeName ?? '',
        value: a.AttributeValue ?? '',
      }));
      const policy: PolicyRecord = {
        name,
        typeName,
        attributes: typeName === SSL_NEGOTIATION_POLICY_TYPE ? sslAttributes(store, given) : given,
      };
      lb.policies.push(policy);
      return {};
    },

    /**
     * With a load balancer name: its policies (the named ones, or all). Without: the predefined
     * policies (the named ones, or all).
     */
    DescribeLoadBalancerPolicies(
      input: DescribeLoadBalancerPoliciesCommandInput,
    ): Result<DescribeLoadBalancerPoliciesCommandOutput> {
      const pool = input.LoadBalancerName
        ? new Map(store.loadBalancer(input.LoadBalancerName).policies.map((p) => [p.name, p]))
        : store.predefinedPolicies;
      const names = input.PolicyNames ?? [];
      const policies = names.length
        ? names.map((name) => {
            const policy = pool.get(name);
            if (!policy) throw policyNotFound(name);
            return policy;
          })
        : [...pool.values()];
      return { PolicyDescriptions: policies.map(describePolicy) };
    },

    /** Replaces the listener's policies; an HTTPS/SSL listener takes one SSL negotiation policy at most. */
    SetLoadBalancerPoliciesOfListener(
      input: SetLoadBalancerPoliciesOfListenerCommandInput,
    ): Result<SetLoadBalancerPoliciesOfListenerCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const listener = listenerOn(lb, input.LoadBalancerPort);
      const names = input.PolicyNames ?? [];
      const policies = names.map((name) => {
        const policy = lb.policies.find((p) => p.name === name);
        if (!policy) throw policyNotFound(name);
        return policy;
      });
      const negotiation = policies.filter((p) => p.typeName === SSL_NEGOTIATION_POLICY_TYPE);
      if (negotiation.length > 1)
        throw invalidConfiguration('A listener can have only one SSL negotiation policy');
      if (negotiation.length > 0 && listener.protocol !== 'HTTPS' && listener.protocol !== 'SSL') {
        throw invalidConfiguration(
          `An SSL negotiation policy applies to HTTPS and SSL listeners, not to ${listener.protocol} on port ${listener.loadBalancerPort}`,
        );
      }
      listener.policyNames = [...names];
      return {};
    },
  };
}
