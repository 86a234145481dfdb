import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2ServiceException,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, ec2 } = useFakeAws();

async function createVpc(cidr = '10.0.0.0/16', tags: Record<string, string> = {}): Promise<string> {
  const { Vpc } = await ec2().send(
    new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpec('vpc', tags) }),
  );
  return Vpc?.VpcId ?? '';
}

describe('fake EC2: VPCs, tags and filters', () => {
  it('finds a VPC by its tags, with a real-looking id, and ignores other deployments', async () => {
    // GIVEN two VPCs of two deployments
    const mine = await createVpc('10.0.0.0/16', { 'gitlab-ha:deployment': 'demo', Name: 'demo-vpc' });
    await createVpc('10.1.0.0/16', { 'gitlab-ha:deployment': 'other' });

    // WHEN the tool looks its VPC up by tag
    const { Vpcs } = await ec2().send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:gitlab-ha:deployment', Values: ['demo'] }] }),
    );

    // THEN exactly its own VPC comes back, tagged, with an AWS-shaped id
    expect(mine).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(Vpcs?.map((v) => v.VpcId)).toEqual([mine]);
    expect(Vpcs?.[0]?.Tags).toEqual([
      { Key: 'gitlab-ha:deployment', Value: 'demo' },
      { Key: 'Name', Value: 'demo-vpc' },
    ]);
  });

  it('rejects an unknown filter name with InvalidParameterValue, as EC2 does', async () => {
    // GIVEN a VPC
    await createVpc();

    // WHEN a Describe call uses a filter name EC2 does not know
    const call = ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag-name', Values: ['x'] }] }));

    // THEN it fails like an SDK service exception, naming the filter
    await expect(call).rejects.toBeInstanceOf(EC2ServiceException);
    await expect(call).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      Code: 'InvalidParameterValue',
      $fault: 'client',
      message: "The filter 'tag-name' is invalid",
    });
  });

  it('matches tag-key and wildcard values', async () => {
    // GIVEN two tagged VPCs
    const prod = await createVpc('10.0.0.0/16', { env: 'prod-eu' });
    await createVpc('10.1.0.0/16', { team: 'x' });

    // WHEN filtering by key only, and by a wildcard value
    const byKey = await ec2().send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag-key', Values: ['env'] }] }),
    );
    const byWildcard = await ec2().send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:env', Values: ['prod-*'] }] }),
    );

    // THEN both select only the tagged one
    expect(byKey.Vpcs?.map((v) => v.VpcId)).toEqual([prod]);
    expect(byWildcard.Vpcs?.map((v) => v.VpcId)).toEqual([prod]);
  });

  it('creates a VPC pending, available after one poll, with an untagged main route table and default group', async () => {
    // GIVEN the default latency (one poll for a VPC)
    expect(fake().latency.vpc).toBe(1);

    // WHEN a VPC is created and described
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { Vpcs } = await ec2().send(new DescribeVpcsCommand({ VpcIds: [Vpc?.VpcId ?? ''] }));
    const vpcFilter = [{ Name: 'vpc-id', Values: [Vpc?.VpcId ?? ''] }];
    const { RouteTables } = await ec2().send(new DescribeRouteTablesCommand({ Filters: vpcFilter }));
    const { SecurityGroups } = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: vpcFilter }));

    // THEN it was pending at creation and is available on the first poll; AWS's defaults exist untagged
    expect(Vpc?.State).toBe('pending');
    expect(Vpcs?.[0]?.State).toBe('available');
    expect(RouteTables).toHaveLength(1);
    expect(RouteTables?.[0]?.Associations).toEqual([
      expect.objectContaining({ Main: true, AssociationState: { State: 'associated' } }),
    ]);
    expect(RouteTables?.[0]?.Tags).toEqual([]);
    expect(SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
  });

  it('answers a missing id with the NotFound code of its kind', async () => {
    // GIVEN nothing at all
    const missing = (prefix: string) => `${prefix}-0123456789abcdef0`;

    // WHEN each kind is described by an id that does not exist
    const vpc = ec2().send(new DescribeVpcsCommand({ VpcIds: [missing('vpc')] }));
    const subnet = ec2().send(new DescribeSubnetsCommand({ SubnetIds: [missing('subnet')] }));
    const igw = ec2().send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [missing('igw')] }));
    const rtb = ec2().send(new DescribeRouteTablesCommand({ RouteTableIds: [missing('rtb')] }));
    const sg = ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [missing('sg')] }));

    // THEN each fails with EC2's code for that kind
    await expect(vpc).rejects.toMatchObject({ name: 'InvalidVpcID.NotFound' });
    await expect(subnet).rejects.toMatchObject({ name: 'InvalidSubnetID.NotFound' });
    await expect(igw).rejects.toMatchObject({ name: 'InvalidInternetGatewayID.NotFound' });
    await expect(rtb).rejects.toMatchObject({ name: 'InvalidRouteTableID.NotFound' });
    await expect(sg).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
  });

  it('rejects TagSpecifications for another resource type and creates nothing', async () => {
    // GIVEN a VPC
    const vpcId = await createVpc();

    // WHEN a subnet is created with a specification meant for a VPC
    const call = ec2().send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: '10.0.1.0/24',
        TagSpecifications: tagSpec('vpc', { a: 'b' }),
      }),
    );

    // THEN it fails and no subnet exists
    await expect(call).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(fake().ec2.subnets.size).toBe(0);
  });

  it('lists the configured availability zones', async () => {
    // GIVEN the default fake (eu-west-1, three zones)
    // WHEN the zones are described with a state filter
    const { AvailabilityZones } = await ec2().send(
      new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }),
    );

    // THEN all three come back, available, in the region
    expect(AvailabilityZones?.map((z) => [z.ZoneName, z.State, z.RegionName])).toEqual([
      ['eu-west-1a', 'available', 'eu-west-1'],
      ['eu-west-1b', 'available', 'eu-west-1'],
      ['eu-west-1c', 'available', 'eu-west-1'],
    ]);
  });

  it('keeps subnets inside their VPC, apart from each other, and in a known zone', async () => {
    // GIVEN a VPC with one subnet
    const vpcId = await createVpc('10.0.0.0/16');
    const first = await ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'eu-west-1a' }),
    );

    // WHEN more subnets are asked for: outside, overlapping, in an unknown zone
    const outside = ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'eu-west-1a' }),
    );
    const overlap = ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.128/25', AvailabilityZone: 'eu-west-1b' }),
    );
    const badZone = ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1z' }),
    );

    // THEN the first is available and the others fail with EC2's codes
    expect(first.Subnet).toMatchObject({
      State: 'available',
      AvailabilityZone: 'eu-west-1a',
      AvailableIpAddressCount: 251,
    });
    await expect(outside).rejects.toMatchObject({ name: 'InvalidSubnet.Range' });
    await expect(overlap).rejects.toMatchObject({ name: 'InvalidSubnet.Conflict' });
    await expect(badZone).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('modifies one VPC attribute per call', async () => {
    // GIVEN a VPC (DNS hostnames off by default)
    const vpcId = await createVpc();

    // WHEN both DNS attributes are set in one call, then hostnames alone
    const both = ec2().send(
      new ModifyVpcAttributeCommand({
        VpcId: vpcId,
        EnableDnsSupport: { Value: true },
        EnableDnsHostnames: { Value: true },
      }),
    );
    await expect(both).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await ec2().send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));

    // THEN DescribeVpcAttribute reports the change
    const attribute = await ec2().send(
      new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(attribute.EnableDnsHostnames).toEqual({ Value: true });
  });

  it('routes: keeps the implicit local route, refuses a duplicate destination and a second association', async () => {
    // GIVEN a VPC with an attached internet gateway, a subnet and a route table
    const vpcId = await createVpc('10.0.0.0/16');
    const { InternetGateway } = await ec2().send(new CreateInternetGatewayCommand({}));
    const igwId = InternetGateway?.InternetGatewayId ?? '';
    await ec2().send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }));
    const { RouteTable } = await ec2().send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const rtbId = RouteTable?.RouteTableId ?? '';

    // WHEN a default route is added twice and the subnet associated twice
    await ec2().send(
      new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }),
    );
    const again = ec2().send(
      new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }),
    );
    const { AssociationId } = await ec2().send(
      new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: Subnet?.SubnetId }),
    );
    const twice = ec2().send(
      new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: Subnet?.SubnetId }),
    );

    // THEN the duplicates fail and the table shows local + default routes and the association
    await expect(again).rejects.toMatchObject({ name: 'RouteAlreadyExists' });
    await expect(twice).rejects.toMatchObject({ name: 'Resource.AlreadyAssociated' });
    const { RouteTables } = await ec2().send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [Subnet?.SubnetId ?? ''] }],
      }),
    );
    expect(RouteTables?.map((t) => t.RouteTableId)).toEqual([rtbId]);
    expect(RouteTables?.[0]?.Routes).toEqual([
      {
        DestinationCidrBlock: '10.0.0.0/16',
        GatewayId: 'local',
        State: 'active',
        Origin: 'CreateRouteTable',
      },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId, State: 'active', Origin: 'CreateRoute' },
    ]);
    expect(AssociationId).toMatch(/^rtbassoc-[0-9a-f]{17}$/);
  });

  it('refuses out-of-order deletes with DependencyViolation, and succeeds in the right order', async () => {
    // GIVEN a VPC with a subnet, an attached internet gateway and an associated route table
    const vpcId = await createVpc('10.0.0.0/16');
    const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }));
    const subnetId = Subnet?.SubnetId ?? '';
    const { InternetGateway } = await ec2().send(new CreateInternetGatewayCommand({}));
    const igwId = InternetGateway?.InternetGatewayId ?? '';
    await ec2().send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const { RouteTable } = await ec2().send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const rtbId = RouteTable?.RouteTableId ?? '';
    const { AssociationId } = await ec2().send(
      new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: subnetId }),
    );

    // WHEN things are deleted before what depends on them
    // THEN EC2's DependencyViolation comes back each time
    await expect(ec2().send(new DeleteVpcCommand({ VpcId: vpcId }))).rejects.toMatchObject({
      name: 'DependencyViolation',
      message: `The vpc '${vpcId}' has dependencies and cannot be deleted.`,
    });
    await expect(
      ec2().send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId })),
    ).rejects.toMatchObject({
      name: 'DependencyViolation',
    });
    await expect(ec2().send(new DeleteRouteTableCommand({ RouteTableId: rtbId }))).rejects.toMatchObject({
      name: 'DependencyViolation',
    });

    // WHEN they are deleted in the right order
    await ec2().send(new DisassociateRouteTableCommand({ AssociationId }));
    await ec2().send(new DeleteRouteTableCommand({ RouteTableId: rtbId }));
    await ec2().send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2().send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    await ec2().send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId }));
    await ec2().send(new DeleteVpcCommand({ VpcId: vpcId }));

    // THEN nothing is left, including the VPC's main route table and default group
    const store = fake().ec2;
    expect([store.vpcs.size, store.subnets.size, store.internetGateways.size]).toEqual([0, 0, 0]);
    expect([store.routeTables.size, store.securityGroups.size, store.securityGroupRules.size]).toEqual([
      0, 0, 0,
    ]);
  });

  it('tags and untags any resource by id', async () => {
    // GIVEN an untagged VPC and internet gateway
    const vpcId = await createVpc();
    const { InternetGateway } = await ec2().send(new CreateInternetGatewayCommand({}));
    const igwId = InternetGateway?.InternetGatewayId ?? '';

    // WHEN both are tagged, then one tag removed from the gateway
    await ec2().send(
      new CreateTagsCommand({
        Resources: [vpcId, igwId],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await ec2().send(new DeleteTagsCommand({ Resources: [igwId], Tags: [{ Key: 'a' }] }));

    // THEN the tags are there, the removed one gone; tagging a missing id fails with its NotFound
    expect(fake().ec2.vpcs.get(vpcId)?.tags).toEqual({ a: '1', b: '2' });
    expect(fake().ec2.internetGateways.get(igwId)?.tags).toEqual({ b: '2' });
    await expect(
      ec2().send(
        new CreateTagsCommand({ Resources: ['subnet-0123456789abcdef0'], Tags: [{ Key: 'a', Value: '1' }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSubnetID.NotFound' });
  });
});
