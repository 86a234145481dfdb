/**
 * Step `network` (guide: "VPC, subnets, route table, internet gateway"): a VPC with DNS support and
 * hostnames, an internet gateway, one public and one private subnet per AZ, a public route table to
 * the internet gateway, NAT gateway(s) with elastic IPs, and private route tables through them.
 */
import {
  AttachInternetGatewayCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcAttributeCommand,
  ModifyVpcAttributeCommand,
  waitUntilVpcAvailable,
} from '@aws-sdk/client-ec2';
import type { NatGateway, RouteTable, Subnet, Vpc } from '@aws-sdk/client-ec2';
import { awsCall } from '../../aws/errors.js';
import { waitWithSdk } from '../../aws/wait.js';
import { InvalidInputError } from '../../engine/errors.js';
import { readOnlyStepContext } from '../../engine/context.js';
import type {
  DestroyContext,
  PlanContext,
  PlannedResource,
  ResourceStatus,
  Step,
  StepContext,
  StepPlan,
  StepResult,
  StepOutputs,
  StepStatus,
} from '../../engine/step.js';
import { destroyResource, ensureResource, planResource } from '../resource.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import { networkLayout } from './layout.js';
import type { NetworkLayout } from './layout.js';
import {
  NETWORK_WAITS,
  elasticIpSpec,
  internetGatewaySpec,
  natGatewaySpec,
  routeTableSpec,
  subnetSpec,
  vpcSpec,
  waitForDeletingNatGateways,
  waitNatAvailable,
} from './resources.js';
import { associationDrift, defaultRouteDrift, ensureAssociation, ensureDefaultRoute } from './routes.js';

export interface NetworkOutputs {
  vpcId: string;
  vpcCidr: string;
  availabilityZones: string[];
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  internetGatewayId: string;
  natGatewayIds: string[];
}

type AnySpec = CreatableSpec<unknown> & DeletableSpec<unknown>;

/** Every resource spec of the network, in creation order, bound to ids known so far. */
function specs(ctx: StepContext, layout: NetworkLayout, ids: () => Partial<Record<string, string>>) {
  const need = (role: string) => () => {
    const id = ids()[role];
    if (!id) throw new Error(`network: ${role} must exist before it is used`);
    return id;
  };
  const vpcId = need(layout.vpcRole);
  return {
    vpc: vpcSpec(ctx, layout.vpcRole),
    igw: internetGatewaySpec(ctx, layout.igwRole),
    subnets: layout.subnets.map((s) => ({
      layout: s,
      spec: subnetSpec(ctx, s.role, vpcId, s.az, s.cidr, `${s.tier} subnet in ${s.az}`),
    })),
    publicTable: routeTableSpec(ctx, layout.publicTableRole, vpcId, 'public route table'),
    nats: layout.nats.map((n) => ({
      layout: n,
      eip: elasticIpSpec(ctx, n.eipRole, `elastic IP for the NAT gateway in ${n.az}`),
      nat: natGatewaySpec(
        ctx,
        n.natRole,
        need(n.publicSubnetRole),
        need(n.eipRole),
        `NAT gateway in ${n.az}`,
      ),
    })),
    privateTables: layout.privateRoutes.map((r) => ({
      layout: r,
      spec: routeTableSpec(ctx, r.tableRole, vpcId, `private route table for ${r.az}`),
    })),
  };
}

async function checkAvailabilityZones(ctx: StepContext): Promise<void> {
  const zones =
    (
      await awsCall('listing EC2 availability zones', () =>
        ctx.aws.ec2.send(
          new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }),
        ),
      )
    ).AvailabilityZones ?? [];
  const available = new Set(zones.map((z) => z.ZoneName));
  const issues = ctx.config.network.availabilityZones
    .map((az, i) => ({ az, i }))
    .filter(({ az }) => !available.has(az))
    .map(({ az, i }) => ({
      path: `network.availabilityZones[${i}]`,
      message: `${az} is not an available zone in ${ctx.config.region}; available: ${[...available].sort().join(', ')}`,
    }));
  if (issues.length > 0) {
    throw new InvalidInputError(
      `The config names availability zones that ${ctx.config.region} does not offer`,
      {
        code: 'CONFIG_INVALID',
        issues,
        hint: 'Pick zones from the list and run again.',
      },
    );
  }
}

