import {
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DeletePolicyCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribePoliciesCommand,
  DescribeTagsCommand,
  PutScalingPolicyCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroup, CreateAutoScalingGroupCommandInput } from '@aws-sdk/client-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeInstanceHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import { useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();

const PROFILE_ARN = 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node';
const NEW_AMI = 'ami-0fedcba9876543210';

interface Setup {
  subnetIds: string[];
  templateId: string;
}

function templateData(imageId: string): RequestLaunchTemplateData {
  return {
    ImageId: imageId,
    InstanceType: 'c5.2xlarge',
    SecurityGroupIds: [],
    IamInstanceProfile: { Arn: PROFILE_ARN },
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
    BlockDeviceMappings: [
      { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true } },
    ],
    TagSpecifications: [
      {
        ResourceType: 'instance',
        Tags: [
          { Key: 'Name', Value: 'demo-node' },
          { Key: 'role', Value: 'node' },
        ],
      },
      { ResourceType: 'volume', Tags: [{ Key: 'role', Value: 'root-volume' }] },
    ],
  };
}

/** Two private subnets in two zones, an app security group, a usable profile, a launch template. */
async function setup(): Promise<Setup> {
  fake().latency.instanceProfileUsable = 0;
  await aws().iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'demo-gitlab-node' }));
  const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [cidr, zone] of [
    ['10.0.10.0/24', 'eu-west-1a'],
    ['10.0.11.0/24', 'eu-west-1b'],
  ] as const) {
    const subnet = await ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }),
    );
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  const groupId = (
    await ec2().send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpcId }))
  ).GroupId!;
  const template = await ec2().send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'demo-gitlab',
      LaunchTemplateData: { ...templateData(FAKE_UBUNTU_AMI), SecurityGroupIds: [groupId] },
    }),
  );
  return { subnetIds, templateId: template.LaunchTemplate!.LaunchTemplateId! };
}

function groupInput(
  s: Setup,
  overrides: Partial<CreateAutoScalingGroupCommandInput> = {},
): CreateAutoScalingGroupCommandInput {
  return {
    AutoScalingGroupName: 'demo-gitlab',
    LaunchTemplate: { LaunchTemplateId: s.templateId, Version: '1' },
    MinSize: 2,
    MaxSize: 4,
    DesiredCapacity: 2,
    VPCZoneIdentifier: s.subnetIds.join(','),
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: 600,
    Tags: [
      { Key: 'gitlab-ha:deployment', Value: 'demo', PropagateAtLaunch: true },
      { Key: 'gitlab-ha:resource', Value: 'auto-scaling/group', PropagateAtLaunch: false },
    ],
    ...overrides,
  };
}

async function describeGroup(name = 'demo-gitlab'): Promise<AutoScalingGroup | undefined> {
  const out = await aws().autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  return out.AutoScalingGroups?.[0];
}

/** Polls the group until `done` holds (at most 30 polls); returns the group as last seen. */
async function pollGroup(
  done: (group: AutoScalingGroup | undefined) => boolean,
): Promise<AutoScalingGroup | undefined> {
  for (let i = 0; i < 30; i += 1) {
    const group = await describeGroup();
    if (done(group)) return group;
  }
  throw new Error('the group did not get there in 30 polls');
}

