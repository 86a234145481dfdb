import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DescribeNetworkInterfacesCommand,
  RunInstancesCommand,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import {
  AccessPointNotFoundException,
  AddTagsCommand,
  ApplySecurityGroupsToLoadBalancerCommand,
  AttachLoadBalancerToSubnetsCommand,
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  CreateLoadBalancerListenersCommand,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerCommand,
  DeleteLoadBalancerListenersCommand,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DetachLoadBalancerFromSubnetsCommand,
  DuplicateAccessPointNameException,
  DuplicateListenerException,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
  RemoveTagsCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import type {
  CreateLoadBalancerCommandInput,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { awsErrorCode, isNotFound } from '../../src/aws/errors.js';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import { useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();
const elb = (): ElasticLoadBalancingClient => aws().elb;

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c';

interface Network {
  vpcId: string;
  subnets: string[];
  /** A second subnet in the first subnet's zone. */
  sameZoneSubnet: string;
  groupId: string;
  otherGroupId: string;
}

/** A VPC with a public subnet in each of two zones, one more in the first zone, and two groups. */
async function network(): Promise<Network> {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone })))
      .Subnet!.SubnetId!;
  const subnets = [await subnet('10.0.0.0/24', 'eu-west-1a'), await subnet('10.0.1.0/24', 'eu-west-1b')];
  const sameZoneSubnet = await subnet('10.0.2.0/24', 'eu-west-1a');
  const group = async (name: string) =>
    (await ec2().send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId!;
  return { vpcId, subnets, sameZoneSubnet, groupId: await group('lb'), otherGroupId: await group('other') };
}

function createInput(net: Network, overrides: Partial<CreateLoadBalancerCommandInput> = {}) {
  return {
    LoadBalancerName: 'demo-elb',
    Listeners: [
      { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 },
      { Protocol: 'TCP', LoadBalancerPort: 22, InstanceProtocol: 'TCP', InstancePort: 22 },
    ],
    Subnets: net.subnets,
    SecurityGroups: [net.groupId],
    Scheme: 'internet-facing',
    Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    ...overrides,
  };
}

async function createLoadBalancer(net: Network, overrides: Partial<CreateLoadBalancerCommandInput> = {}) {
  return elb().send(new CreateLoadBalancerCommand(createInput(net, overrides)));
}

async function describeLb(name = 'demo-elb') {
  const out = await elb().send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] }));
  return out.LoadBalancerDescriptions![0]!;
}

async function elbInterfaces(name = 'demo-elb') {
  const out = await ec2().send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'description', Values: [`ELB ${name}`] }] }),
  );
  return out.NetworkInterfaces ?? [];
}

