import {
  AllocateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteSubnetCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  ReleaseAddressCommand,
  waitUntilNatGatewayAvailable,
  waitUntilNatGatewayDeleted,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, ec2 } = useFakeAws();

/** Waiter timing in seconds: milliseconds here, so polls are counted, not waited for. */
const FAST_WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 };

interface Network {
  vpcId: string;
  subnetId: string;
  igwId: string;
  allocationId: string;
}

/** A VPC with a public subnet, an attached internet gateway and an Elastic IP. */
async function network(): Promise<Network> {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }));
  const { InternetGateway } = await ec2().send(new CreateInternetGatewayCommand({}));
  const igwId = InternetGateway?.InternetGatewayId ?? '';
  await ec2().send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const { AllocationId } = await ec2().send(
    new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpec('elastic-ip', { role: 'nat' }) }),
  );
  return { vpcId, subnetId: Subnet?.SubnetId ?? '', igwId, allocationId: AllocationId ?? '' };
}

async function createNat(net: Network, clientToken = 'token-1'): Promise<string> {
  const { NatGateway } = await ec2().send(
    new CreateNatGatewayCommand({
      SubnetId: net.subnetId,
      AllocationId: net.allocationId,
      ClientToken: clientToken,
      TagSpecifications: tagSpec('natgateway', { 'gitlab-ha:deployment': 'demo' }),
    }),
  );
  return NatGateway?.NatGatewayId ?? '';
}

function describeCalls(): number {
  return fake()
    .calls()
    .filter((c) => c.command === 'DescribeNatGateways').length;
}

