import type {
  CreateLoadBalancerListenersCommandInput,
  CreateLoadBalancerListenersCommandOutput,
  DeleteLoadBalancerListenersCommandInput,
  DeleteLoadBalancerListenersCommandOutput,
  SetLoadBalancerListenerSSLCertificateCommandInput,
  SetLoadBalancerListenerSSLCertificateCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Result } from '../../core/service.js';
import { elbError, invalidConfiguration, validationError } from './errors.js';
import { DEFAULT_SECURITY_POLICY } from './predefined-policies.js';
import type { ListenerRecord, LoadBalancerRecord } from './records.js';
import type { ElbStore } from './store.js';
import { sameListener, toListenerRecord } from './validate.js';

function isSecure(listener: ListenerRecord): boolean {
  return listener.protocol === 'HTTPS' || listener.protocol === 'SSL';
}

/**
 * An HTTPS/SSL listener created without a policy gets AWS's default security policy: a copy of the
 * predefined ELBSecurityPolicy-2016-08 is added to the load balancer and put on the listener.
 */
export function addDefaultSslPolicy(store: ElbStore, lb: LoadBalancerRecord, listener: ListenerRecord): void {
  if (!isSecure(listener)) return;
  if (!lb.policies.some((p) => p.name === DEFAULT_SECURITY_POLICY)) {
    const predefined = store.predefinedPolicies.get(DEFAULT_SECURITY_POLICY)!;
    lb.policies.push(structuredClone(predefined));
  }
  listener.policyNames = [DEFAULT_SECURITY_POLICY];
}

export function listenerOn(lb: LoadBalancerRecord, port: number | undefined): ListenerRecord {
  const listener = lb.listeners.find((l) => l.loadBalancerPort === port);
  if (!listener) {
    throw elbError(
      'ListenerNotFound',
      `Load balancer '${lb.name}' has no listener on port ${port ?? 'undefined'}`,
    );
  }
  return listener;
}

export function listenerHandlers(store: ElbStore) {
  return {
    /** A listener already on a port must be configured alike (then nothing changes), else DuplicateListener. */
    CreateLoadBalancerListeners(
      input: CreateLoadBalancerListenersCommandInput,
    ): Result<CreateLoadBalancerListenersCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      if (!input.Listeners?.length) throw validationError('At least one listener is required');
      const listeners = input.Listeners.map(toListenerRecord);
      for (const listener of listeners) {
        const existing = lb.listeners.find((l) => l.loadBalancerPort === listener.loadBalancerPort);
        if (existing && !sameListener(existing, listener)) {
          throw elbError(
            'DuplicateListener',
            `A listener already exists for ${lb.name} with LoadBalancerPort ${listener.loadBalancerPort}, but with a different InstancePort, Protocol, or SSLCertificateId`,
          );
        }
      }
      for (const listener of listeners) {
        if (lb.listeners.some((l) => l.loadBalancerPort === listener.loadBalancerPort)) continue;
        addDefaultSslPolicy(store, lb, listener);
        lb.listeners.push(listener);
      }
      return {};
    },

    /** Ports without a listener are ignored. */
    DeleteLoadBalancerListeners(
      input: DeleteLoadBalancerListenersCommandInput,
    ): Result<DeleteLoadBalancerListenersCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const ports = new Set(input.LoadBalancerPorts ?? []);
      lb.listeners = lb.listeners.filter((l) => !ports.has(l.loadBalancerPort));
      return {};
    },

    SetLoadBalancerListenerSSLCertificate(
      input: SetLoadBalancerListenerSSLCertificateCommandInput,
    ): Result<SetLoadBalancerListenerSSLCertificateCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const listener = listenerOn(lb, input.LoadBalancerPort);
      if (!isSecure(listener))
        throw invalidConfiguration(
          `The ${listener.protocol} listener on port ${listener.loadBalancerPort} takes no certificate`,
        );
      if (!/^arn:aws[a-z-]*:(acm|iam):/.test(input.SSLCertificateId ?? ''))
        throw elbError('CertificateNotFound', `Certificate '${input.SSLCertificateId}' not found`);
      listener.sslCertificateId = input.SSLCertificateId;
      return {};
    },
  };
}