const allInService = (count: number) => (g: AutoScalingGroup | undefined) =>
  g?.Instances?.length === count && g.Instances.every((i) => i.LifecycleState === 'InService');

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; Code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake Auto Scaling: groups', () => {
  it('launches the desired capacity from the template, one per zone, Pending then InService', async () => {
    // GIVEN a launch template and two subnets in two zones
    const s = await setup();

    // WHEN a group of two is created and polled
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const first = await describeGroup();
    const settled = await pollGroup(allInService(2));

    // THEN its two instances start Pending, one in each zone, from template version 1
    expect(
      first?.Instances?.map((i) => [i.AvailabilityZone, i.LifecycleState, i.LaunchTemplate?.Version]),
    ).toEqual([
      ['eu-west-1a', 'Pending', '1'],
      ['eu-west-1b', 'Pending', '1'],
    ]);
    expect(settled?.Instances?.every((i) => i.HealthStatus === 'Healthy')).toBe(true);
    // AND the EC2 instances run with the template's settings, its tags, the propagated ones and AWS's own
    const instance = fake().ec2.instance(settled!.Instances![0]!.InstanceId);
    expect(instance).toMatchObject({
      state: 'running',
      imageId: FAKE_UBUNTU_AMI,
      instanceType: 'c5.2xlarge',
      iamInstanceProfileArn: PROFILE_ARN,
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      subnetId: s.subnetIds[0],
    });
    expect(instance.tags).toEqual({
      Name: 'demo-node',
      role: 'node',
      'gitlab-ha:deployment': 'demo',
      'aws:autoscaling:groupName': 'demo-gitlab',
    });
    const root = fake().ec2.volume(instance.blockDevices[0]!.volumeId);
    expect(root).toMatchObject({ sizeGb: 50, encrypted: true, tags: { role: 'root-volume' } });
    // AND the group shows what it was given
    expect(settled).toMatchObject({
      MinSize: 2,
      MaxSize: 4,
      DesiredCapacity: 2,
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 600,
      VPCZoneIdentifier: s.subnetIds.join(','),
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
      LaunchTemplate: { LaunchTemplateId: s.templateId, LaunchTemplateName: 'demo-gitlab', Version: '1' },
    });
    expect(settled?.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/demo-gitlab$/,
    );
  });

  it('registers its instances with its load balancer, which sees them InService once they run', async () => {
    // GIVEN a classic load balancer in the subnets
    const s = await setup();
    await aws().elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'demo-elb',
        Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }],
        Subnets: s.subnetIds,
      }),
    );

    // WHEN a group attached to it is created and both are polled
    await aws().autoscaling.send(
      new CreateAutoScalingGroupCommand(groupInput(s, { LoadBalancerNames: ['demo-elb'] })),
    );
    const group = await pollGroup(allInService(2));
    let states: string[] = [];
    for (let i = 0; i < 10 && !(states.length === 2 && states.every((x) => x === 'InService')); i += 1) {
      const health = await aws().elb.send(
        new DescribeInstanceHealthCommand({ LoadBalancerName: 'demo-elb' }),
      );
      states = health.InstanceStates?.map((x) => x.State ?? '') ?? [];
    }

    // THEN the load balancer has the group's instances, InService
    const health = await aws().elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'demo-elb' }));
    expect(health.InstanceStates?.map((x) => [x.InstanceId, x.State]).sort()).toEqual(
      group!.Instances!.map((i) => [i.InstanceId, 'InService']).sort(),
    );
  });

  it('refuses a load balancer that does not exist, a missing template and sizes out of order', async () => {
    // GIVEN a launch template
    const s = await setup();
    const create = (overrides: Partial<CreateAutoScalingGroupCommandInput>) =>
      errorOf(aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s, overrides))));

    // WHEN groups are created with each mistake
    const noLb = await create({ LoadBalancerNames: ['nope'] });
    const noTemplate = await create({
      LaunchTemplate: { LaunchTemplateId: 'lt-0000000000000000f', Version: '1' },
    });
    const sizes = await create({ DesiredCapacity: 5 });

    // THEN each is a ValidationError saying what is wrong, and nothing was made
    expect([noLb, noTemplate, sizes].map((e) => e.name)).toEqual([
      'ValidationError',
      'ValidationError',
      'ValidationError',
    ]);
    expect(noLb.message).toBe(
      'Provided Load Balancers may not be valid. Please ensure they exist and try again.',
    );
    expect(noTemplate.message).toContain('lt-0000000000000000f, does not exist');
    expect(sizes.message).toBe('Desired capacity:5 must be between the specified min size:2 and max size:4');
    expect(fake().autoscaling.groups.size).toBe(0);
  });

  it('refuses a second group of the same name with AlreadyExists', async () => {
    // GIVEN a group
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));

    // WHEN it is created again
    const error = await errorOf(aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s))));

    // THEN the SDK's AlreadyExistsFault comes back with the wire code
    expect(error.name).toBe('AlreadyExistsFault');
    expect(error.Code).toBe('AlreadyExists');
  });

  it('answers a missing group as Auto Scaling does: an empty describe, a ValidationError elsewhere', async () => {
    // GIVEN no group
    // WHEN it is described, updated and deleted
    const described = await describeGroup('nope');
    const update = await errorOf(
      aws().autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'nope', MinSize: 1 })),
    );
    const del = await errorOf(
      aws().autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'nope' })),
    );

    // THEN describe is empty and the others fail with ValidationError "not found"
    expect(described).toBeUndefined();
    for (const error of [update, del]) {
      expect(error.name).toBe('ValidationError');
      expect(error.message).toBe("AutoScalingGroup name not found - AutoScalingGroup 'nope' not found");
    }
  });

  it('scales out to the least used zone and in from the busiest, telling the hooks', async () => {
    // GIVEN a settled group of two and recording hooks
    const s = await setup();
    const launched: string[][] = [];
    const terminated: string[][] = [];
    fake().autoscaling.onLaunch = (_g, ids) => launched.push(ids);
    fake().autoscaling.onTerminate = (_g, ids) => terminated.push(ids);
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    await pollGroup(allInService(2));

    // WHEN it grows to three, then shrinks to one
    await aws().autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'demo-gitlab', DesiredCapacity: 3 }),
    );
    const three = await pollGroup(allInService(3));
    await aws().autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'demo-gitlab',
        MinSize: 1,
        DesiredCapacity: 1,
      }),
    );
    const one = await pollGroup(allInService(1));

    // THEN the third went to the first zone, and scale-in kept one instance
    expect(three?.Instances?.map((i) => i.AvailabilityZone)).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1a',
    ]);
    expect(launched.map((ids) => ids.length)).toEqual([2, 1]);
    // AND the first removal came from the busiest zone (eu-west-1a, the oldest there), the second from the rest
    const [firstA, firstB, secondA] = three!.Instances!.map((i) => i.InstanceId!);
    expect(terminated).toEqual([[firstA, firstB]]);
    expect(one?.Instances?.map((i) => i.InstanceId)).toEqual([secondA]);
    expect(fake().ec2.instance(firstA).state).toBe('terminated');
  });

  it('replaces an instance terminated behind its back', async () => {
    // GIVEN a settled group of two
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const before = await pollGroup(allInService(2));
    const victim = before!.Instances![0]!.InstanceId!;

    // WHEN one of its instances is terminated in EC2
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [victim] }));
    const after = await pollGroup(
      (g) => allInService(2)(g) && !g!.Instances!.some((i) => i.InstanceId === victim),
    );

    // THEN the group is back at two, with a new instance in the same zone
    expect(after?.Instances?.map((i) => i.AvailabilityZone).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  it('tries again a launch EC2 refused, once the instance profile has propagated', async () => {
    // GIVEN an instance profile EC2 cannot see for three more checks
    const s = await setup();
    fake().latency.instanceProfileUsable = 3;
    await aws().iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'late' }));
    await ec2().send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: s.templateId,
        SourceVersion: '1',
        LaunchTemplateData: {
          IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/late' },
        },
      }),
    );

    // WHEN a group launches from that version
    await aws().autoscaling.send(
      new CreateAutoScalingGroupCommand(
        groupInput(s, { LaunchTemplate: { LaunchTemplateId: s.templateId, Version: '2' } }),
      ),
    );
    const right = fake().autoscaling.group('demo-gitlab');
    const failure = right.lastLaunchFailure;
    const settled = await pollGroup(allInService(2));

    // THEN the first launch failed with EC2's message, and later polls launched both
    expect(failure).toContain('Invalid IAM Instance Profile');
    expect(settled?.Instances?.map((i) => i.LaunchTemplate?.Version)).toEqual(['2', '2']);
  });

  it('refuses to delete a group with instances unless forced, then is gone once they are terminated', async () => {
    // GIVEN a settled group with a policy
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const group = await pollGroup(allInService(2));
    await aws().autoscaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'demo-gitlab',
        PolicyName: 'demo-scale-out',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 1,
      }),
    );

    // WHEN it is deleted without, then with ForceDelete
    const refused = await errorOf(
      aws().autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'demo-gitlab' })),
    );
    await aws().autoscaling.send(
      new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'demo-gitlab', ForceDelete: true }),
    );
    const deleting = await describeGroup();
    const gone = await pollGroup((g) => g === undefined);

    // THEN the plain delete is ResourceInUse, the forced one shows "Delete in progress" until the
    // instances are terminated, and its policy went with it
    expect(refused.Code).toBe('ResourceInUse');
    expect(deleting?.Status).toBe('Delete in progress');
    expect(deleting?.Instances?.every((i) => i.LifecycleState === 'Terminating')).toBe(true);
    expect(gone).toBeUndefined();
    for (const instance of group!.Instances!)
      expect(fake().ec2.instance(instance.InstanceId).state).toBe('terminated');
    expect(fake().autoscaling.policies.size).toBe(0);
  });

  it('filters groups by tags, describes and updates their tags, and lists them for the Tagging API', async () => {
    // GIVEN a tagged group
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));

    // WHEN it is found by its tags, tagged once more, and its tags described
    const found = await aws().autoscaling.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [
          { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
          { Name: 'tag:gitlab-ha:resource', Values: ['auto-scaling/group'] },
        ],
      }),
    );
    const other = await aws().autoscaling.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [{ Name: 'tag:gitlab-ha:deployment', Values: ['prod'] }],
      }),
    );
    await aws().autoscaling.send(
      new CreateOrUpdateTagsCommand({
        Tags: [
          {
            ResourceId: 'demo-gitlab',
            ResourceType: 'auto-scaling-group',
            Key: 'team',
            Value: 'platform',
            PropagateAtLaunch: true,
          },
        ],
      }),
    );
    const tags = await aws().autoscaling.send(
      new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['demo-gitlab'] }] }),
    );
    const tagged = await aws().tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['autoscaling'] }),
    );

    // THEN the filter selects it, its tags are listed, and the Tagging API shows its ARN
    expect(found.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['demo-gitlab']);
    expect(other.AutoScalingGroups).toEqual([]);
    expect(tags.Tags?.map((t) => [t.Key, t.Value, t.PropagateAtLaunch])).toEqual([
      ['gitlab-ha:deployment', 'demo', true],
      ['gitlab-ha:resource', 'auto-scaling/group', false],
      ['team', 'platform', true],
    ]);
    expect(tagged.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([
      fake().autoscaling.group('demo-gitlab').arn,
    ]);
  });
});