describe('fake EC2: NAT gateways', () => {
  it('stays pending for natGatewayCreate polls, then the SDK waiter sees it available', async () => {
    // GIVEN a network and a NAT gateway that needs three polls
    fake().latency.natGatewayCreate = 3;
    const net = await network();
    const natId = await createNat(net);

    // WHEN the SDK's own waiter waits for it
    const result = await waitUntilNatGatewayAvailable(
      { client: ec2(), ...FAST_WAIT },
      { NatGatewayIds: [natId] },
    );

    // THEN it succeeded on the third describe, and the NAT gateway maps the EIP through its own interface
    expect(result.state).toBe('SUCCESS');
    expect(describeCalls()).toBe(3);
    const { NatGateways } = await ec2().send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    const nat = NatGateways?.[0];
    expect(nat).toMatchObject({ State: 'available', VpcId: net.vpcId, SubnetId: net.subnetId });
    expect(natId).toMatch(/^nat-[0-9a-f]{17}$/);
    const { Addresses } = await ec2().send(
      new DescribeAddressesCommand({ AllocationIds: [net.allocationId] }),
    );
    expect(Addresses?.[0]?.NetworkInterfaceId).toBe(nat?.NatGatewayAddresses?.[0]?.NetworkInterfaceId);
    expect(Addresses?.[0]?.AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
  });

  it('counts polls made with a state filter too', async () => {
    // GIVEN a pending NAT gateway needing two polls
    fake().latency.natGatewayCreate = 2;
    const net = await network();
    const natId = await createNat(net);
    const available = { Filter: [{ Name: 'state', Values: ['available'] }] };

    // WHEN it is polled with a filter that hides pending gateways
    const first = await ec2().send(new DescribeNatGatewaysCommand(available));
    const second = await ec2().send(new DescribeNatGatewaysCommand(available));

    // THEN the first poll shows nothing and the second shows it available
    expect(first.NatGateways).toEqual([]);
    expect(second.NatGateways?.map((n) => n.NatGatewayId)).toEqual([natId]);
  });

  it('returns the same NAT gateway for a repeated ClientToken, and refuses the token with other parameters', async () => {
    // GIVEN a NAT gateway created with a client token
    const net = await network();
    const natId = await createNat(net, 'resume-me');

    // WHEN the same request is sent again (a resumed run), then with another subnet
    const again = await createNat(net, 'resume-me');
    const { Subnet } = await ec2().send(
      new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: '10.0.1.0/24' }),
    );
    const other = ec2().send(
      new CreateNatGatewayCommand({
        SubnetId: Subnet?.SubnetId,
        AllocationId: net.allocationId,
        ClientToken: 'resume-me',
      }),
    );

    // THEN the first retry returns the original and only one NAT gateway exists; the mismatch fails
    expect(again).toBe(natId);
    expect(fake().ec2.natGateways.size).toBe(1);
    await expect(other).rejects.toMatchObject({ name: 'IdempotentParameterMismatch' });
  });

  it('holds its EIP, subnet and internet gateway until deleted, then lets go', async () => {
    // GIVEN an available NAT gateway that takes two polls to delete
    fake().latency.natGatewayDelete = 2;
    const net = await network();
    const natId = await createNat(net);
    await waitUntilNatGatewayAvailable({ client: ec2(), ...FAST_WAIT }, { NatGatewayIds: [natId] });

    // WHEN what it uses is removed first
    // THEN AWS's errors come back
    await expect(
      ec2().send(new ReleaseAddressCommand({ AllocationId: net.allocationId })),
    ).rejects.toMatchObject({
      name: 'InvalidIPAddress.InUse',
    });
    await expect(ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnetId }))).rejects.toMatchObject({
      name: 'DependencyViolation',
    });
    await expect(
      ec2().send(new DetachInternetGatewayCommand({ InternetGatewayId: net.igwId, VpcId: net.vpcId })),
    ).rejects.toMatchObject({
      name: 'DependencyViolation',
      message: expect.stringContaining(`Network ${net.vpcId} has some mapped public address(es)`),
    });

    // WHEN the NAT gateway is deleted and the SDK waiter waits for it
    const { NatGatewayId } = await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
    const deleting = await ec2().send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    const result = await waitUntilNatGatewayDeleted(
      { client: ec2(), ...FAST_WAIT },
      { NatGatewayIds: [natId] },
    );

    // THEN it went deleting -> deleted, stays visible as deleted, and everything it held is free
    expect(NatGatewayId).toBe(natId);
    expect(deleting.NatGateways?.[0]?.State).toBe('deleting');
    expect(result.state).toBe('SUCCESS');
    const live = await ec2().send(
      new DescribeNatGatewaysCommand({
        Filter: [{ Name: 'state', Values: ['pending', 'available', 'deleting'] }],
      }),
    );
    expect(live.NatGateways).toEqual([]);
    const interfaces = await ec2().send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [net.subnetId] }] }),
    );
    expect(interfaces.NetworkInterfaces).toEqual([]);
    await ec2().send(new ReleaseAddressCommand({ AllocationId: net.allocationId }));
    await ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnetId }));
    await ec2().send(new DetachInternetGatewayCommand({ InternetGatewayId: net.igwId, VpcId: net.vpcId }));
    const again = ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
    await expect(again).rejects.toMatchObject({ name: 'NatGatewayNotFound' });
  });

  it('shows a route to a deleted NAT gateway as a blackhole', async () => {
    // GIVEN a private route table routing through a NAT gateway (zero-poll latencies)
    fake().latency = { ...fake().latency, natGatewayCreate: 0, natGatewayDelete: 0 };
    const net = await network();
    const natId = await createNat(net);
    const { RouteTable } = await ec2().send(new CreateRouteTableCommand({ VpcId: net.vpcId }));
    const rtbId = RouteTable?.RouteTableId ?? '';
    await ec2().send(
      new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }),
    );

    // WHEN the NAT gateway is deleted
    await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));

    // THEN the route remains, as a blackhole
    const { RouteTables } = await ec2().send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }));
    expect(RouteTables?.[0]?.Routes?.[1]).toMatchObject({ NatGatewayId: natId, State: 'blackhole' });
  });

  it('fails a public NAT gateway whose VPC has no internet gateway, and the waiter reports it', async () => {
    // GIVEN a network whose internet gateway is detached
    const net = await network();
    await ec2().send(new DetachInternetGatewayCommand({ InternetGatewayId: net.igwId, VpcId: net.vpcId }));

    // WHEN a public NAT gateway is created and awaited
    const natId = await createNat(net);
    const wait = waitUntilNatGatewayAvailable({ client: ec2(), ...FAST_WAIT }, { NatGatewayIds: [natId] });

    // THEN the waiter fails and the gateway says why, as AWS does
    await expect(wait).rejects.toThrow(/FAILURE/);
    const { NatGateways } = await ec2().send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    expect(NatGateways?.[0]).toMatchObject({ State: 'failed', FailureCode: 'Gateway.NotAttached' });
  });
});