async function rejection(outcome: Promise<unknown>): Promise<unknown> {
  return outcome.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('fake ELB: load balancers', () => {
  it('creates a load balancer in the subnets, with the DNS name, API defaults and one interface per subnet', async () => {
    // GIVEN a VPC with two public subnets and a security group
    const net = await network();

    // WHEN a load balancer is created
    const out = await createLoadBalancer(net);

    // THEN it answers with its DNS name, and describes itself as AWS does, with the API's defaults
    expect(out.DNSName).toBe('demo-elb-1234567890.eu-west-1.elb.amazonaws.com');
    const lb = await describeLb();
    expect(lb).toMatchObject({
      LoadBalancerName: 'demo-elb',
      DNSName: out.DNSName,
      CanonicalHostedZoneName: out.DNSName,
      CanonicalHostedZoneNameID: 'Z32O12XQLNTSW2',
      Scheme: 'internet-facing',
      VPCId: net.vpcId,
      Subnets: net.subnets,
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
      SecurityGroups: [net.groupId],
      SourceSecurityGroup: { OwnerAlias: '123456789012', GroupName: 'lb' },
      Instances: [],
      HealthCheck: {
        Target: 'TCP:80',
        Interval: 30,
        Timeout: 5,
        UnhealthyThreshold: 2,
        HealthyThreshold: 10,
      },
    });
    expect(lb.ListenerDescriptions).toEqual([
      {
        Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 },
        PolicyNames: [],
      },
      {
        Listener: { Protocol: 'TCP', LoadBalancerPort: 22, InstanceProtocol: 'TCP', InstancePort: 22 },
        PolicyNames: [],
      },
    ]);
    // AND its attributes are the API's defaults (no cross-zone, no draining, 60 s idle timeout)
    const attributes = await elb().send(
      new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: 'demo-elb' }),
    );
    expect(attributes.LoadBalancerAttributes).toMatchObject({
      CrossZoneLoadBalancing: { Enabled: false },
      ConnectionDraining: { Enabled: false, Timeout: 300 },
      ConnectionSettings: { IdleTimeout: 60 },
    });
    // AND it holds one AWS-managed interface per subnet, described `ELB <name>`, in its group
    const enis = await elbInterfaces();
    expect(enis.map((e) => [e.SubnetId, e.Groups?.map((g) => g.GroupId), e.RequesterManaged])).toEqual([
      [net.subnets[0], [net.groupId], true],
      [net.subnets[1], [net.groupId], true],
    ]);
    // AND its tags are readable, and the Tagging API lists it under its classic ARN
    const tags = await elb().send(new DescribeTagsCommand({ LoadBalancerNames: ['demo-elb'] }));
    expect(tags.TagDescriptions).toEqual([
      { LoadBalancerName: 'demo-elb', Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }] },
    ]);
    const tagged = await aws().tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['elasticloadbalancing:loadbalancer'] }),
    );
    expect(tagged.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/demo-elb',
    ]);
  });

  it('answers a create of the same load balancer with it, and refuses the name with other settings', async () => {
    // GIVEN a load balancer
    const net = await network();
    const first = await createLoadBalancer(net);

    // WHEN the very same create is sent again
    const again = await createLoadBalancer(net);

    // THEN it answers with the existing one and makes nothing new
    expect(again.DNSName).toBe(first.DNSName);
    expect(fake().elb.loadBalancers.size).toBe(1);
    expect(await elbInterfaces()).toHaveLength(2);

    // WHEN the name is asked for with other tags
    const error = await rejection(createLoadBalancer(net, { Tags: [{ Key: 'owner', Value: 'someone' }] }));

    // THEN it fails as AWS does: DuplicateAccessPointNameException, wire code DuplicateLoadBalancerName
    expect(error).toBeInstanceOf(DuplicateAccessPointNameException);
    expect(awsErrorCode(error)).toBe('DuplicateLoadBalancerName');
  });

  it('fails with AccessPointNotFoundException (code LoadBalancerNotFound) for a name that does not exist', async () => {
    // GIVEN no load balancer
    // WHEN one is described by name
    const error = await rejection(
      elb().send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['nope-elb'] })),
    );

    // THEN the SDK's exception class and the wire code are AWS's, and the tool reads it as "not found"
    expect(error).toBeInstanceOf(AccessPointNotFoundException);
    expect(awsErrorCode(error)).toBe('LoadBalancerNotFound');
    expect(isNotFound(error)).toBe(true);
    expect((error as Error).message).toBe("There is no ACTIVE Load Balancer named 'nope-elb'");
  });

  it('refuses subnets of one zone, subnets that do not exist and groups of another VPC', async () => {
    // GIVEN a VPC with two subnets in one zone, and a group in another VPC
    const net = await network();
    const other = await network();

    // WHEN load balancers are created with bad placements
    const sameZone = await rejection(
      createLoadBalancer(net, { Subnets: [net.subnets[0]!, net.sameZoneSubnet] }),
    );
    const missing = await rejection(createLoadBalancer(net, { Subnets: ['subnet-0000000000000000f'] }));
    const foreignGroup = await rejection(createLoadBalancer(net, { SecurityGroups: [other.groupId] }));

    // THEN each fails with AWS's code, and nothing is made
    expect(awsErrorCode(sameZone)).toBe('InvalidConfigurationRequest');
    expect(awsErrorCode(missing)).toBe('SubnetNotFound');
    expect(awsErrorCode(foreignGroup)).toBe('InvalidSecurityGroup');
    expect(fake().elb.loadBalancers.size).toBe(0);
  });

  it("keeps a deleted load balancer's interfaces for latency.elbEniRelease polls, holding its subnet and group", async () => {
    // GIVEN a load balancer, deleted
    const net = await network();
    await createLoadBalancer(net);
    fake().latency.elbEniRelease = 2;
    await elb().send(new DeleteLoadBalancerCommand({ LoadBalancerName: 'demo-elb' }));

    // THEN it is gone at once, deleting it again succeeds, and its subnets and group cannot be deleted yet
    await expect(describeLb()).rejects.toBeInstanceOf(AccessPointNotFoundException);
    await elb().send(new DeleteLoadBalancerCommand({ LoadBalancerName: 'demo-elb' }));
    const subnet = await rejection(ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnets[0] })));
    const group = await rejection(ec2().send(new DeleteSecurityGroupCommand({ GroupId: net.groupId })));
    expect([awsErrorCode(subnet), awsErrorCode(group)]).toEqual([
      'DependencyViolation',
      'DependencyViolation',
    ]);

    // WHEN its interfaces are polled
    const polls = [
      (await elbInterfaces()).length,
      (await elbInterfaces()).length,
      (await elbInterfaces()).length,
    ];

    // THEN the first poll still shows both, the second is the first without them, and then all can go
    expect(polls).toEqual([2, 0, 0]);
    await ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnets[0] }));
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: net.groupId }));
  });

  it('attaches and detaches subnets (one per zone, never the last) and replaces security groups', async () => {
    // GIVEN a load balancer in the first subnet only
    const net = await network();
    await createLoadBalancer(net, { Subnets: [net.subnets[0]!] });
    fake().latency.elbEniRelease = 0;

    // WHEN the second zone's subnet is attached, and another of the first zone is tried
    const attached = await elb().send(
      new AttachLoadBalancerToSubnetsCommand({ LoadBalancerName: 'demo-elb', Subnets: [net.subnets[1]!] }),
    );
    const sameZone = await rejection(
      elb().send(
        new AttachLoadBalancerToSubnetsCommand({
          LoadBalancerName: 'demo-elb',
          Subnets: [net.sameZoneSubnet],
        }),
      ),
    );

    // THEN the first is added with an interface, the second refused
    expect(attached.Subnets).toEqual(net.subnets);
    expect(awsErrorCode(sameZone)).toBe('InvalidConfigurationRequest');
    expect((await elbInterfaces()).map((e) => e.SubnetId)).toEqual(net.subnets);

    // WHEN the first subnet is detached, and then the last one is tried
    const detached = await elb().send(
      new DetachLoadBalancerFromSubnetsCommand({ LoadBalancerName: 'demo-elb', Subnets: [net.subnets[0]!] }),
    );
    const last = await rejection(
      elb().send(
        new DetachLoadBalancerFromSubnetsCommand({
          LoadBalancerName: 'demo-elb',
          Subnets: [net.subnets[1]!],
        }),
      ),
    );

    // THEN one subnet stays, with its interface
    expect(detached.Subnets).toEqual([net.subnets[1]]);
    expect(awsErrorCode(last)).toBe('InvalidConfigurationRequest');
    expect((await elbInterfaces()).map((e) => e.SubnetId)).toEqual([net.subnets[1]]);

    // WHEN its security groups are replaced
    await elb().send(
      new ApplySecurityGroupsToLoadBalancerCommand({
        LoadBalancerName: 'demo-elb',
        SecurityGroups: [net.otherGroupId],
      }),
    );

    // THEN the load balancer and its interface are in the new group
    expect((await describeLb()).SecurityGroups).toEqual([net.otherGroupId]);
    expect((await elbInterfaces())[0]!.Groups?.map((g) => g.GroupId)).toEqual([net.otherGroupId]);
  });

  it("configures the health check within AWS's bounds and changes only the attributes given", async () => {
    // GIVEN a load balancer
    const net = await network();
    await createLoadBalancer(net);

    // WHEN the health check is configured, and one with a timeout longer than its interval is tried
    const healthCheck = {
      Target: 'HTTP:80/-/readiness',
      Interval: 10,
      Timeout: 5,
      HealthyThreshold: 2,
      UnhealthyThreshold: 3,
    };
    const configured = await elb().send(
      new ConfigureHealthCheckCommand({ LoadBalancerName: 'demo-elb', HealthCheck: healthCheck }),
    );
    const tooLong = await rejection(
      elb().send(
        new ConfigureHealthCheckCommand({
          LoadBalancerName: 'demo-elb',
          HealthCheck: { ...healthCheck, Timeout: 10 },
        }),
      ),
    );

    // THEN the first is in force, the second refused
    expect(configured.HealthCheck).toEqual(healthCheck);
    expect((await describeLb()).HealthCheck).toEqual(healthCheck);
    expect(awsErrorCode(tooLong)).toBe('ValidationError');

    // WHEN cross-zone and draining are set, and later only the idle timeout
    await elb().send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: 'demo-elb',
        LoadBalancerAttributes: {
          CrossZoneLoadBalancing: { Enabled: true },
          ConnectionDraining: { Enabled: true, Timeout: 300 },
        },
      }),
    );
    await elb().send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: 'demo-elb',
        LoadBalancerAttributes: { ConnectionSettings: { IdleTimeout: 300 } },
      }),
    );

    // THEN all three hold
    const attributes = await elb().send(
      new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: 'demo-elb' }),
    );
    expect(attributes.LoadBalancerAttributes).toMatchObject({
      CrossZoneLoadBalancing: { Enabled: true },
      ConnectionDraining: { Enabled: true, Timeout: 300 },
      ConnectionSettings: { IdleTimeout: 300 },
    });
  });

  it('adds, reads and removes tags', async () => {
    // GIVEN a load balancer
    const net = await network();
    await createLoadBalancer(net);

    // WHEN a tag is added and the deployment tag removed
    await elb().send(
      new AddTagsCommand({ LoadBalancerNames: ['demo-elb'], Tags: [{ Key: 'team', Value: 'platform' }] }),
    );
    await elb().send(
      new RemoveTagsCommand({ LoadBalancerNames: ['demo-elb'], Tags: [{ Key: 'gitlab-ha:deployment' }] }),
    );

    // THEN only the new tag is left
    const tags = await elb().send(new DescribeTagsCommand({ LoadBalancerNames: ['demo-elb'] }));
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
  });
});

