import {
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DisassociateRouteTableCommand,
  ModifyVpcAttributeCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  waitUntilNatGatewayDeleted,
} from '@aws-sdk/client-ec2';
import type { ResourceType } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { ConflictError, InvalidInputError } from '../../src/engine/errors.js';
import type { Timing } from '../../src/engine/step.js';
import { networkStep } from '../../src/steps/network/index.js';
import type { NetworkOutputs } from '../../src/steps/network/index.js';
import type { FakeCall } from '../support/fake-aws/index.js';
import {
  baseConfig,
  FAST_TIMING,
  inputsOf,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

// A fresh fake AWS per test: every test starts from an empty account (zones eu-west-1a, b and c).
const fake = useFakeAws();
const newStatePath = useStatePaths();

const TIMING: Timing = { ...FAST_TIMING, maxDelaySeconds: 0.005, maxWaitScale: 0.0005 };
const A = 'eu-west-1a';
const B = 'eu-west-1b';

/** Every role of the default two-AZ, per-az layout, in the order the step lists them. */
const ROLES = [
  'vpc',
  'igw',
  `subnet/public/${A}`,
  `subnet/private/${A}`,
  `subnet/public/${B}`,
  `subnet/private/${B}`,
  'rtb/public',
  `eip/nat/${A}`,
  `nat/${A}`,
  `eip/nat/${B}`,
  `nat/${B}`,
  `rtb/private/${A}`,
  `rtb/private/${B}`,
];

function config(network: Partial<ConfigInput['network']> = {}): Config {
  return baseConfig({ network });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
}

async function deployment(cfg: Config = config()): Promise<Deployment> {
  return { aws: fake().clients(), cfg, statePath: await newStatePath() };
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, cfg: Config = d.cfg) {
  return stepRun({ step: 'network', aws: d.aws, config: cfg, statePath: d.statePath, timing: TIMING });
}

/** Ensures the network once in a run of its own and returns what it built. */
async function ensured(d: Deployment) {
  const { step, store } = await run(d);
  const outputs = (await networkStep.ensure(step)).outputs as unknown as NetworkOutputs;
  const ids = Object.fromEntries(
    Object.entries(store.snapshot.steps.network!.resources).map(([role, r]) => [role, r.id]),
  );
  fake().resetCalls();
  return { outputs, ids: (role: string) => ids[role]! };
}

function mutating(): [string, Record<string, unknown>][] {
  return fake()
    .mutatingCalls()
    .map((c) => [c.command, c.input]);
}

function tagSpecs(cfg: Config, resourceType: ResourceType, role: string) {
  return [{ ResourceType: resourceType, Tags: deploymentTags(cfg, 'network', role) }];
}

function defaultRouteOf(tableId: string) {
  const route = fake()
    .ec2.routeTable(tableId)
    .routes.find((r) => r.destinationCidrBlock === '0.0.0.0/0');
  return route && { gatewayId: route.gatewayId, natGatewayId: route.natGatewayId };
}

function subnetsAssociatedWith(tableId: string): string[] {
  return fake()
    .ec2.routeTable(tableId)
    .associations.filter((a) => !a.main)
    .map((a) => a.subnetId!);
}

/** Deletes a NAT gateway the way a user would, and waits until AWS reports it deleted. */
async function deleteNatBehindTheToolsBack(aws: AwsClients, natId: string): Promise<void> {
  await aws.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
  await waitUntilNatGatewayDeleted(
    { client: aws.ec2, minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 },
    { NatGatewayIds: [natId] },
  );
}

describe('network ensure', () => {
  it('creates the VPC, gateways, subnets and routes with exactly the configured parameters', async () => {
    // GIVEN an empty account and a two-AZ config with per-AZ NAT gateways and a custom tag
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await networkStep.ensure(step);

    // THEN the VPC is created with the configured CIDR, tagged in the call with every tag incl. team and Name
    const ids = store.snapshot.steps.network!.resources;
    const id = (role: string) => ids[role]!.id;
    const vpcId = id('vpc');
    expect(inputsOf(fake(), 'CreateVpc')).toEqual([
      { CidrBlock: '10.0.0.0/16', TagSpecifications: tagSpecs(d.cfg, 'vpc', 'vpc') },
    ]);
    expect(fake().ec2.vpc(vpcId).tags).toEqual({
      team: 'platform',
      Name: 'demo-vpc',
      'gitlab-ha:deployment': 'demo',
      'gitlab-ha:resource': 'network/vpc',
      'gitlab-ha:created-by': 'gitlab-ha',
    });
    // AND DNS hostnames are switched on (DNS support is on by default, so it is left alone)
    expect(inputsOf(fake(), 'ModifyVpcAttribute')).toEqual([
      { VpcId: vpcId, EnableDnsHostnames: { Value: true } },
    ]);
    expect(fake().ec2.vpc(vpcId)).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true });

    // AND the internet gateway is created tagged and attached to the VPC
    expect(inputsOf(fake(), 'CreateInternetGateway')).toEqual([
      { TagSpecifications: tagSpecs(d.cfg, 'internet-gateway', 'igw') },
    ]);
    expect(inputsOf(fake(), 'AttachInternetGateway')).toEqual([
      { InternetGatewayId: id('igw'), VpcId: vpcId },
    ]);

    // AND each AZ gets a public and a private subnet with the configured CIDR
    const subnetRoles = ROLES.filter((r) => r.startsWith('subnet/'));
    const expectedSubnets = [
      { role: `subnet/public/${A}`, cidr: '10.0.0.0/24', az: A },
      { role: `subnet/private/${A}`, cidr: '10.0.10.0/24', az: A },
      { role: `subnet/public/${B}`, cidr: '10.0.1.0/24', az: B },
      { role: `subnet/private/${B}`, cidr: '10.0.11.0/24', az: B },
    ];
    expect(inputsOf(fake(), 'CreateSubnet')).toHaveLength(4);
    expect(inputsOf(fake(), 'CreateSubnet')).toEqual(
      expect.arrayContaining(
        expectedSubnets.map((s) => ({
          VpcId: vpcId,
          CidrBlock: s.cidr,
          AvailabilityZone: s.az,
          TagSpecifications: tagSpecs(d.cfg, 'subnet', s.role),
        })),
      ),
    );
    expect(
      subnetRoles.map((role) => fake().ec2.subnet(id(role))).map((s) => [s.cidrBlock, s.availabilityZone]),
    ).toEqual(expectedSubnets.map((s) => [s.cidr, s.az]));

    // AND the public route table sends 0.0.0.0/0 to the internet gateway and serves both public subnets
    expect(defaultRouteOf(id('rtb/public'))).toEqual({ gatewayId: id('igw'), natGatewayId: undefined });
    expect(subnetsAssociatedWith(id('rtb/public'))).toEqual([
      id(`subnet/public/${A}`),
      id(`subnet/public/${B}`),
    ]);

    // AND every AZ has an elastic IP and a NAT gateway in its public subnet, created with a ClientToken
    expect(inputsOf(fake(), 'AllocateAddress')).toEqual(
      expect.arrayContaining(
        [A, B].map((az) => ({
          Domain: 'vpc',
          TagSpecifications: tagSpecs(d.cfg, 'elastic-ip', `eip/nat/${az}`),
        })),
      ),
    );
    expect(inputsOf(fake(), 'CreateNatGateway')).toEqual(
      expect.arrayContaining(
        [A, B].map((az) => ({
          SubnetId: id(`subnet/public/${az}`),
          AllocationId: id(`eip/nat/${az}`),
          ConnectivityType: 'public',
          ClientToken: `demo-${id(`eip/nat/${az}`)}`,
          TagSpecifications: tagSpecs(d.cfg, 'natgateway', `nat/${az}`),
        })),
      ),
    );
    expect(inputsOf(fake(), 'CreateNatGateway')).toHaveLength(2);
    for (const az of [A, B]) {
      expect(fake().ec2.natGateway(id(`nat/${az}`))).toMatchObject({
        state: 'available',
        subnetId: id(`subnet/public/${az}`),
        allocationId: id(`eip/nat/${az}`),
      });
    }

    // AND each AZ's private route table sends 0.0.0.0/0 to that AZ's NAT gateway and serves its private subnet
    for (const az of [A, B]) {
      expect(defaultRouteOf(id(`rtb/private/${az}`))).toEqual({
        gatewayId: undefined,
        natGatewayId: id(`nat/${az}`),
      });
      expect(subnetsAssociatedWith(id(`rtb/private/${az}`))).toEqual([id(`subnet/private/${az}`)]);
    }
    expect(inputsOf(fake(), 'CreateRouteTable')).toHaveLength(3);
    expect(inputsOf(fake(), 'CreateRouteTable')).toEqual(
      expect.arrayContaining(
        ['rtb/public', `rtb/private/${A}`, `rtb/private/${B}`].map((role) => ({
          VpcId: vpcId,
          TagSpecifications: tagSpecs(d.cfg, 'route-table', role),
        })),
      ),
    );

    // AND nothing else was changed: one call per resource, route and association
    const counts: Record<string, number> = {};
    for (const c of fake().mutatingCalls()) counts[c.command] = (counts[c.command] ?? 0) + 1;
    expect(counts).toEqual({
      CreateVpc: 1,
      ModifyVpcAttribute: 1,
      CreateInternetGateway: 1,
      AttachInternetGateway: 1,
      CreateSubnet: 4,
      CreateRouteTable: 3,
      CreateRoute: 3,
      AssociateRouteTable: 4,
      AllocateAddress: 2,
      CreateNatGateway: 2,
    });

    // AND every resource is recorded as created by the tool, the elastic IPs with their public address
    expect(Object.keys(ids).sort()).toEqual([...ROLES].sort());
    expect(Object.values(ids).every((r) => r.origin === 'tool')).toBe(true);
    expect(ids[`eip/nat/${A}`]!.attributes).toEqual({
      publicIp: fake().ec2.address(id(`eip/nat/${A}`)).publicIp,
    });

    // AND the outputs list the subnets and NAT gateways in AZ order
    expect(result.outputs).toEqual({
      vpcId,
      vpcCidr: '10.0.0.0/16',
      availabilityZones: [A, B],
      publicSubnetIds: [id(`subnet/public/${A}`), id(`subnet/public/${B}`)],
      privateSubnetIds: [id(`subnet/private/${A}`), id(`subnet/private/${B}`)],
      internetGatewayId: id('igw'),
      natGatewayIds: [id(`nat/${A}`), id(`nat/${B}`)],
    });
  });

  it('with a single NAT gateway routes every private subnet of three AZs through the first AZ', async () => {
    // GIVEN three AZs and natGateways: single
    const d = await deployment(
      config({
        availabilityZones: [A, B, 'eu-west-1c'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
        natGateways: 'single',
      }),
    );

    // WHEN the step is ensured
    const { outputs, ids } = await ensured(d);

    // THEN one elastic IP and one NAT gateway exist, in the first AZ's public subnet
    expect(outputs.natGatewayIds).toEqual([ids(`nat/${A}`)]);
    expect(fake().ec2.natGateways.size).toBe(1);
    expect(fake().ec2.natGateway(ids(`nat/${A}`)).subnetId).toBe(ids(`subnet/public/${A}`));
    expect(fake().ec2.addresses.size).toBe(1);
    // AND each of the three private route tables sends 0.0.0.0/0 to it and serves its own AZ's subnet
    for (const az of [A, B, 'eu-west-1c']) {
      expect(defaultRouteOf(ids(`rtb/private/${az}`))).toEqual({
        gatewayId: undefined,
        natGatewayId: ids(`nat/${A}`),
      });
      expect(subnetsAssociatedWith(ids(`rtb/private/${az}`))).toEqual([ids(`subnet/private/${az}`)]);
    }
    expect(outputs.privateSubnetIds).toEqual([A, B, 'eu-west-1c'].map((az) => ids(`subnet/private/${az}`)));
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a network ensured once
    const d = await deployment();
    const first = await ensured(d);

    // WHEN a new run ensures it again
    const { step, reporter } = await run(d);
    const second = await networkStep.ensure(step);

    // THEN nothing is changed, nothing is reported as created, and the outputs are the same
    expect(mutating()).toEqual([]);
    expect(reporter.withCode('resource.create')).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adopts every resource by its tags after the state was lost, creating nothing', async () => {
    // GIVEN a network ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    const first = await ensured(d);
    const lost = { ...d, statePath: await newStatePath() };

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await networkStep.ensure(step);

    // THEN every resource is found by its tags and recorded again as the tool's own
    expect(mutating()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(
      reporter
        .withCode('resource.adopt')
        .map((e) => e.data?.role)
        .sort(),
    ).toEqual([...ROLES].sort());
    expect(reporter.withCode('resource.create')).toEqual([]);
    const resources = store.snapshot.steps.network!.resources;
    expect(Object.keys(resources).sort()).toEqual([...ROLES].sort());
    expect(Object.entries(resources).filter(([, r]) => r.origin !== 'tool')).toEqual([]);
    expect(Object.fromEntries(Object.entries(resources).map(([role, r]) => [role, r.id]))).toEqual(
      Object.fromEntries(ROLES.map((role) => [role, first.ids(role)])),
    );
  });

  it('adopts a VPC a user tagged for it (without created-by) as adopted, and builds the rest inside it', async () => {
    // GIVEN a VPC made by a user, with the deployment's role tags but no gitlab-ha:created-by
    const d = await deployment();
    const userVpc = await userTaggedVpc(d);
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, store, reporter } = await run(d);
    const result = await networkStep.ensure(step);

    // THEN the VPC is adopted, not created, and recorded as adopted
    expect(inputsOf(fake(), 'CreateVpc')).toEqual([]);
    expect(store.snapshot.steps.network!.resources.vpc).toMatchObject({ id: userVpc, origin: 'adopted' });
    expect(reporter.withCode('resource.adopt').map((e) => e.data?.id)).toEqual([userVpc]);
    // AND its DNS hostnames are switched on, and the network is built in it
    expect(fake().ec2.vpc(userVpc).enableDnsHostnames).toBe(true);
    expect(result.outputs.vpcId).toBe(userVpc);
    expect(fake().ec2.subnet((result.outputs as unknown as NetworkOutputs).privateSubnetIds[0]).vpcId).toBe(
      userVpc,
    );
    // AND everything else is the tool's own
    expect(
      Object.entries(store.snapshot.steps.network!.resources)
        .filter(([, r]) => r.origin === 'tool')
        .map(([role]) => role)
        .sort(),
    ).toEqual(ROLES.filter((r) => r !== 'vpc').sort());
  });

  it('refuses two VPCs carrying the same role tags, naming both, before creating anything', async () => {
    // GIVEN a network ensured once, and a second VPC tagged as the deployment's VPC
    const d = await deployment();
    const { ids } = await ensured(d);
    const duplicate = (
      await d.aws.ec2.send(
        new CreateVpcCommand({
          CidrBlock: '10.0.0.0/16',
          TagSpecifications: tagSpecs(d.cfg, 'vpc', 'vpc'),
        }),
      )
    ).Vpc!.VpcId!;
    const lost = { ...d, statePath: await newStatePath() };
    fake().resetCalls();

    // WHEN the step is ensured without state to tell them apart
    const outcome = networkStep.ensure((await run(lost)).step);

    // THEN it fails with a conflict that names both VPCs, and nothing is changed
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    await expect(outcome).rejects.toThrow(
      `Found 2 VPC tagged for this deployment, expected at most one: ${ids('vpc')}, ${duplicate}`,
    );
    expect(mutating()).toEqual([]);
  });

  it('re-creates a subnet deleted behind its back and associates it again', async () => {
    // GIVEN a network ensured once whose private subnet in eu-west-1b was deleted by hand
    const d = await deployment();
    const { ids, outputs } = await ensured(d);
    const gone = ids(`subnet/private/${B}`);
    await d.aws.ec2.send(new DeleteSubnetCommand({ SubnetId: gone }));
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, store, reporter } = await run(d);
    const result = (await networkStep.ensure(step)).outputs as unknown as NetworkOutputs;

    // THEN the drift is reported, naming the gone subnet
    expect(reporter.withCode('resource.drift').map((e) => [e.level, e.data?.role, e.data?.id])).toEqual([
      ['warn', `subnet/private/${B}`, gone],
    ]);
    // AND exactly one subnet is created, with the same CIDR and AZ, and associated with its AZ's private table
    const created = store.snapshot.steps.network!.resources[`subnet/private/${B}`]!.id;
    expect(created).not.toBe(gone);
    expect(mutating()).toEqual([
      [
        'CreateSubnet',
        {
          VpcId: ids('vpc'),
          CidrBlock: '10.0.11.0/24',
          AvailabilityZone: B,
          TagSpecifications: tagSpecs(d.cfg, 'subnet', `subnet/private/${B}`),
        },
      ],
      ['AssociateRouteTable', { RouteTableId: ids(`rtb/private/${B}`), SubnetId: created }],
    ]);
    expect(subnetsAssociatedWith(ids(`rtb/private/${B}`))).toEqual([created]);
    // AND the outputs carry the new id in its AZ's place
    expect(result.privateSubnetIds).toEqual([outputs.privateSubnetIds[0], created]);
  });

  it('puts back a deleted default route of the public route table', async () => {
    // GIVEN a network ensured once whose public 0.0.0.0/0 route was deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    await d.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: ids('rtb/public'), DestinationCidrBlock: '0.0.0.0/0' }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await networkStep.ensure(step);

    // THEN the route is created again, to the internet gateway, and nothing else changes
    expect(mutating()).toEqual([
      [
        'CreateRoute',
        { RouteTableId: ids('rtb/public'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ids('igw') },
      ],
    ]);
    expect(reporter.withCode('resource.create').map((e) => e.message)).toEqual([
      `route 0.0.0.0/0 in ${ids('rtb/public')} -> ${ids('igw')}`,
    ]);
  });

  it('points a private default route redirected to another NAT gateway back at its own AZ', async () => {
    // GIVEN a network ensured once whose eu-west-1a private table was pointed at the eu-west-1b NAT gateway
    const d = await deployment();
    const { ids } = await ensured(d);
    const table = ids(`rtb/private/${A}`);
    await d.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: ids(`nat/${B}`),
      }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    await networkStep.ensure((await run(d)).step);

    // THEN the route is replaced to go through the eu-west-1a NAT gateway again
    expect(mutating()).toEqual([
      [
        'ReplaceRoute',
        { RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ids(`nat/${A}`) },
      ],
    ]);
    expect(defaultRouteOf(table)).toEqual({ gatewayId: undefined, natGatewayId: ids(`nat/${A}`) });
  });

  it('re-creates a NAT gateway deleted behind its back and replaces the blackholed route to it', async () => {
    // GIVEN a network ensured once whose eu-west-1a NAT gateway was deleted by hand (its elastic IP kept)
    const d = await deployment();
    const { ids } = await ensured(d);
    const gone = ids(`nat/${A}`);
    await deleteNatBehindTheToolsBack(d.aws, gone);
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, store, reporter } = await run(d);
    const result = (await networkStep.ensure(step)).outputs as unknown as NetworkOutputs;

    // THEN a new NAT gateway is made in the same subnet with the same elastic IP, and is available
    const created = store.snapshot.steps.network!.resources[`nat/${A}`]!.id;
    expect(created).not.toBe(gone);
    expect(fake().ec2.natGateway(created)).toMatchObject({
      state: 'available',
      subnetId: ids(`subnet/public/${A}`),
      allocationId: ids(`eip/nat/${A}`),
    });
    expect(reporter.withCode('resource.drift').map((e) => [e.data?.role, e.data?.id])).toEqual([
      [`nat/${A}`, gone],
    ]);
    // AND AWS's answer to the first token (the deleted gateway) made the step derive a new token from it
    const natCall = (token: string) => ({
      SubnetId: ids(`subnet/public/${A}`),
      AllocationId: ids(`eip/nat/${A}`),
      ConnectivityType: 'public',
      ClientToken: token,
      TagSpecifications: tagSpecs(d.cfg, 'natgateway', `nat/${A}`),
    });
    // AND the private route of eu-west-1a, blackholed by the deletion, now goes through the new one
    expect(mutating()).toEqual([
      ['CreateNatGateway', natCall(`demo-${ids(`eip/nat/${A}`)}`)],
      ['CreateNatGateway', natCall(`demo-${gone}`)],
      [
        'ReplaceRoute',
        { RouteTableId: ids(`rtb/private/${A}`), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: created },
      ],
    ]);
    expect(defaultRouteOf(ids(`rtb/private/${A}`))).toEqual({ gatewayId: undefined, natGatewayId: created });
    expect(result.natGatewayIds).toEqual([created, ids(`nat/${B}`)]);
    // AND a further run has nothing to do
    fake().resetCalls();
    await networkStep.ensure((await run(d)).step);
    expect(mutating()).toEqual([]);
  });

  it('resumes a NAT gateway replacement that crashed after its create, without a duplicate', async () => {
    // GIVEN a network whose eu-west-1a NAT gateway was deleted by hand, and a run that dies right
    // after the replacement's create took effect
    const d = await deployment();
    const { ids } = await ensured(d);
    await deleteNatBehindTheToolsBack(d.aws, ids(`nat/${A}`));
    fake().faults.crashAfter({ command: 'CreateNatGateway', nth: 2 });
    await expect(networkStep.ensure((await run(d)).step)).rejects.toThrow(
      'simulated crash after ec2 CreateNatGateway',
    );

    // WHEN a new run resumes from the state file on disk
    const result = (await networkStep.ensure((await run(d)).step)).outputs as unknown as NetworkOutputs;

    // THEN exactly one live NAT gateway serves eu-west-1a, and the private route goes through it
    const live = [...fake().ec2.natGateways.values()].filter(
      (n) => n.subnetId === ids(`subnet/public/${A}`) && n.state !== 'deleted',
    );
    expect(live.map((n) => [n.id, n.state])).toEqual([[result.natGatewayIds[0], 'available']]);
    expect(defaultRouteOf(ids(`rtb/private/${A}`))).toEqual({
      gatewayId: undefined,
      natGatewayId: result.natGatewayIds[0],
    });
  });

  it('moves a subnet back to its route table when someone associated it elsewhere', async () => {
    // GIVEN a network ensured once whose eu-west-1a private subnet was moved to the public route table
    const d = await deployment();
    const { ids } = await ensured(d);
    const subnet = ids(`subnet/private/${A}`);
    const association = fake()
      .ec2.routeTable(ids(`rtb/private/${A}`))
      .associations.find((a) => a.subnetId === subnet)!;
    await d.aws.ec2.send(
      new ReplaceRouteTableAssociationCommand({
        AssociationId: association.id,
        RouteTableId: ids('rtb/public'),
      }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    await networkStep.ensure((await run(d)).step);

    // THEN the association is moved back to the private table of its AZ
    expect(subnetsAssociatedWith(ids(`rtb/private/${A}`))).toEqual([subnet]);
    expect(subnetsAssociatedWith(ids('rtb/public'))).not.toContain(subnet);
    expect(
      fake()
        .mutatingCalls()
        .map((c) => [c.command, c.error]),
    ).toEqual([
      ['AssociateRouteTable', 'Resource.AlreadyAssociated'],
      ['ReplaceRouteTableAssociation', undefined],
    ]);
  });

  it('attaches the internet gateway again and switches DNS hostnames back on', async () => {
    // GIVEN a network ensured once whose gateway was detached and whose DNS hostnames were turned off
    const d = await deployment();
    const { ids } = await ensured(d);
    // (Tampering with the fake directly: EC2 refuses a detach while NAT gateways map public addresses.)
    fake().ec2.internetGateway(ids('igw')).attachedVpcId = undefined;
    await d.aws.ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: ids('vpc'), EnableDnsHostnames: { Value: false } }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await networkStep.ensure(step);

    // THEN exactly those two are repaired, each with an event
    expect(mutating()).toEqual([
      ['ModifyVpcAttribute', { VpcId: ids('vpc'), EnableDnsHostnames: { Value: true } }],
      ['AttachInternetGateway', { InternetGatewayId: ids('igw'), VpcId: ids('vpc') }],
    ]);
    expect(fake().ec2.internetGateway(ids('igw')).attachedVpcId).toBe(ids('vpc'));
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      `enabled enableDnsHostnames on VPC ${ids('vpc')}`,
    ]);
    expect(reporter.withCode('resource.create').map((e) => e.message)).toEqual([
      `attached internet gateway ${ids('igw')} to ${ids('vpc')}`,
    ]);
  });

  it('refuses a config whose subnet CIDR differs from the deployed subnet, naming the field', async () => {
    // GIVEN a network ensured once, and a config that changes the second private subnet's CIDR
    const d = await deployment();
    const { ids } = await ensured(d);
    const changed = config({ privateSubnetCidrs: ['10.0.10.0/24', '10.0.12.0/24'] });

    // WHEN the step is ensured with it
    const outcome = networkStep.ensure((await run(d, changed)).step);

    // THEN it fails as a conflict between config and deployment, naming the field and both CIDRs
    await expect(outcome).rejects.toBeInstanceOf(InvalidInputError);
    await expect(outcome).rejects.toMatchObject({
      code: 'CONFIG_CONFLICTS_WITH_DEPLOYMENT',
      message: `private subnet in ${B} ${ids(`subnet/private/${B}`)} has 10.0.11.0/24, but the config asks for 10.0.12.0/24`,
      issues: [
        {
          path: 'network.privateSubnetCidrs[1]',
          message: 'is 10.0.12.0/24 in the config, but the deployed resource has 10.0.11.0/24',
        },
      ],
    });
    // AND nothing was changed
    expect(mutating()).toEqual([]);
  });

  it('refuses a config whose VPC CIDR differs from the deployed VPC, naming the field', async () => {
    // GIVEN a network ensured once, and a config with another VPC CIDR
    const d = await deployment();
    await ensured(d);

    // WHEN the step is ensured with it
    const outcome = networkStep.ensure((await run(d, config({ vpcCidr: '10.1.0.0/16' }))).step);

    // THEN it fails naming network.vpcCidr, and nothing was changed
    await expect(outcome).rejects.toMatchObject({
      code: 'CONFIG_CONFLICTS_WITH_DEPLOYMENT',
      issues: [{ path: 'network.vpcCidr' }],
    });
    expect(mutating()).toEqual([]);
  });

  it('refuses an availability zone the region does not offer, listing the available ones, before any create', async () => {
    // GIVEN a config naming eu-west-1z, which the region does not have
    const d = await deployment(config({ availabilityZones: [A, 'eu-west-1z'] }));

    // WHEN the step is ensured
    const outcome = networkStep.ensure((await run(d)).step);

    // THEN it fails as invalid input naming the field and the zones to pick from
    await expect(outcome).rejects.toBeInstanceOf(InvalidInputError);
    await expect(outcome).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [
        {
          path: 'network.availabilityZones[1]',
          message:
            'eu-west-1z is not an available zone in eu-west-1; available: eu-west-1a, eu-west-1b, eu-west-1c',
        },
      ],
    });
    // AND nothing was created
    expect(fake().mutatingCalls()).toEqual([]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });
});

