/**
 * Step `load-balancer` (guide: "Load Balancer"): a classic load balancer, internet-facing, in the
 * public subnets behind the `lb` security group. HTTP 80 to the nodes' port 80; HTTPS 443 to port 80
 * when a certificate is configured, with an SSL negotiation policy that enables the AES256-GCM
 * ciphers GitLab 15+ needs; TCP 22 for git over SSH when enabled. Health check on GitLab's readiness
 * endpoint, cross-zone load balancing, connection draining. The `app` group's rule that admits HTTP
 * only from `lb` belongs to the security step.
 */
import { waitUntilElbInterfacesReleased } from '../../aws/elb-interfaces.js';
import { readOnlyStepContext } from '../../engine/context.js';
import type {
  DestroyContext,
  PlanAction,
  PlanContext,
  PlannedResource,
  Step,
  StepContext,
  StepPlan,
  StepResult,
} from '../../engine/step.js';
import { destroyDeletes, destroyResource, ensureResource, findLive, planResource } from '../resource.js';
import { applyChanges, readSettings } from './converge.js';
import { fixedDrift, loadBalancerChanges } from './drift.js';
import {
  ROLES,
  TYPES,
  listenerLabel,
  loadBalancerDetails,
  loadBalancerLayout,
  toSdkListener,
} from './layout.js';
import type { LoadBalancerLayout } from './layout.js';
import { describeLoadBalancer, loadBalancerSpec } from './load-balancer.js';
import { inspectLoadBalancer } from './inspect.js';
import { noWiring, wiringFrom, zonesFrom } from './wiring.js';

export interface LoadBalancerOutputs {
  /** `<deployment>-elb`, unless a load balancer a user tagged was adopted. */
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  /** e.g. `HTTP:80->HTTP:80`, `HTTPS:443->HTTP:80`, `TCP:22->TCP:22`. */
  listeners: string[];
}

function listenerLabels(layout: LoadBalancerLayout): string[] {
  return layout.listeners.map((l) => listenerLabel(toSdkListener(l)));
}

async function ensureLoadBalancer(ctx: StepContext): Promise<StepResult> {
  const network = ctx.outputsOf('network');
  const wiring = wiringFrom(network, ctx.outputsOf('security'));
  const layout = loadBalancerLayout(ctx.config);
  const zones = zonesFrom(network, ctx.config.network.availabilityZones);
  const { resource, action } = await ensureResource(
    ctx,
    loadBalancerSpec(ctx, layout, () => wiring, zones),
  );
  const name = resource.lb.LoadBalancerName!;
  for (const problem of fixedDrift(layout, resource.lb)) {
    ctx.events.warn('resource.drift', `${problem}; gitlab-ha does not change it in place`, {
      type: TYPES.loadBalancer,
      role: ROLES.loadBalancer,
      id: name,
    });
  }
  const changes = loadBalancerChanges(layout, await readSettings(ctx, layout, resource.lb), wiring);
  await applyChanges(ctx, layout, name, changes, action === 'created');
  const lb = changes.length > 0 ? ((await describeLoadBalancer(ctx, name)) ?? resource.lb) : resource.lb;
  const outputs: LoadBalancerOutputs = {
    name,
    dnsName: lb.DNSName!,
    canonicalHostedZoneId: lb.CanonicalHostedZoneNameID!,
    listeners: listenerLabels(layout),
  };
  return { outputs: { ...outputs } };
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  for (const action of ['create', 'adopt', 'update'] as const)
    if (resources.some((r) => r.action === action)) return action;
  return 'noop';
}

async function planLoadBalancer(ctx: PlanContext): Promise<StepPlan> {
  const layout = loadBalancerLayout(ctx.config);
  const network = ctx.outputsOfIfDone('network');
  const security = ctx.outputsOfIfDone('security');
  const zones = zonesFrom(network, ctx.config.network.availabilityZones);
  const details = loadBalancerDetails(layout, zones);
  if (!ctx.aws || !network || !security) {
    const reason = ctx.aws ? 'the network and security groups are not deployed yet' : undefined;
    const resource: PlannedResource = {
      role: ROLES.loadBalancer,
      type: TYPES.loadBalancer,
      action: 'create',
      details,
      ...(reason ? { reason } : {}),
    };
    return { step: 'load-balancer', action: 'create', resources: [resource], live: Boolean(ctx.aws) };
  }
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const wiring = wiringFrom(network, security);
  const planned = await planResource(ctx, loadBalancerSpec(readOnly, layout, noWiring, zones));
  const resources: PlannedResource[] = [planned];
  const lb = planned.id ? await describeLoadBalancer(readOnly, planned.id) : undefined;
  if (lb) {
    const changes = loadBalancerChanges(layout, await readSettings(readOnly, layout, lb), wiring);
    resources.push(
      ...changes.map((change): PlannedResource => ({
        role: `${ROLES.loadBalancer}/${change.kind}`,
        type: TYPES.loadBalancer,
        action: 'update',
        id: planned.id!,
        reason: change.description,
      })),
    );
  }
  return { step: 'load-balancer', action: summaryAction(resources), resources, live: true };
}

async function destroyLoadBalancer(ctx: DestroyContext): Promise<void> {
  const layout = loadBalancerLayout(ctx.config);
  const spec = loadBalancerSpec(ctx, layout, noWiring, ctx.config.network.availabilityZones);
  const recordedName = ctx.recorded(ROLES.loadBalancer)?.id;
  const live = await findLive(ctx, spec);
  const kept = live !== undefined && !destroyDeletes(ctx, ROLES.loadBalancer, live.tags);
  await destroyResource(ctx, spec);
  if (kept) return;
  // Its network interfaces outlive it for a while and hold the subnets and the lb security group.
  // (Waited for even when it was already gone: a run that stopped right after deleting it resumes here.)
  await waitUntilElbInterfacesReleased(ctx, live?.lb.LoadBalancerName ?? recordedName ?? layout.name);
}

export const loadBalancerStep: Step = {
  id: 'load-balancer',
  title: 'Load balancer (classic ELB)',
  dependsOn: ['network', 'security'],
  plan: planLoadBalancer,
  ensure: ensureLoadBalancer,
  inspect: inspectLoadBalancer,
  destroy: destroyLoadBalancer,
};