describe('fake ELB: listeners and SSL negotiation policies', () => {
  it("gives a new HTTPS listener AWS's default policy, accepts an identical listener again and refuses a different one", async () => {
    // GIVEN a load balancer with HTTP 80 only
    const net = await network();
    await createLoadBalancer(net, {
      Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }],
    });
    const https = {
      Protocol: 'HTTPS',
      LoadBalancerPort: 443,
      InstanceProtocol: 'HTTP',
      InstancePort: 80,
      SSLCertificateId: CERT,
    };

    // WHEN an HTTPS listener is added, twice, and then a different one on the same port
    await elb().send(
      new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'demo-elb', Listeners: [https] }),
    );
    await elb().send(
      new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'demo-elb', Listeners: [https] }),
    );
    const different = await rejection(
      elb().send(
        new CreateLoadBalancerListenersCommand({
          LoadBalancerName: 'demo-elb',
          Listeners: [{ ...https, InstancePort: 8080 }],
        }),
      ),
    );

    // THEN there is one HTTPS listener, under ELBSecurityPolicy-2016-08, and the different one was refused
    const lb = await describeLb();
    expect(lb.ListenerDescriptions?.[1]).toEqual({
      Listener: https,
      PolicyNames: ['ELBSecurityPolicy-2016-08'],
    });
    expect(lb.Policies?.OtherPolicies).toEqual(['ELBSecurityPolicy-2016-08']);
    expect(different).toBeInstanceOf(DuplicateListenerException);
    expect(awsErrorCode(different)).toBe('DuplicateListener');

    // WHEN it is deleted (and a port without a listener with it)
    await elb().send(
      new DeleteLoadBalancerListenersCommand({
        LoadBalancerName: 'demo-elb',
        LoadBalancerPorts: [443, 8443],
      }),
    );

    // THEN only HTTP 80 is left
    expect((await describeLb()).ListenerDescriptions?.map((d) => d.Listener?.LoadBalancerPort)).toEqual([80]);
  });

  it('lists the predefined TLS 1.2 policy with the ciphers it enables', async () => {
    // GIVEN no load balancer
    // WHEN the predefined policy is described
    const out = await elb().send(
      new DescribeLoadBalancerPoliciesCommand({ PolicyNames: ['ELBSecurityPolicy-TLS-1-2-2017-01'] }),
    );

    // THEN it enables TLS 1.2 only and the AES256-GCM ciphers GitLab needs, not the old ones
    const values = new Map(
      out.PolicyDescriptions![0]!.PolicyAttributeDescriptions!.map((a) => [
        a.AttributeName,
        a.AttributeValue,
      ]),
    );
    expect(out.PolicyDescriptions![0]!.PolicyTypeName).toBe('SSLNegotiationPolicyType');
    expect([
      values.get('Protocol-TLSv1.2'),
      values.get('Protocol-TLSv1'),
      values.get('Protocol-TLSv1.1'),
    ]).toEqual(['true', 'false', 'false']);
    expect([values.get('ECDHE-RSA-AES256-GCM-SHA384'), values.get('AES256-GCM-SHA384')]).toEqual([
      'true',
      'true',
    ]);
    expect([values.get('DES-CBC3-SHA'), values.get('AES128-SHA')]).toEqual(['false', 'false']);
  });

  it("creates a policy from a reference with the reference's settings, and puts it on the HTTPS listener", async () => {
    // GIVEN a load balancer with an HTTPS listener
    const net = await network();
    await createLoadBalancer(net, {
      Listeners: [
        {
          Protocol: 'HTTPS',
          LoadBalancerPort: 443,
          InstanceProtocol: 'HTTP',
          InstancePort: 80,
          SSLCertificateId: CERT,
        },
      ],
    });

    // WHEN a policy based on the TLS 1.2 policy is created and set on port 443
    await elb().send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'demo-elb',
        PolicyName: 'tls12',
        PolicyTypeName: 'SSLNegotiationPolicyType',
        PolicyAttributes: [
          { AttributeName: 'Reference-Security-Policy', AttributeValue: 'ELBSecurityPolicy-TLS-1-2-2017-01' },
        ],
      }),
    );
    await elb().send(
      new SetLoadBalancerPoliciesOfListenerCommand({
        LoadBalancerName: 'demo-elb',
        LoadBalancerPort: 443,
        PolicyNames: ['tls12'],
      }),
    );

    // THEN the policy lists its reference and the reference's ciphers, and the listener uses it alone
    const out = await elb().send(
      new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: 'demo-elb', PolicyNames: ['tls12'] }),
    );
    const attributes = out.PolicyDescriptions![0]!.PolicyAttributeDescriptions!;
    expect(attributes[0]).toEqual({
      AttributeName: 'Reference-Security-Policy',
      AttributeValue: 'ELBSecurityPolicy-TLS-1-2-2017-01',
    });
    expect(attributes.filter((a) => a.AttributeValue === 'true').map((a) => a.AttributeName)).toContain(
      'AES256-GCM-SHA384',
    );
    expect((await describeLb()).ListenerDescriptions?.[0]?.PolicyNames).toEqual(['tls12']);

    // WHEN the same policy name is created again, or an unknown policy is set
    const duplicate = await rejection(
      elb().send(
        new CreateLoadBalancerPolicyCommand({
          LoadBalancerName: 'demo-elb',
          PolicyName: 'tls12',
          PolicyTypeName: 'SSLNegotiationPolicyType',
        }),
      ),
    );
    const unknown = await rejection(
      elb().send(
        new SetLoadBalancerPoliciesOfListenerCommand({
          LoadBalancerName: 'demo-elb',
          LoadBalancerPort: 443,
          PolicyNames: ['nope'],
        }),
      ),
    );

    // THEN both fail with AWS's codes
    expect([awsErrorCode(duplicate), awsErrorCode(unknown)]).toEqual([
      'DuplicatePolicyName',
      'PolicyNotFound',
    ]);
  });
});