async function userTaggedVpc(d: Deployment): Promise<string> {
  const tags = deploymentTags(d.cfg, 'network', 'vpc').filter((t) => t.Key !== 'gitlab-ha:created-by');
  const vpc = await d.aws.ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.0.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }],
    }),
  );
  return vpc.Vpc!.VpcId!;
}

describe('network inspect', () => {
  it('reports a freshly ensured network as healthy, every resource with its id', async () => {
    // GIVEN a network ensured once
    const d = await deployment();
    const { ids } = await ensured(d);

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN it is healthy, without drift, listing every resource in order with its id
    expect(status.health).toBe('healthy');
    expect(status.drift).toEqual([]);
    expect(status.resources.map((r) => [r.role, r.id, r.healthy])).toEqual(
      ROLES.map((role) => [role, ids(role), true]),
    );
    expect(status.resources.find((r) => r.role === 'igw')?.state).toBe('attached');
    expect(status.outputs).toEqual({
      vpcId: ids('vpc'),
      natGateways: [`${A}: ${ids(`nat/${A}`)}`, `${B}: ${ids(`nat/${B}`)}`],
    });
    // AND inspecting changed nothing
    expect(mutating()).toEqual([]);
  });

  it('reports a missing subnet, and the association that went with it', async () => {
    // GIVEN a network whose eu-west-1b private subnet was deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    const gone = ids(`subnet/private/${B}`);
    await d.aws.ec2.send(new DeleteSubnetCommand({ SubnetId: gone }));

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN the network is degraded, the subnet missing, and its table no longer serves it
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      `private subnet in ${B} ${gone} no longer exists`,
      `subnet ${gone} is not associated with route table ${ids(`rtb/private/${B}`)}`,
    ]);
    expect(status.resources.find((r) => r.role === `subnet/private/${B}`)).toEqual({
      role: `subnet/private/${B}`,
      type: 'ec2:subnet',
      id: gone,
      state: 'missing',
      healthy: false,
      drift: `private subnet in ${B} ${gone} no longer exists`,
    });
    expect(status.resources.find((r) => r.role === `rtb/private/${B}`)?.healthy).toBe(false);
  });

  it('reports a missing default route on the route table it belongs to', async () => {
    // GIVEN a network whose eu-west-1a private default route was deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    const table = ids(`rtb/private/${A}`);
    await d.aws.ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0' }));

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN the table is unhealthy with the missing route as its drift
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([`route table ${table} has no 0.0.0.0/0 route`]);
    expect(status.resources.find((r) => r.role === `rtb/private/${A}`)).toMatchObject({
      healthy: false,
      drift: `route table ${table} has no 0.0.0.0/0 route`,
    });
  });

  it('reports a deleted NAT gateway and the blackholed route through it', async () => {
    // GIVEN a network whose eu-west-1b NAT gateway was deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    const nat = ids(`nat/${B}`);
    await deleteNatBehindTheToolsBack(d.aws, nat);

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN both the gateway and the route are drift
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      `NAT gateway in ${B} ${nat} no longer exists`,
      `route table ${ids(`rtb/private/${B}`)} sends 0.0.0.0/0 to ${nat} (blackhole), expected ${nat}`,
    ]);
  });

  it('reports an internet gateway that is no longer attached', async () => {
    // GIVEN a network whose internet gateway was detached (tampered with: EC2 refuses while NATs map addresses)
    const d = await deployment();
    const { ids } = await ensured(d);
    fake().ec2.internetGateway(ids('igw')).attachedVpcId = undefined;

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN the gateway shows detached, and the public route to it is a blackhole
    expect(status.health).toBe('degraded');
    expect(status.resources.find((r) => r.role === 'igw')).toMatchObject({
      state: 'detached',
      healthy: false,
    });
    expect(status.drift).toEqual([
      `route table ${ids('rtb/public')} sends 0.0.0.0/0 to ${ids('igw')} (blackhole), expected ${ids('igw')}`,
      `internet gateway ${ids('igw')} is not attached to ${ids('vpc')}`,
    ]);
  });

  it('reports DNS hostnames switched off on the VPC', async () => {
    // GIVEN a network whose VPC had DNS hostnames turned off by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    await d.aws.ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: ids('vpc'), EnableDnsHostnames: { Value: false } }),
    );
    fake().resetCalls();

    // WHEN inspected
    const status = await networkStep.inspect((await run(d)).step);

    // THEN the VPC is unhealthy with the attribute as its drift, and inspect changed nothing
    const problem = `VPC ${ids('vpc')} has enableDnsHostnames off`;
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([problem]);
    expect(status.resources.find((r) => r.role === 'vpc')).toMatchObject({ healthy: false, drift: problem });
    expect(mutating()).toEqual([]);
  });

  it('reports a network that is not recorded as missing', async () => {
    // GIVEN resources in AWS but a state file that knows nothing of them
    const d = await deployment();
    await ensured(d);
    const lost = { ...d, statePath: await newStatePath() };

    // WHEN inspected
    const status = await networkStep.inspect((await run(lost)).step);

    // THEN it is missing, every resource saying it is not recorded
    expect(status.health).toBe('missing');
    expect(status.resources.map((r) => [r.role, r.state, r.healthy])).toEqual(
      ROLES.map((role) => [role, 'missing', false]),
    );
    expect(status.drift).toContain('VPC is not recorded in state');
  });
});

