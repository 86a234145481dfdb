/**
 * How a live classic load balancer differs from the layout, as a list of changes ensure can make
 * (and plan and status can show). Pure: the live settings are read elsewhere (settings.ts).
 */
import type {
  LoadBalancerAttributes,
  LoadBalancerDescription,
  PolicyDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type { ListenerLayout, LoadBalancerLayout } from './layout.js';
import { HTTPS_PORT, healthCheckLabel, listenerLabel, toSdkListener } from './layout.js';
import type { LoadBalancerWiring } from './load-balancer.js';

/** What ensure reads of a load balancer beyond DescribeLoadBalancers. */
export interface LiveSettings {
  lb: LoadBalancerDescription;
  attributes: LoadBalancerAttributes;
  /** This tool's SSL negotiation policy on the load balancer, when it exists there. */
  sslPolicy: PolicyDescription | undefined;
}

export type Change =
  | { kind: 'subnets'; attach: string[]; detach: string[]; kept: string[]; description: string }
  | { kind: 'security-groups'; groups: string[]; description: string }
  | { kind: 'listeners'; remove: number[]; add: ListenerLayout[]; description: string }
  | { kind: 'certificate'; port: number; certificateArn: string; description: string }
  | { kind: 'ssl-policy'; create: boolean; description: string }
  | { kind: 'health-check'; description: string }
  | { kind: 'attributes'; attributes: LoadBalancerAttributes; description: string };

/** Differences gitlab-ha does not change in place (they need a new load balancer). */
export function fixedDrift(layout: LoadBalancerLayout, lb: LoadBalancerDescription): string[] {
  return lb.Scheme && lb.Scheme !== layout.scheme
    ? [`load balancer ${lb.LoadBalancerName} is ${lb.Scheme}, not ${layout.scheme}`]
    : [];
}

/** An SSL negotiation policy's attribute values by name. */
function attributeValues(policy: PolicyDescription): Map<string, string> {
  return new Map(
    (policy.PolicyAttributeDescriptions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeValue ?? '']),
  );
}

