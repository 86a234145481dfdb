/**
 * What the load-balancer step builds, derived from the config alone: the name, the listeners, the
 * SSL negotiation policy, the health check and the attributes. Pure, so offline plans, ensure and
 * inspect agree.
 */
import type { HealthCheck, Listener } from '@aws-sdk/client-elastic-load-balancing';
import type { Config } from '../../config/schema.js';

export const ROLES = { loadBalancer: 'load-balancer' } as const;
export const TYPES = { loadBalancer: 'elb:load-balancer' } as const;

/** Classic load balancer names: at most 32 letters, digits and hyphens. */
export const MAX_NAME_LENGTH = 32;

/**
 * The predefined policy the HTTPS listener's SSL negotiation policy is based on: TLS 1.2 only.
 * Classic load balancers answer GitLab 15+ with 408s unless AES256-GCM-SHA384 is allowed (see
 * gitlab-notes.md); this policy enables it, and ensure checks that the policy AWS made from it does.
 */
export const REFERENCE_SECURITY_POLICY = 'ELBSecurityPolicy-TLS-1-2-2017-01';
export const REQUIRED_CIPHERS = ['ECDHE-RSA-AES256-GCM-SHA384', 'AES256-GCM-SHA384'] as const;
export const SSL_NEGOTIATION_POLICY_TYPE = 'SSLNegotiationPolicyType';
export const SSL_POLICY_NAME = `gitlab-ha-${REFERENCE_SECURITY_POLICY}`;

/** Connection draining: requests in flight get this long when a node leaves (scale-in, replacement). */
export const CONNECTION_DRAINING_SECONDS = 300;
/**
 * Idle connection timeout (AWS's default is 60 s). Git over SSH and HTTP can stay silent for minutes
 * while a large repository's pack is computed, and GitLab Runner long polls for up to 50 s, so 60 s
 * would cut clones of big repositories; 300 s keeps them.
 */
export const IDLE_TIMEOUT_SECONDS = 300;

export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
export const SSH_PORT = 22;

export interface ListenerLayout {
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  instanceProtocol: 'HTTP' | 'TCP';
  instancePort: number;
  certificateArn?: string;
}

export interface LoadBalancerLayout {
  name: string;
  scheme: 'internet-facing';
  /** HTTP 80, then HTTPS 443 (with a certificate), then TCP 22 (git over SSH). */
  listeners: ListenerLayout[];
  /** Only with an HTTPS listener. */
  sslPolicy: { name: string; reference: string; requiredCiphers: readonly string[] } | undefined;
  healthCheck: Required<
    Pick<HealthCheck, 'Target' | 'Interval' | 'Timeout' | 'HealthyThreshold' | 'UnhealthyThreshold'>
  >;
  attributes: { crossZone: true; connectionDrainingSeconds: number; idleTimeoutSeconds: number };
}

/** `<deployment>-elb`; deployment names are at most 22 characters, so it always fits. */
export function loadBalancerName(deployment: string): string {
  const name = `${deployment}-elb`;
  if (name.length > MAX_NAME_LENGTH) {
    throw new Error(`load balancer name ${name} is longer than ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

export function loadBalancerLayout(config: Config): LoadBalancerLayout {
  const { certificateArn, healthCheck } = config.loadBalancer;
  const listeners: ListenerLayout[] = [
    { protocol: 'HTTP', port: HTTP_PORT, instanceProtocol: 'HTTP', instancePort: HTTP_PORT },
  ];
  // TLS ends at the load balancer; nodes serve plain HTTP on 80 (nginx['listen_https'] = false).
  if (certificateArn) {
    listeners.push({
      protocol: 'HTTPS',
      port: HTTPS_PORT,
      instanceProtocol: 'HTTP',
      instancePort: HTTP_PORT,
      certificateArn,
    });
  }
  if (config.gitlab.gitSsh)
    listeners.push({ protocol: 'TCP', port: SSH_PORT, instanceProtocol: 'TCP', instancePort: SSH_PORT });
  return {
    name: loadBalancerName(config.name),
    scheme: 'internet-facing',
    listeners,
    sslPolicy: certificateArn
      ? { name: SSL_POLICY_NAME, reference: REFERENCE_SECURITY_POLICY, requiredCiphers: REQUIRED_CIPHERS }
      : undefined,
    healthCheck: {
      Target: `HTTP:${HTTP_PORT}${healthCheck.path}`,
      Interval: healthCheck.intervalSeconds,
      Timeout: healthCheck.timeoutSeconds,
      HealthyThreshold: healthCheck.healthyThreshold,
      UnhealthyThreshold: healthCheck.unhealthyThreshold,
    },
    attributes: {
      crossZone: true,
      connectionDrainingSeconds: CONNECTION_DRAINING_SECONDS,
      idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
    },
  };
}

export function toSdkListener(listener: ListenerLayout): Listener {
  return {
    Protocol: listener.protocol,
    LoadBalancerPort: listener.port,
    InstanceProtocol: listener.instanceProtocol,
    InstancePort: listener.instancePort,
    ...(listener.certificateArn ? { SSLCertificateId: listener.certificateArn } : {}),
  };
}

/** `HTTPS:443->HTTP:80`, for outputs, plans and messages. */
export function listenerLabel(listener: Listener): string {
  return `${listener.Protocol?.toUpperCase()}:${listener.LoadBalancerPort}->${listener.InstanceProtocol?.toUpperCase()}:${listener.InstancePort}`;
}

/** `HTTP:80/-/readiness every 10 s (timeout 5 s), healthy after 2, unhealthy after 3`. */
export function healthCheckLabel(check: HealthCheck): string {
  return `${check.Target} every ${check.Interval} s (timeout ${check.Timeout} s), healthy after ${check.HealthyThreshold}, unhealthy after ${check.UnhealthyThreshold}`;
}

/** Key parameters for plans and events. */
export function loadBalancerDetails(
  layout: LoadBalancerLayout,
  zones: readonly string[],
): Record<string, string | number | boolean> {
  return {
    name: layout.name,
    scheme: layout.scheme,
    subnets: `public subnets in ${zones.join(', ')}`,
    securityGroup: 'lb',
    listeners: layout.listeners.map((l) => listenerLabel(toSdkListener(l))).join(', '),
    ...(layout.sslPolicy
      ? {
          certificate: layout.listeners.find((l) => l.certificateArn)!.certificateArn!,
          sslPolicy: `${layout.sslPolicy.reference} (${layout.sslPolicy.requiredCiphers.join(', ')} enabled)`,
        }
      : {}),
    healthCheck: healthCheckLabel(layout.healthCheck),
    crossZone: layout.attributes.crossZone,
    connectionDraining: `${layout.attributes.connectionDrainingSeconds} s`,
    idleTimeout: `${layout.attributes.idleTimeoutSeconds} s`,
  };
}