describe('network destroy', () => {
  /** Index of the first (or last) call of a command, asserting there is one. */
  function indexOf(
    calls: FakeCall[],
    command: string,
    which: 'first' | 'last',
    id?: [string, string],
  ): number {
    const matches = (c: FakeCall) => c.command === command && (!id || c.input[id[0]] === id[1]);
    const index = which === 'first' ? calls.findIndex(matches) : calls.findLastIndex(matches);
    expect(index, `${which} ${command}`).toBeGreaterThanOrEqual(0);
    return index;
  }

  it('resumed after DeleteNatGateway: waits for the gateways still deleting before releasing their IPs', async () => {
    // GIVEN a network whose NAT gateways a destroy that crashed already asked to delete (still deleting)
    const d = await deployment();
    const { ids } = await ensured(d);
    fake().latency.natGatewayDelete = 10;
    for (const az of [A, B])
      await d.aws.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: ids(`nat/${az}`) }));
    expect([A, B].map((az) => fake().ec2.natGateway(ids(`nat/${az}`)).state)).toEqual([
      'deleting',
      'deleting',
    ]);
    fake().resetCalls();

    // WHEN destroy runs again
    const { destroy, reporter } = await run(d);
    await networkStep.destroy(destroy());

    // THEN it waited for both gateways to be deleted, released each IP at the first try, and left nothing
    expect(reporter.withCode('wait.start').map((e) => e.data?.what)).toEqual(
      expect.arrayContaining([
        `NAT gateway ${ids(`nat/${A}`)} to be deleted`,
        `NAT gateway ${ids(`nat/${B}`)} to be deleted`,
      ]),
    );
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'ReleaseAddress' && c.error),
    ).toEqual([]);
    expect(inputsOf(fake(), 'ReleaseAddress')).toHaveLength(2);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('deletes everything in dependency order, and a second destroy does nothing', async () => {
    // GIVEN a network ensured once
    const d = await deployment();
    const { ids } = await ensured(d);

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    await networkStep.destroy(destroy());

    // THEN no delete was refused for a dependency (the fake refuses out-of-order deletes)
    const calls = fake().calls();
    expect(calls.filter((c) => c.mutating && c.error)).toEqual([]);
    // AND NAT gateways are deleted and waited for before their elastic IPs are released
    const lastNatDelete = indexOf(calls, 'DeleteNatGateway', 'last');
    const firstRelease = indexOf(calls, 'ReleaseAddress', 'first');
    expect(lastNatDelete).toBeLessThan(firstRelease);
    expect(calls.slice(lastNatDelete, firstRelease).some((c) => c.command === 'DescribeNatGateways')).toBe(
      true,
    );
    for (const az of [A, B]) expect(fake().ec2.natGateway(ids(`nat/${az}`)).state).toBe('deleted');
    // AND each route table is disassociated before it is deleted, all after the elastic IPs are released
    for (const role of ['rtb/public', `rtb/private/${A}`, `rtb/private/${B}`]) {
      const deleted = indexOf(calls, 'DeleteRouteTable', 'first', ['RouteTableId', ids(role)]);
      expect(indexOf(calls, 'DisassociateRouteTable', 'first')).toBeLessThan(deleted);
      expect(indexOf(calls, 'ReleaseAddress', 'last')).toBeLessThan(deleted);
    }
    expect(inputsOf(fake(), 'DisassociateRouteTable')).toHaveLength(4);
    // AND the internet gateway is detached, then deleted, after the route tables
    const detach = indexOf(calls, 'DetachInternetGateway', 'first');
    const deleteIgw = indexOf(calls, 'DeleteInternetGateway', 'first');
    expect(indexOf(calls, 'DeleteRouteTable', 'last')).toBeLessThan(detach);
    expect(detach).toBeLessThan(deleteIgw);
    expect(inputsOf(fake(), 'DetachInternetGateway')).toEqual([
      { InternetGatewayId: ids('igw'), VpcId: ids('vpc') },
    ]);
    // AND the subnets go next, and the VPC last
    expect(deleteIgw).toBeLessThan(indexOf(calls, 'DeleteSubnet', 'first'));
    expect(inputsOf(fake(), 'DeleteSubnet')).toHaveLength(4);
    expect(calls.filter((c) => c.mutating).at(-1)).toMatchObject({
      command: 'DeleteVpc',
      input: { VpcId: ids('vpc') },
    });

    // AND nothing of the deployment is left in AWS or in state
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(fake().ec2.vpcs.size).toBe(0);
    expect(store.snapshot.steps.network?.resources ?? {}).toEqual({});
    expect(
      reporter
        .withCode('resource.delete')
        .map((e) => e.data?.role)
        .sort(),
    ).toEqual([...ROLES].sort());

    // WHEN it is destroyed again
    fake().resetCalls();
    await networkStep.destroy((await run(d)).destroy());
    // THEN nothing is called that changes anything
    expect(mutating()).toEqual([]);
  });

  it('finds everything by its tags after the state was lost', async () => {
    // GIVEN a network ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    await ensured(d);
    const lost = { ...d, statePath: await newStatePath() };

    // WHEN destroyed with the empty state
    const { destroy, reporter } = await run(lost);
    await networkStep.destroy(destroy());

    // THEN every resource is deleted all the same
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(fake().ec2.vpcs.size).toBe(0);
    expect(reporter.withCode('resource.delete')).toHaveLength(ROLES.length);
  });

  it('succeeds when recorded resources are already gone, and forgets them', async () => {
    // GIVEN a network whose eu-west-1b private route table and subnet were deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    const table = ids(`rtb/private/${B}`);
    const subnet = ids(`subnet/private/${B}`);
    for (const association of fake().ec2.routeTable(table).associations) {
      await d.aws.ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.id }));
    }
    await d.aws.ec2.send(new DeleteRouteTableCommand({ RouteTableId: table }));
    await d.aws.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
    fake().resetCalls();

    // WHEN destroyed
    const { destroy, store, reporter } = await run(d);
    await networkStep.destroy(destroy());

    // THEN the rest is deleted, the gone ones are not asked for again, and state is empty
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(
      fake()
        .mutatingCalls()
        .filter((c) => c.input.RouteTableId === table || c.input.SubnetId === subnet),
    ).toEqual([]);
    expect(store.snapshot.steps.network?.resources ?? {}).toEqual({});
    expect(reporter.withCode('resource.delete')).toHaveLength(ROLES.length - 2);
  });

  it('keeps an adopted VPC it did not create, deleting what it built inside it', async () => {
    // GIVEN a user's VPC, tagged for adoption, in which the network was built
    const d = await deployment();
    const userVpc = await userTaggedVpc(d);
    await ensured(d);

    // WHEN destroyed without --force
    const { destroy, store, reporter } = await run(d);
    await networkStep.destroy(destroy());

    // THEN the VPC is kept, with an event saying why, and forgotten; everything else is gone
    expect(fake().ec2.vpcs.has(userVpc)).toBe(true);
    expect(reporter.withCode('resource.keep').map((e) => [e.level, e.data?.id, e.message])).toEqual([
      [
        'warn',
        userVpc,
        `kept VPC ${userVpc}: it was adopted, not created by gitlab-ha (use --force to delete it)`,
      ],
    ]);
    expect(inputsOf(fake(), 'DeleteVpc')).toEqual([]);
    expect(
      fake()
        .taggedResources('demo')
        .map((r) => r.arn),
    ).toEqual([`arn:aws:ec2:eu-west-1:123456789012:vpc/${userVpc}`]);
    expect(store.snapshot.steps.network?.resources ?? {}).toEqual({});
  });

  it('deletes an adopted VPC with --force', async () => {
    // GIVEN a user's VPC, tagged for adoption, in which the network was built
    const d = await deployment();
    const userVpc = await userTaggedVpc(d);
    await ensured(d);

    // WHEN destroyed with --force
    const { destroy, reporter } = await run(d);
    await networkStep.destroy(destroy({ force: true }));

    // THEN the VPC is deleted too
    expect(fake().ec2.vpcs.has(userVpc)).toBe(false);
    expect(reporter.withCode('resource.keep')).toEqual([]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });
});

