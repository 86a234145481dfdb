/**
 * Live status of the load balancer: its DNS name, listeners, health check and attributes as AWS has
 * them, the instances registered with it and their health, and what differs from the config.
 */
import { DescribeInstanceHealthCommand } from '@aws-sdk/client-elastic-load-balancing';
import type { InstanceState } from '@aws-sdk/client-elastic-load-balancing';
import { awsCall } from '../../aws/errors.js';
import type { StepContext, StepOutputs, StepStatus } from '../../engine/step.js';
import { readSettings } from './converge.js';
import type { LiveSettings } from './drift.js';
import { fixedDrift, loadBalancerChanges } from './drift.js';
import { ROLES, TYPES, healthCheckLabel, listenerLabel, loadBalancerLayout } from './layout.js';
import type { LoadBalancerWiring } from './load-balancer.js';
import { describeLoadBalancer } from './load-balancer.js';
import { wiringFrom } from './wiring.js';

async function instanceHealth(ctx: StepContext, name: string): Promise<InstanceState[]> {
  const out = await awsCall(
    'describing the health of the instances behind classic load balancer',
    () => ctx.aws.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: name })),
    name,
  );
  return out.InstanceStates ?? [];
}

function statusOutputs(live: LiveSettings, health: InstanceState[]): StepOutputs {
  const { lb, attributes } = live;
  const draining = attributes.ConnectionDraining;
  const inService = health.filter((h) => h.State === 'InService').length;
  return {
    name: lb.LoadBalancerName ?? null,
    dnsName: lb.DNSName ?? null,
    canonicalHostedZoneId: lb.CanonicalHostedZoneNameID ?? null,
    scheme: lb.Scheme ?? null,
    listeners: (lb.ListenerDescriptions ?? []).flatMap((d) => {
      if (!d.Listener) return [];
      const policies = d.PolicyNames?.length ? ` (${d.PolicyNames.join(', ')})` : '';
      return [`${listenerLabel(d.Listener)}${policies}`];
    }),
    healthCheck: lb.HealthCheck ? healthCheckLabel(lb.HealthCheck) : null,
    crossZone: attributes.CrossZoneLoadBalancing?.Enabled ?? false,
    connectionDraining: draining?.Enabled ? `${draining.Timeout} s` : 'off',
    idleTimeout: `${attributes.ConnectionSettings?.IdleTimeout ?? 'unknown'} s`,
    instancesInService: `${inService}/${health.length}`,
    instances: health.map((h) => {
      const why =
        h.State !== 'InService' && h.Description && h.Description !== 'N/A' ? `: ${h.Description}` : '';
      return `${h.InstanceId}: ${h.State}${why}`;
    }),
  };
}

/** The subnets and security group are compared when their steps' outputs are at hand. */
function wiringIfDeployed(ctx: StepContext): LoadBalancerWiring | undefined {
  try {
    return wiringFrom(ctx.outputsOf('network'), ctx.outputsOf('security'));
  } catch {
    return undefined;
  }
}

export async function inspectLoadBalancer(ctx: StepContext): Promise<StepStatus> {
  const layout = loadBalancerLayout(ctx.config);
  const recordedId = ctx.recorded(ROLES.loadBalancer)?.id;
  const lb = recordedId ? await describeLoadBalancer(ctx, recordedId) : undefined;
  const resource = {
    role: ROLES.loadBalancer,
    type: TYPES.loadBalancer,
    ...(recordedId ? { id: recordedId } : {}),
  };
  if (!lb) {
    const problem = recordedId
      ? `load balancer ${recordedId} no longer exists`
      : 'the load balancer is not recorded in state';
    return {
      step: 'load-balancer',
      health: 'missing',
      resources: [{ ...resource, state: 'missing', healthy: false, drift: problem }],
      outputs: {},
      drift: [problem],
    };
  }
  const live = await readSettings(ctx, layout, lb);
  const drift = [
    ...fixedDrift(layout, lb),
    ...loadBalancerChanges(layout, live, wiringIfDeployed(ctx)).map((c) => c.description),
  ];
  const health = await instanceHealth(ctx, lb.LoadBalancerName!);
  return {
    step: 'load-balancer',
    health: drift.length > 0 ? 'degraded' : 'healthy',
    resources: [
      {
        ...resource,
        state: 'active',
        healthy: drift.length === 0,
        ...(drift.length > 0 ? { drift: drift.join('; ') } : {}),
      },
    ],
    outputs: statusOutputs(live, health),
    drift,
  };
}