/** Existing resources whose shape differs from the config cannot be changed in place. */
function assertMatches(what: string, path: string, actual: string | undefined, wanted: string): void {
  if (actual !== undefined && actual !== wanted) {
    throw new InvalidInputError(`${what} has ${actual}, but the config asks for ${wanted}`, {
      code: 'CONFIG_CONFLICTS_WITH_DEPLOYMENT',
      issues: [{ path, message: `is ${wanted} in the config, but the deployed resource has ${actual}` }],
      hint: 'Changing this requires replacing the network: put the old value back, or destroy the deployment first.',
    });
  }
}

const DNS_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames'] as const;
type DnsAttribute = (typeof DNS_ATTRIBUTES)[number];

/** The VPC's DNS attributes that are switched off (both must be on for RDS/ElastiCache endpoints). */
async function dnsAttributesOff(ctx: StepContext, vpcId: string): Promise<DnsAttribute[]> {
  const off: DnsAttribute[] = [];
  for (const attribute of DNS_ATTRIBUTES) {
    const current = await awsCall(
      `reading ${attribute} of EC2 VPC`,
      () => ctx.aws.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute })),
      vpcId,
    );
    const enabled =
      attribute === 'enableDnsSupport' ? current.EnableDnsSupport?.Value : current.EnableDnsHostnames?.Value;
    if (!enabled) off.push(attribute);
  }
  return off;
}

async function ensureVpcDns(ctx: StepContext, vpcId: string): Promise<void> {
  // One attribute per call: the EC2 API refuses both in one ModifyVpcAttribute.
  for (const attribute of await dnsAttributesOff(ctx, vpcId)) {
    const flag = { Value: true };
    await awsCall(
      `enabling ${attribute} on EC2 VPC`,
      () =>
        ctx.aws.ec2.send(
          new ModifyVpcAttributeCommand(
            attribute === 'enableDnsSupport'
              ? { VpcId: vpcId, EnableDnsSupport: flag }
              : { VpcId: vpcId, EnableDnsHostnames: flag },
          ),
        ),
      vpcId,
    );
    ctx.events.info('resource.update', `enabled ${attribute} on VPC ${vpcId}`, {
      type: 'ec2:vpc',
      id: vpcId,
    });
  }
}

async function ensureNetwork(ctx: StepContext): Promise<StepResult> {
  const layout = networkLayout(ctx.config);
  await checkAvailabilityZones(ctx);
  const ids = () => Object.fromEntries(Object.entries(ctx.recordedAll()).map(([role, r]) => [role, r.id]));
  const s = specs(ctx, layout, ids);

  const { resource: vpc, action: vpcAction } = await ensureResource(ctx, s.vpc);
  const vpcId = vpc.VpcId!;
  assertMatches(`VPC ${vpcId}`, 'network.vpcCidr', vpc.CidrBlock, ctx.config.network.vpcCidr);
  if (vpc.State === 'pending' && vpcAction !== 'created') {
    // Found by tags after a crash that happened before the VPC was available.
    await waitWithSdk(
      ctx,
      ctx.aws.ec2,
      { what: `VPC ${vpcId} to become available`, resourceId: vpcId, maxWaitSeconds: NETWORK_WAITS.vpc },
      (config) => waitUntilVpcAvailable(config, { VpcIds: [vpcId] }),
    );
  }
  await ensureVpcDns(ctx, vpcId);

  const { resource: igw } = await ensureResource(ctx, s.igw);
  const igwId = igw.InternetGatewayId!;
  if (!igw.Attachments?.some((a) => a.VpcId === vpcId)) {
    await awsCall(
      'attaching EC2 internet gateway',
      () => ctx.aws.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })),
      igwId,
    );
    ctx.events.info('resource.create', `attached internet gateway ${igwId} to ${vpcId}`, {
      type: 'ec2:internet-gateway-attachment',
      id: igwId,
    });
  }

  const subnets = new Map<string, Subnet>();
  await Promise.all(
    s.subnets.map(async ({ layout: l, spec }) => {
      const { resource } = await ensureResource(ctx, spec);
      const index = ctx.config.network.availabilityZones.indexOf(l.az);
      assertMatches(
        `${spec.label} ${resource.SubnetId}`,
        `network.${l.tier}SubnetCidrs[${index}]`,
        resource.CidrBlock,
        l.cidr,
      );
      subnets.set(l.role, resource);
    }),
  );
  const subnetId = (role: string) => subnets.get(role)!.SubnetId!;

  const { resource: publicTable } = await ensureResource(ctx, s.publicTable);
  await ensureDefaultRoute(ctx, publicTable, { gatewayId: igwId });
  for (const l of layout.subnets.filter((x) => x.tier === 'public'))
    await ensureAssociation(ctx, publicTable, subnetId(l.role));

  const nats = new Map<string, NatGateway>();
  await Promise.all(
    s.nats.map(async ({ layout: l, eip, nat }) => {
      await ensureResource(ctx, eip);
      const { resource } = await ensureResource(ctx, nat);
      if (resource.State !== 'available') await waitNatAvailable(ctx, resource.NatGatewayId!, nat.label);
      nats.set(l.natRole, resource);
    }),
  );

  await Promise.all(
    s.privateTables.map(async ({ layout: l, spec }) => {
      const { resource: table } = await ensureResource(ctx, spec);
      await ensureDefaultRoute(ctx, table, { natGatewayId: nats.get(l.natRole)!.NatGatewayId! });
      await ensureAssociation(ctx, table, subnetId(l.subnetRole));
    }),
  );

  const outputs: NetworkOutputs = {
    vpcId,
    vpcCidr: ctx.config.network.vpcCidr,
    availabilityZones: ctx.config.network.availabilityZones,
    publicSubnetIds: layout.subnets.filter((x) => x.tier === 'public').map((x) => subnetId(x.role)),
    privateSubnetIds: layout.subnets.filter((x) => x.tier === 'private').map((x) => subnetId(x.role)),
    internetGatewayId: igwId,
    natGatewayIds: layout.nats.map((n) => nats.get(n.natRole)!.NatGatewayId!),
  };
  return { outputs: { ...outputs } };
}