describe('fake Auto Scaling: scaling policies', () => {
  it('creates a policy, updates it in place, describes and deletes it', async () => {
    // GIVEN a group
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const put = (adjustment: number) =>
      aws().autoscaling.send(
        new PutScalingPolicyCommand({
          AutoScalingGroupName: 'demo-gitlab',
          PolicyName: 'demo-scale-out',
          PolicyType: 'SimpleScaling',
          AdjustmentType: 'ChangeInCapacity',
          ScalingAdjustment: adjustment,
          Cooldown: 300,
        }),
      );

    // WHEN a policy is put twice, described, and deleted
    const first = await put(1);
    const second = await put(2);
    const described = await aws().autoscaling.send(
      new DescribePoliciesCommand({ AutoScalingGroupName: 'demo-gitlab', PolicyNames: ['demo-scale-out'] }),
    );
    await aws().autoscaling.send(
      new DeletePolicyCommand({ AutoScalingGroupName: 'demo-gitlab', PolicyName: 'demo-scale-out' }),
    );
    const deletedAgain = await errorOf(
      aws().autoscaling.send(
        new DeletePolicyCommand({ AutoScalingGroupName: 'demo-gitlab', PolicyName: 'demo-scale-out' }),
      ),
    );

    // THEN the ARN stayed, the update took, and deleting it twice fails with a not-found ValidationError
    expect(first.PolicyARN).toMatch(
      /^arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/demo-gitlab:policyName\/demo-scale-out$/,
    );
    expect(second.PolicyARN).toBe(first.PolicyARN);
    expect(described.ScalingPolicies).toEqual([
      expect.objectContaining({
        PolicyARN: first.PolicyARN,
        ScalingAdjustment: 2,
        Cooldown: 300,
        PolicyType: 'SimpleScaling',
      }),
    ]);
    expect(deletedAgain.name).toBe('ValidationError');
    expect(deletedAgain.message).toContain('not found');
  });

  it('says the group is not found when asked for the policies of a missing group', async () => {
    // GIVEN no group
    // WHEN its policies are described
    const error = await errorOf(
      aws().autoscaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'nope' })),
    );

    // THEN Auto Scaling answers with a ValidationError
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Group nope not found');
  });

  it('scales the group out when the alarm naming the policy goes to ALARM', async () => {
    // GIVEN a group of two with a +1 policy and an alarm that runs it
    const s = await setup();
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const { PolicyARN } = await aws().autoscaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'demo-gitlab',
        PolicyName: 'demo-scale-out',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 1,
      }),
    );
    await aws().cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'demo-cpu-high',
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        Threshold: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [PolicyARN!],
      }),
    );

    // WHEN the CPU alarm fires three times (the group's maximum is four)
    for (let i = 0; i < 3; i += 1) {
      fake().cloudwatch.setAlarmState('demo-cpu-high', 'ALARM');
      fake().cloudwatch.setAlarmState('demo-cpu-high', 'OK');
    }

    // THEN the group wants four instances and launches them
    const group = await pollGroup(allInService(4));
    expect(group?.DesiredCapacity).toBe(4);
  });
});