describe('fake ELB: registered instances', () => {
  it('reports an instance OutOfService until it has run for latency.elbInService polls, then InService', async () => {
    // GIVEN a load balancer and an instance in its VPC, registered while still pending
    const net = await network();
    await createLoadBalancer(net);
    const run = await ec2().send(
      new RunInstancesCommand({
        ImageId: FAKE_UBUNTU_AMI,
        InstanceType: 'c5.large',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: net.subnets[0],
      }),
    );
    const id = run.Instances![0]!.InstanceId!;
    fake().latency.elbInService = 2;
    const registered = await elb().send(
      new RegisterInstancesWithLoadBalancerCommand({
        LoadBalancerName: 'demo-elb',
        Instances: [{ InstanceId: id }],
      }),
    );
    expect(registered.Instances).toEqual([{ InstanceId: id }]);
    const health = async () =>
      (await elb().send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'demo-elb' })))
        .InstanceStates![0]!;

    // WHEN its health is polled while it is pending
    const pending = await health();

    // THEN it is OutOfService because of the instance
    expect(pending).toEqual({
      InstanceId: id,
      State: 'OutOfService',
      ReasonCode: 'Instance',
      Description: 'Instance is in pending state.',
    });

    // WHEN it is running and polled twice
    await waitUntilInstanceRunning(
      { client: ec2(), minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 },
      { InstanceIds: [id] },
    );
    const states = [await health(), await health()];

    // THEN the first poll still shows the registration in progress, the second InService
    expect(states.map((s) => [s.State, s.Description])).toEqual([
      ['OutOfService', 'Instance registration is still in progress.'],
      ['InService', 'N/A'],
    ]);
    expect((await describeLb()).Instances).toEqual([{ InstanceId: id }]);
  });

  it('keeps instances that fail their health checks OutOfService, and lets the Auto Scaling fake register and deregister', async () => {
    // GIVEN a load balancer and two running instances (their state given by the test)
    const net = await network();
    await createLoadBalancer(net);
    fake().elb.instanceState = (id) =>
      ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb'].includes(id) ? 'running' : undefined;
    fake().latency.elbInService = 0;
    fake().elb.failingHealthChecks.add('i-0bbbbbbbbbbbbbbbb');

    // WHEN the Auto Scaling fake registers both, and their health is read
    fake().elb.registerInstances('demo-elb', ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb']);
    const out = await elb().send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'demo-elb' }));

    // THEN the healthy one is InService at once, the failing one OutOfService because of its checks
    expect(out.InstanceStates?.map((s) => [s.InstanceId, s.State, s.ReasonCode])).toEqual([
      ['i-0aaaaaaaaaaaaaaaa', 'InService', 'N/A'],
      ['i-0bbbbbbbbbbbbbbbb', 'OutOfService', 'Instance'],
    ]);

    // WHEN one is deregistered through the API and the other by the Auto Scaling fake
    await elb().send(
      new DeregisterInstancesFromLoadBalancerCommand({
        LoadBalancerName: 'demo-elb',
        Instances: [{ InstanceId: 'i-0aaaaaaaaaaaaaaaa' }],
      }),
    );
    fake().elb.deregisterInstances('demo-elb', ['i-0bbbbbbbbbbbbbbbb']);

    // THEN none is left, and an unknown instance is refused
    expect((await describeLb()).Instances).toEqual([]);
    const unknown = await rejection(
      elb().send(
        new RegisterInstancesWithLoadBalancerCommand({
          LoadBalancerName: 'demo-elb',
          Instances: [{ InstanceId: 'i-0cccccccccccccccc' }],
        }),
      ),
    );
    expect(awsErrorCode(unknown)).toBe('InvalidInstance');
  });
});