function offlinePlan(layout: NetworkLayout, ctx: PlanContext): PlannedResource[] {
  const create = (role: string, type: string, details?: PlannedResource['details']): PlannedResource => ({
    role,
    type,
    action: 'create',
    ...(details ? { details } : {}),
  });
  return [
    create(layout.vpcRole, 'ec2:vpc', { cidr: ctx.config.network.vpcCidr, dns: true }),
    create(layout.igwRole, 'ec2:internet-gateway'),
    ...layout.subnets.map((s) => create(s.role, 'ec2:subnet', { cidr: s.cidr, az: s.az })),
    create(layout.publicTableRole, 'ec2:route-table', {
      route: '0.0.0.0/0 -> internet gateway',
      subnets: 'public',
    }),
    ...layout.nats.flatMap((n) => [
      create(n.eipRole, 'ec2:elastic-ip'),
      create(n.natRole, 'ec2:nat-gateway', { subnet: n.publicSubnetRole }),
    ]),
    ...layout.privateRoutes.map((r) =>
      create(r.tableRole, 'ec2:route-table', { route: `0.0.0.0/0 -> ${r.natRole}`, subnets: r.subnetRole }),
    ),
  ];
}

function allSpecs(s: ReturnType<typeof specs>): AnySpec[] {
  return [
    s.vpc,
    s.igw,
    ...s.subnets.map((x) => x.spec),
    s.publicTable,
    ...s.nats.flatMap((x) => [x.eip, x.nat]),
    ...s.privateTables.map((x) => x.spec),
  ] as AnySpec[];
}

async function planNetwork(ctx: PlanContext): Promise<StepPlan> {
  const layout = networkLayout(ctx.config);
  if (!ctx.aws)
    return { step: 'network', action: 'create', resources: offlinePlan(layout, ctx), live: false };
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const s = specs(readOnly, layout, () => ({}));
  const resources: PlannedResource[] = [];
  for (const spec of allSpecs(s)) resources.push(await planResource(ctx, spec));
  const action = resources.every((r) => r.action === 'noop')
    ? 'noop'
    : resources.some((r) => r.action === 'create')
      ? 'create'
      : 'adopt';
  return { step: 'network', action, resources, live: true };
}