/** Required ciphers a policy leaves disabled. */
export function missingCiphers(policy: PolicyDescription, required: readonly string[]): string[] {
  const values = attributeValues(policy);
  return required.filter((cipher) => values.get(cipher) !== 'true');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function subnetChange(lb: LoadBalancerDescription, wanted: readonly string[]): Change | undefined {
  const live = lb.Subnets ?? [];
  const attach = wanted.filter((s) => !live.includes(s));
  const detach = live.filter((s) => !wanted.includes(s));
  if (attach.length === 0 && detach.length === 0) return undefined;
  return {
    kind: 'subnets',
    attach,
    detach,
    kept: live.filter((s) => wanted.includes(s)),
    description: `load balancer ${lb.LoadBalancerName} is in subnets ${live.join(', ') || 'none'}, not the public subnets ${wanted.join(', ')}`,
  };
}

function listenerChanges(lb: LoadBalancerDescription, wanted: readonly ListenerLayout[]): Change[] {
  const live = (lb.ListenerDescriptions ?? []).flatMap((d) => (d.Listener ? [d.Listener] : []));
  const name = lb.LoadBalancerName;
  const changes: Change[] = [];
  const remove: number[] = [];
  const add: ListenerLayout[] = [];
  const problems: string[] = [];
  for (const listener of live) {
    const want = wanted.find((w) => w.port === listener.LoadBalancerPort);
    if (!want) {
      remove.push(listener.LoadBalancerPort!);
      problems.push(`has a listener ${listenerLabel(listener)} gitlab-ha does not manage`);
      continue;
    }
    const sameShape =
      listener.Protocol?.toUpperCase() === want.protocol &&
      listener.InstanceProtocol?.toUpperCase() === want.instanceProtocol &&
      listener.InstancePort === want.instancePort;
    if (!sameShape) {
      remove.push(want.port);
      add.push(want);
      problems.push(
        `has ${listenerLabel(listener)} where the config asks for ${listenerLabel(toSdkListener(want))}`,
      );
    } else if ((listener.SSLCertificateId ?? '') !== (want.certificateArn ?? '')) {
      changes.push({
        kind: 'certificate',
        port: want.port,
        certificateArn: want.certificateArn!,
        description: `load balancer ${name} serves port ${want.port} with certificate ${listener.SSLCertificateId ?? 'none'}, not ${want.certificateArn}`,
      });
    }
  }
  for (const want of wanted) {
    if (live.some((l) => l.LoadBalancerPort === want.port)) continue;
    add.push(want);
    problems.push(`has no listener ${listenerLabel(toSdkListener(want))}`);
  }
  if (remove.length > 0 || add.length > 0)
    changes.unshift({
      kind: 'listeners',
      remove,
      add,
      description: `load balancer ${name} ${problems.join('; ')}`,
    });
  return changes;
}

function sslPolicyChange(
  layout: LoadBalancerLayout,
  live: LiveSettings,
  listenersChange: boolean,
): Change | undefined {
  const policy = layout.sslPolicy;
  if (!policy) return undefined;
  const name = live.lb.LoadBalancerName;
  if (!live.sslPolicy) {
    return {
      kind: 'ssl-policy',
      create: true,
      description: `load balancer ${name} has no SSL negotiation policy ${policy.name}`,
    };
  }
  const onListener = (live.lb.ListenerDescriptions ?? []).find(
    (d) => d.Listener?.LoadBalancerPort === HTTPS_PORT,
  );
  // A listener created again loses its policies, so it needs the policy put back too.
  if (listenersChange || !sameSet(onListener?.PolicyNames ?? [], [policy.name])) {
    return {
      kind: 'ssl-policy',
      create: false,
      description: `load balancer ${name} negotiates TLS on port ${HTTPS_PORT} with ${onListener?.PolicyNames?.join(', ') || 'no policy'}, not ${policy.name}`,
    };
  }
  return undefined;
}

function healthCheckChange(layout: LoadBalancerLayout, lb: LoadBalancerDescription): Change | undefined {
  const live = lb.HealthCheck;
  const want = layout.healthCheck;
  const same =
    live !== undefined &&
    live.Target === want.Target &&
    live.Interval === want.Interval &&
    live.Timeout === want.Timeout &&
    live.HealthyThreshold === want.HealthyThreshold &&
    live.UnhealthyThreshold === want.UnhealthyThreshold;
  if (same) return undefined;
  return {
    kind: 'health-check',
    description: `load balancer ${lb.LoadBalancerName} checks ${live ? healthCheckLabel(live) : 'nothing'}, not ${healthCheckLabel(want)}`,
  };
}

/** Only the attributes that differ, so ModifyLoadBalancerAttributes touches nothing else. */
function attributesChange(layout: LoadBalancerLayout, live: LiveSettings): Change | undefined {
  const { attributes } = live;
  const want = layout.attributes;
  const changed: LoadBalancerAttributes = {};
  const problems: string[] = [];
  if (attributes.CrossZoneLoadBalancing?.Enabled !== want.crossZone) {
    changed.CrossZoneLoadBalancing = { Enabled: want.crossZone };
    problems.push('cross-zone load balancing is off');
  }
  const draining = attributes.ConnectionDraining;
  if (!draining?.Enabled || draining.Timeout !== want.connectionDrainingSeconds) {
    changed.ConnectionDraining = { Enabled: true, Timeout: want.connectionDrainingSeconds };
    problems.push(
      draining?.Enabled
        ? `connection draining waits ${draining.Timeout} s, not ${want.connectionDrainingSeconds} s`
        : 'connection draining is off',
    );
  }
  const idle = attributes.ConnectionSettings?.IdleTimeout;
  if (idle !== want.idleTimeoutSeconds) {
    changed.ConnectionSettings = { IdleTimeout: want.idleTimeoutSeconds };
    problems.push(`the idle timeout is ${idle ?? 'unset'} s, not ${want.idleTimeoutSeconds} s`);
  }
  if (problems.length === 0) return undefined;
  return {
    kind: 'attributes',
    attributes: changed,
    description: `load balancer ${live.lb.LoadBalancerName}: ${problems.join('; ')}`,
  };
}

/** Every change that brings the load balancer to the layout, in the order ensure makes them. */
export function loadBalancerChanges(
  layout: LoadBalancerLayout,
  live: LiveSettings,
  wiring: LoadBalancerWiring | undefined,
): Change[] {
  const { lb } = live;
  const changes: (Change | undefined)[] = [];
  if (wiring) {
    changes.push(subnetChange(lb, wiring.publicSubnetIds));
    if (!sameSet(lb.SecurityGroups ?? [], [wiring.securityGroupId])) {
      changes.push({
        kind: 'security-groups',
        groups: [wiring.securityGroupId],
        description: `load balancer ${lb.LoadBalancerName} has security groups ${lb.SecurityGroups?.join(', ') || 'none'}, not the lb group ${wiring.securityGroupId}`,
      });
    }
  }
  const listeners = listenerChanges(lb, layout.listeners);
  const httpsRecreated = listeners.some(
    (c) => c.kind === 'listeners' && c.add.some((l) => l.port === HTTPS_PORT),
  );
  changes.push(...listeners, sslPolicyChange(layout, live, httpsRecreated));
  changes.push(healthCheckChange(layout, lb), attributesChange(layout, live));
  return changes.filter((c): c is Change => c !== undefined);
}