describe('network plan', () => {
  it('plans every resource as a create with its parameters offline', async () => {
    // GIVEN no AWS access
    const d = await deployment();

    // WHEN planned offline
    const plan = await networkStep.plan((await run(d)).offlinePlan);

    // THEN every resource is a create, with the parameters it will get
    expect(plan).toEqual({
      step: 'network',
      action: 'create',
      live: false,
      resources: [
        { role: 'vpc', type: 'ec2:vpc', action: 'create', details: { cidr: '10.0.0.0/16', dns: true } },
        { role: 'igw', type: 'ec2:internet-gateway', action: 'create' },
        {
          role: `subnet/public/${A}`,
          type: 'ec2:subnet',
          action: 'create',
          details: { cidr: '10.0.0.0/24', az: A },
        },
        {
          role: `subnet/private/${A}`,
          type: 'ec2:subnet',
          action: 'create',
          details: { cidr: '10.0.10.0/24', az: A },
        },
        {
          role: `subnet/public/${B}`,
          type: 'ec2:subnet',
          action: 'create',
          details: { cidr: '10.0.1.0/24', az: B },
        },
        {
          role: `subnet/private/${B}`,
          type: 'ec2:subnet',
          action: 'create',
          details: { cidr: '10.0.11.0/24', az: B },
        },
        {
          role: 'rtb/public',
          type: 'ec2:route-table',
          action: 'create',
          details: { route: '0.0.0.0/0 -> internet gateway', subnets: 'public' },
        },
        { role: `eip/nat/${A}`, type: 'ec2:elastic-ip', action: 'create' },
        {
          role: `nat/${A}`,
          type: 'ec2:nat-gateway',
          action: 'create',
          details: { subnet: `subnet/public/${A}` },
        },
        { role: `eip/nat/${B}`, type: 'ec2:elastic-ip', action: 'create' },
        {
          role: `nat/${B}`,
          type: 'ec2:nat-gateway',
          action: 'create',
          details: { subnet: `subnet/public/${B}` },
        },
        {
          role: `rtb/private/${A}`,
          type: 'ec2:route-table',
          action: 'create',
          details: { route: `0.0.0.0/0 -> nat/${A}`, subnets: `subnet/private/${A}` },
        },
        {
          role: `rtb/private/${B}`,
          type: 'ec2:route-table',
          action: 'create',
          details: { route: `0.0.0.0/0 -> nat/${B}`, subnets: `subnet/private/${B}` },
        },
      ],
    });
    // AND AWS was not asked anything
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: create before the first run, noop after it, adopt after state loss', async () => {
    // GIVEN an empty account
    const d = await deployment();

    // WHEN planned live before the first ensure
    const before = await networkStep.plan((await run(d)).plan);
    // THEN every resource is a create because nothing was found
    expect(before).toMatchObject({ step: 'network', action: 'create', live: true });
    expect(before.resources.map((r) => [r.role, r.action, r.reason])).toEqual(
      ROLES.map((role) => [role, 'create', 'not found']),
    );
    expect(before.resources.find((r) => r.role === `subnet/private/${B}`)?.details).toEqual({
      cidr: '10.0.11.0/24',
      az: B,
    });

    // WHEN planned after the first ensure
    const { ids } = await ensured(d);
    const after = await networkStep.plan((await run(d)).plan);
    // THEN everything is a noop, with its id
    expect(after).toMatchObject({ action: 'noop', live: true });
    expect(after.resources.map((r) => [r.role, r.action, r.id])).toEqual(
      ROLES.map((role) => [role, 'noop', ids(role)]),
    );

    // WHEN planned with a state file that lost everything
    const lost = { ...d, statePath: await newStatePath() };
    const adopt = await networkStep.plan((await run(lost)).plan);
    // THEN everything is adopted by its tags
    expect(adopt).toMatchObject({ action: 'adopt', live: true });
    expect(adopt.resources.map((r) => [r.role, r.action, r.id, r.reason])).toEqual(
      ROLES.map((role) => [role, 'adopt', ids(role), 'found by tags']),
    );

    // AND planning changed nothing
    expect(mutating()).toEqual([]);
  });

  it('plans a create for a recorded resource that is gone', async () => {
    // GIVEN a network ensured once whose eu-west-1a private subnet was deleted by hand
    const d = await deployment();
    const { ids } = await ensured(d);
    const gone = ids(`subnet/private/${A}`);
    await d.aws.ec2.send(new DeleteSubnetCommand({ SubnetId: gone }));

    // WHEN planned live
    const plan = await networkStep.plan((await run(d)).plan);

    // THEN only that subnet is a create, saying why
    expect(plan.action).toBe('create');
    expect(plan.resources.filter((r) => r.action !== 'noop')).toEqual([
      {
        role: `subnet/private/${A}`,
        type: 'ec2:subnet',
        action: 'create',
        reason: `recorded ${gone} is gone`,
        details: { cidr: '10.0.10.0/24', az: A },
      },
    ]);
  });
});