async function inspectNetwork(ctx: StepContext): Promise<StepStatus> {
  const layout = networkLayout(ctx.config);
  const s = specs(ctx, layout, () => ({}));
  const statuses: ResourceStatus[] = [];
  const drift: string[] = [];
  const live = new Map<string, unknown>();
  await Promise.all(
    allSpecs(s).map(async (spec) => {
      const recorded = ctx.recorded(spec.role);
      const found = recorded ? await spec.findById(recorded.id) : undefined;
      if (found) live.set(spec.role, found);
      const state = found ? liveState(found) : 'missing';
      const problem = !recorded
        ? `${spec.label} is not recorded in state`
        : !found
          ? `${spec.label} ${recorded.id} no longer exists`
          : undefined;
      if (problem) drift.push(problem);
      statuses.push({
        role: spec.role,
        type: spec.type,
        ...(recorded ? { id: recorded.id } : {}),
        state,
        healthy: !problem && (state === 'available' || state === 'attached' || state === 'associated'),
        ...(problem ? { drift: problem } : {}),
      });
    }),
  );
  /** Drift in a part of a live resource (a route, an attribute): the resource is unhealthy. */
  const partDrift = (role: string, problem: string) => {
    drift.push(problem);
    const status = statuses.find((x) => x.role === role);
    if (status) {
      status.healthy = false;
      status.drift = status.drift ? `${status.drift}; ${problem}` : problem;
    }
  };
  // Routes and associations are part of the tables: check them against what should be there.
  const tableDrift = (role: string, check: (table: RouteTable) => (string | undefined)[]) => {
    const table = live.get(role) as RouteTable | undefined;
    if (!table) return;
    for (const problem of check(table)) if (problem) partDrift(role, problem);
  };
  const idOf = (role: string) => ctx.recorded(role)?.id;
  const igwId = idOf(layout.igwRole);
  tableDrift(layout.publicTableRole, (t) => [
    igwId ? defaultRouteDrift(t, { gatewayId: igwId }) : undefined,
    ...layout.subnets
      .filter((x) => x.tier === 'public')
      .map((x) => (idOf(x.role) ? associationDrift(t, idOf(x.role)!) : undefined)),
  ]);
  for (const r of layout.privateRoutes) {
    const natId = idOf(r.natRole);
    const subnet = idOf(r.subnetRole);
    tableDrift(r.tableRole, (t) => [
      natId ? defaultRouteDrift(t, { natGatewayId: natId }) : undefined,
      subnet ? associationDrift(t, subnet) : undefined,
    ]);
  }
  const vpc = live.get(layout.vpcRole) as Vpc | undefined;
  if (vpc) {
    for (const attribute of await dnsAttributesOff(ctx, vpc.VpcId!))
      partDrift(layout.vpcRole, `VPC ${vpc.VpcId} has ${attribute} off`);
  }
  const igw = live.get(layout.igwRole) as { Attachments?: { VpcId?: string }[] } | undefined;
  if (vpc && igw && !igw.Attachments?.some((a) => a.VpcId === vpc.VpcId))
    drift.push(`internet gateway ${igwId} is not attached to ${vpc.VpcId}`);
  statuses.sort((a, b) => order(allSpecs(s), a.role) - order(allSpecs(s), b.role));
  const health = !vpc
    ? 'missing'
    : drift.length > 0 || statuses.some((x) => !x.healthy)
      ? 'degraded'
      : 'healthy';
  const outputs: StepOutputs = {};
  if (idOf(layout.vpcRole)) outputs.vpcId = idOf(layout.vpcRole)!;
  outputs.natGateways = layout.nats.map((n) => `${n.az}: ${idOf(n.natRole) ?? 'missing'}`);
  return { step: 'network', health, resources: statuses, outputs, drift };
}

function order(all: AnySpec[], role: string): number {
  return all.findIndex((x) => x.role === role);
}

/** A comparable live state for every network resource type. */
function liveState(resource: unknown): string {
  const r = resource as {
    State?: string;
    Attachments?: { State?: string }[];
    AllocationId?: string;
    RouteTableId?: string;
  };
  if (r.State) return r.State;
  if (r.Attachments) return r.Attachments.length > 0 ? 'attached' : 'detached';
  if (r.AllocationId) return 'available';
  if (r.RouteTableId) return 'available';
  return 'available';
}

async function destroyNetwork(ctx: DestroyContext): Promise<void> {
  const layout = networkLayout(ctx.config);
  const s = specs(ctx, layout, () => ({}));
  // NAT gateways first (they hold elastic IPs and interfaces in the public subnets), then their IPs.
  await Promise.all(s.nats.map(({ nat }) => destroyResource(ctx, nat)));
  await waitForDeletingNatGateways(ctx);
  await Promise.all(s.nats.map(({ eip }) => destroyResource(ctx, eip)));
  await Promise.all(
    [s.publicTable, ...s.privateTables.map((x) => x.spec)].map((spec) => destroyResource(ctx, spec)),
  );
  await destroyResource(ctx, s.igw);
  await Promise.all(s.subnets.map(({ spec }) => destroyResource(ctx, spec)));
  await destroyResource(ctx, s.vpc);
}

export const networkStep: Step = {
  id: 'network',
  title: 'Network (VPC, subnets, gateways, routes)',
  dependsOn: [],
  plan: planNetwork,
  ensure: ensureNetwork,
  inspect: inspectNetwork,
  destroy: destroyNetwork,
};
