import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { FakeAws, FakeNotImplementedError } from '../support/fake-aws/index.js';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();

const demo = { 'gitlab-ha:deployment': 'demo' };

describe('fake AWS: call log, mocks and other services', () => {
  it('works with aws-sdk-client-mock-vitest matchers on fake.mock(service)', async () => {
    // GIVEN a VPC created through the real client
    await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));

    // WHEN the stub is asked what it received
    // THEN the matchers see the command and its input
    expect(fake().mock('ec2')).toHaveReceivedCommandWith(CreateVpcCommand, { CidrBlock: '10.0.0.0/16' });
    expect(fake().mock('ec2')).toHaveReceivedCommandTimes(CreateVpcCommand, 1);
    expect(fake().mock('ec2')).not.toHaveReceivedCommand(DescribeVpcsCommand);
  });

  it('logs calls in order, tells mutating ones apart, and forgets them on resetCalls', async () => {
    // GIVEN a create and two reads
    await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    await ec2().send(new DescribeVpcsCommand({}));
    await aws().sts.send(new GetCallerIdentityCommand({}));

    // WHEN the log is read, then reset
    const calls = fake().calls();
    const mutating = fake().mutatingCalls();
    fake().resetCalls();

    // THEN it held each call with its input; after the reset the log and the stub history are empty
    expect(calls.map((c) => [c.service, c.command, c.mutating, c.attempt])).toEqual([
      ['ec2', 'CreateVpc', true, 1],
      ['ec2', 'DescribeVpcs', false, 1],
      ['sts', 'GetCallerIdentity', false, 1],
    ]);
    expect(calls[0]?.input).toEqual({ CidrBlock: '10.0.0.0/16' });
    expect(mutating.map((c) => c.command)).toEqual(['CreateVpc']);
    expect(fake().calls()).toEqual([]);
    expect(fake().mock('ec2')).not.toHaveReceivedCommand(CreateVpcCommand);
  });

  it('answers GetCallerIdentity with the fake account', async () => {
    // GIVEN a fake for account 210987654321
    const other = new FakeAws({ account: '210987654321' }).install();

    // WHEN the caller identity is asked for
    const identity = await other.clients().sts.send(new GetCallerIdentityCommand({}));
    other.restore();
    fake().install();

    // THEN it is that account
    expect(identity).toMatchObject({ Account: '210987654321', Arn: 'arn:aws:iam::210987654321:user/fake' });
  });

  it('lists live tagged resources through the Tagging API and taggedResources()', async () => {
    // GIVEN a tagged VPC and EIP of deployment demo, an untagged VPC, and another deployment's EIP
    const { Vpc } = await ec2().send(
      new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: tagSpec('vpc', demo) }),
    );
    await ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const eip = await ec2().send(
      new AllocateAddressCommand({ TagSpecifications: tagSpec('elastic-ip', demo) }),
    );
    await ec2().send(
      new AllocateAddressCommand({
        TagSpecifications: tagSpec('elastic-ip', { 'gitlab-ha:deployment': 'other' }),
      }),
    );

    // WHEN the Tagging API is asked for demo's resources, all and VPCs only
    const tagFilter = [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }];
    const all = await aws().tagging.send(new GetResourcesCommand({ TagFilters: tagFilter }));
    const vpcs = await aws().tagging.send(
      new GetResourcesCommand({ TagFilters: tagFilter, ResourceTypeFilters: ['ec2:vpc'] }),
    );

    // THEN both name the resources by ARN, and taggedResources() agrees
    const vpcArn = `arn:aws:ec2:eu-west-1:123456789012:vpc/${Vpc?.VpcId}`;
    const eipArn = `arn:aws:ec2:eu-west-1:123456789012:elastic-ip/${eip.AllocationId}`;
    expect(all.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([vpcArn, eipArn]);
    expect(all.ResourceTagMappingList?.[0]?.Tags).toEqual([{ Key: 'gitlab-ha:deployment', Value: 'demo' }]);
    expect(all.PaginationToken).toBe('');
    expect(vpcs.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([vpcArn]);
    expect(fake().taggedResources('demo')).toEqual([
      { arn: vpcArn, tags: demo },
      { arn: eipArn, tags: demo },
    ]);
  });

  it('does not list a deleted NAT gateway as a tagged resource', async () => {
    // GIVEN a tagged private NAT gateway (zero-poll latencies)
    fake().latency.natGatewayCreate = 0;
    fake().latency.natGatewayDelete = 0;
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { Subnet } = await ec2().send(
      new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.0.0/24' }),
    );
    const { NatGateway } = await ec2().send(
      new CreateNatGatewayCommand({
        SubnetId: Subnet?.SubnetId,
        ConnectivityType: 'private',
        TagSpecifications: tagSpec('natgateway', demo),
      }),
    );
    const natArn = `arn:aws:ec2:eu-west-1:123456789012:natgateway/${NatGateway?.NatGatewayId}`;
    const before = fake()
      .taggedResources('demo')
      .map((r) => r.arn);

    // WHEN it is deleted
    await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: NatGateway?.NatGatewayId }));

    // THEN it was listed before and is not after
    expect(before).toEqual([natArn]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('fails calls it does not model instead of reaching AWS', async () => {
    // GIVEN the installed fake
    // WHEN an EC2 call the tool never makes is sent
    const call = aws().ec2.send(new DescribeVpnGatewaysCommand({}));

    // THEN it fails at once with FakeAwsNotImplemented (not retried)
    await expect(call).rejects.toBeInstanceOf(FakeNotImplementedError);
    expect(fake().calls()).toEqual([
      {
        service: 'ec2',
        command: 'DescribeVpnGateways',
        input: {},
        attempt: 1,
        mutating: false,
        error: 'FakeAwsNotImplemented',
      },
    ]);
  });

  it('install is idempotent and restore puts the real send back', () => {
    // GIVEN an installed fake
    const stub = fake().mock('ec2');

    // WHEN it is installed again, then restored
    fake().install();
    const sameStub = fake().mock('ec2');
    fake().restore();

    // THEN the stub stayed the same, and after restore the client's send is no longer stubbed
    expect(sameStub).toBe(stub);
    expect('wrappedMethod' in EC2Client.prototype.send).toBe(false);
    expect(() => fake().mock('ec2')).toThrow(/install/);
  });
});