describe('fake Auto Scaling: instance refresh', () => {
  async function groupOnNewVersion(): Promise<{ s: Setup; before: string[] }> {
    const s = await setup();
    fake().ec2.addImage({ id: NEW_AMI, name: 'demo-gitlab-18.6.0' });
    await aws().autoscaling.send(new CreateAutoScalingGroupCommand(groupInput(s)));
    const settled = await pollGroup(allInService(2));
    await ec2().send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: s.templateId,
        SourceVersion: '1',
        LaunchTemplateData: { ImageId: NEW_AMI },
      }),
    );
    await aws().autoscaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'demo-gitlab',
        LaunchTemplate: { LaunchTemplateId: s.templateId, Version: '2' },
      }),
    );
    return { s, before: settled!.Instances!.map((i) => i.InstanceId!) };
  }

  it('replaces every instance with the new version, launching before terminating at 100 / 150 %', async () => {
    // GIVEN a settled group of two whose template has a new version with a new AMI
    const { before } = await groupOnNewVersion();
    fake().latency.instanceRefreshStart = 2;

    // WHEN a rolling refresh starts and is polled until it ends
    const { InstanceRefreshId } = await aws().autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'demo-gitlab',
        Preferences: {
          MinHealthyPercentage: 100,
          MaxHealthyPercentage: 150,
          InstanceWarmup: 600,
          SkipMatching: true,
        },
      }),
    );
    const statuses: string[] = [];
    let lowestInService = Infinity;
    for (let i = 0; i < 40 && statuses.at(-1) !== 'Successful'; i += 1) {
      const out = await aws().autoscaling.send(
        new DescribeInstanceRefreshesCommand({
          AutoScalingGroupName: 'demo-gitlab',
          InstanceRefreshIds: [InstanceRefreshId!],
        }),
      );
      statuses.push(out.InstanceRefreshes![0]!.Status!);
      const group = fake().autoscaling.group('demo-gitlab');
      lowestInService = Math.min(
        lowestInService,
        group.instances.filter((x) => x.lifecycleState === 'InService').length,
      );
    }

    // THEN it went Pending -> InProgress -> Successful
    expect([...new Set(statuses)]).toEqual(['Pending', 'InProgress', 'Successful']);
    // AND never had fewer than two instances in service
    expect(lowestInService).toBeGreaterThanOrEqual(2);
    // AND both instances are new, from version 2, on the new AMI; the old ones are terminated
    const group = await describeGroup();
    expect(group?.Instances?.map((i) => i.LaunchTemplate?.Version)).toEqual(['2', '2']);
    for (const instance of group!.Instances!) {
      expect(before).not.toContain(instance.InstanceId);
      expect(fake().ec2.instance(instance.InstanceId).imageId).toBe(NEW_AMI);
    }
    for (const id of before) expect(fake().ec2.instance(id).state).toBe('terminated');
  });

  it('refuses a second refresh while one runs, and reports one that failed with its reason', async () => {
    // GIVEN a refresh in progress
    await groupOnNewVersion();
    const start = () =>
      aws().autoscaling.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: 'demo-gitlab',
          Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 150 },
        }),
      );
    await start();

    // WHEN another one is started, then the first fails
    const second = await errorOf(start());
    fake().autoscaling.endInstanceRefresh(
      'demo-gitlab',
      'Failed',
      'Instances failed to pass ELB health checks',
    );
    const out = await aws().autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'demo-gitlab' }),
    );

    // THEN the second is InstanceRefreshInProgress, and the first shows Failed with the reason
    expect(second.Code).toBe('InstanceRefreshInProgress');
    expect(out.InstanceRefreshes?.map((r) => [r.Status, r.StatusReason])).toEqual([
      ['Failed', 'Instances failed to pass ELB health checks'],
    ]);
  });

  it('refuses MinHealthyPercentage and MaxHealthyPercentage both at 100', async () => {
    // GIVEN a group
    await groupOnNewVersion();

    // WHEN a refresh asks to keep 100 % without room for a replacement
    const error = await errorOf(
      aws().autoscaling.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: 'demo-gitlab',
          Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 100 },
        }),
      ),
    );

    // THEN it is a ValidationError
    expect(error.name).toBe('ValidationError');
  });
});
