import {
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config } from '../../src/config/schema.js';
import { ConflictError, ProvisioningError, WaitTimeoutError } from '../../src/engine/errors.js';
import type { HttpProbe, StepOutputs, Timing } from '../../src/engine/step.js';
import { decodeUserData } from '../../src/gitlab/cloud-config.js';
import { railsNodeInput, renderNodeCloudInit } from '../../src/gitlab/rails-node.js';
import { autoScalingStep } from '../../src/steps/auto-scaling/index.js';
import type { InstanceRecord } from '../support/fake-aws/index.js';
import {
  baseConfig,
  FAST_TIMING,
  firstAttemptInputsOf,
  mutatingCommands,
  openTestState,
  rejection,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

const fake = useFakeAws();
const newStatePath = useStatePaths();

/** Every bound shrunk a thousandfold: the 25-minute InService wait lasts 1.5 s. */
const SHORT_BOUNDS: Timing = { ...FAST_TIMING, maxWaitScale: 0.001 };
const PROFILE_ARN = 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node';
const GITLAB_AMI = 'ami-0aaaaaaaaaaaaaaa1';
const NEW_AMI = 'ami-0bbbbbbbbbbbbbbb2';
const SECRET_VALUES = [
  'db-Secret-Value-1',
  'redis-Secret-Value-2',
  'gitaly-Secret-Value-3',
  'shell-Secret-Value-4',
];

function config(
  overrides: { autoScaling?: Record<string, unknown>; gitlab?: Record<string, unknown> } = {},
): Config {
  return baseConfig({
    gitlab: overrides.gitlab,
    loadBalancer: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
    autoScaling: overrides.autoScaling ?? {},
  });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
  privateSubnetIds: string[];
  appGroupId: string;
  elbDnsName: string;
  dataOutputs: { database: StepOutputs; redis: StepOutputs; storage: StepOutputs };
}

/**
 * Everything the step depends on, done: a VPC with public and private subnets in two zones, the
 * `app` and `lb` groups, the node profile, the GitLab image, the classic load balancer, the data
 * tier's outputs, and the secrets in SSM (whose values must never reach the user data).
 */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone })))
      .Subnet!.SubnetId!;
  const publicSubnetIds = [
    await subnet('10.0.0.0/24', 'eu-west-1a'),
    await subnet('10.0.1.0/24', 'eu-west-1b'),
  ];
  const privateSubnetIds = [
    await subnet('10.0.10.0/24', 'eu-west-1a'),
    await subnet('10.0.11.0/24', 'eu-west-1b'),
  ];
  const group = async (name: string) =>
    (
      await aws.ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `demo-sg-${name}`, Description: name, VpcId: vpcId }),
      )
    ).GroupId!;
  const appGroupId = await group('app');
  const lbGroupId = await group('lb');
  fake().latency.instanceProfileUsable = 0;
  await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'demo-gitlab-node' }));
  fake().ec2.addImage({ id: GITLAB_AMI, name: 'demo-gitlab-ee-18.5.1' });
  const elb = await aws.elb.send(
    new CreateLoadBalancerCommand({
      LoadBalancerName: 'demo-elb',
      Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }],
      Subnets: publicSubnetIds,
      SecurityGroups: [lbGroupId],
    }),
  );
  for (const [i, key] of [
    'db-password',
    'redis-auth-token',
    'gitaly-token',
    'gitlab-shell-secret',
  ].entries()) {
    const name = `/gitlab-ha/demo/${key}`;
    fake().ssm.parameters.set(name, {
      name,
      type: 'SecureString',
      value: SECRET_VALUES[i]!,
      version: 1,
      tags: {},
      lastModified: new Date(),
    });
  }
  const dataOutputs = {
    database: {
      address: 'demo-db.abc.eu-west-1.rds.amazonaws.com',
      port: 5432,
      databaseName: 'gitlabhq_production',
      username: 'gitlab',
    },
    redis: { primaryAddress: 'master.demo-redis.abc.euw1.cache.amazonaws.com', port: 6379 },
    storage: {
      privateIp: '10.0.10.10',
      gitalyAddress: 'tcp://10.0.10.10:8075',
      nfsExportPath: '/srv/gitlab-ha/shared',
    },
  };
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  const done = (outputs: StepOutputs) => ({ status: 'done' as const, resources: {}, outputs });
  await store.update((draft) => {
    draft.steps.network = done({
      vpcId,
      vpcCidr: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds,
      privateSubnetIds,
    });
    draft.steps.security = done({ securityGroupIds: { app: appGroupId, lb: lbGroupId } });
    draft.steps.identity = done({ instanceProfileName: 'demo-gitlab-node', instanceProfileArn: PROFILE_ARN });
    draft.steps.database = done(dataOutputs.database);
    draft.steps.redis = done(dataOutputs.redis);
    draft.steps.storage = done(dataOutputs.storage);
    draft.steps.image = done({
      amiId: GITLAB_AMI,
      imageName: 'demo-gitlab-ee-18.5.1',
      gitlabVersion: '18.5.1',
      gitlabEdition: 'ee',
    });
    draft.steps['load-balancer'] = done({
      name: 'demo-elb',
      dnsName: elb.DNSName!,
      canonicalHostedZoneId: 'Z32O12XQLNTSW2',
      listeners: [],
    });
  });
  fake().resetCalls();
  return { aws, cfg, statePath, privateSubnetIds, appGroupId, elbDnsName: elb.DNSName!, dataOutputs };
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, options: { cfg?: Config; timing?: Timing; httpProbe?: HttpProbe } = {}) {
  return stepRun({
    step: 'auto-scaling',
    aws: d.aws,
    config: options.cfg ?? d.cfg,
    statePath: d.statePath,
    timing: options.timing,
    httpProbe: options.httpProbe,
  });
}

async function setImage(d: Deployment, amiId: string): Promise<void> {
  fake().ec2.addImage({ id: amiId, name: `demo-gitlab-${amiId}` });
  const store = await openTestState(d.statePath);
  await store.update((draft) => {
    draft.steps.image!.outputs = { ...draft.steps.image!.outputs, amiId };
  });
}

function liveNodes(): InstanceRecord[] {
  return [...fake().ec2.instances.values()].filter(
    (i) =>
      i.state !== 'terminated' &&
      i.state !== 'shutting-down' &&
      i.tags['gitlab-ha:resource'] === 'auto-scaling/node',
  );
}

/** Resolves once the fake has a refresh running for the group (the step started one). */
async function refreshStarted(): Promise<void> {
  for (let i = 0; i < 10_000; i += 1) {
    if (fake().autoscaling.activeRefresh('demo-gitlab')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no instance refresh was started');
}

describe('auto-scaling ensure', () => {
  it('creates the launch template, the group, the policies and their alarms, in that order', async () => {
    // GIVEN every step it depends on done
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await autoScalingStep.ensure(step);

    // THEN it made exactly these, in order, and nothing else
    expect(mutatingCommands(fake())).toEqual([
      'CreateLaunchTemplate',
      'CreateAutoScalingGroup',
      'PutScalingPolicy',
      'PutScalingPolicy',
      'PutMetricAlarm',
      'PutMetricAlarm',
    ]);
    // AND the outputs name them, with the URL and the load balancer to point it at
    const templateId = [...fake().ec2.launchTemplates.keys()][0]!;
    const policies = [...fake().autoscaling.policies.values()];
    expect(result.outputs).toEqual({
      groupName: 'demo-gitlab',
      launchTemplateId: templateId,
      launchTemplateVersion: 1,
      url: 'https://gitlab.example.com',
      loadBalancerDnsName: d.elbDnsName,
      scaleOutPolicyArn: policies.find((p) => p.name === 'demo-scale-out')!.arn,
      scaleInPolicyArn: policies.find((p) => p.name === 'demo-scale-in')!.arn,
      highCpuAlarmName: 'demo-cpu-high',
      lowCpuAlarmName: 'demo-cpu-low',
    });
    // AND each is recorded in state
    const recorded = store.snapshot.steps['auto-scaling']!.resources;
    expect(Object.fromEntries(Object.entries(recorded).map(([role, r]) => [role, r.id]))).toEqual({
      'launch-template': templateId,
      group: 'demo-gitlab',
      'policy/scale-out': result.outputs.scaleOutPolicyArn,
      'policy/scale-in': result.outputs.scaleInPolicyArn,
      'alarm/cpu-high': 'demo-cpu-high',
      'alarm/cpu-low': 'demo-cpu-low',
    });
  });

  it('makes a launch template with the image, IMDSv2, an encrypted root volume, the profile and the app group', async () => {
    // GIVEN every step it depends on done, and a key pair in the config
    const d = await deployment(config({ gitlab: { keyPair: 'ops' } }));

    // WHEN the step is ensured
    await autoScalingStep.ensure((await run(d)).step);

    // THEN the template is exactly this, tagged, with an idempotency token tied to the app group
    const [input] = firstAttemptInputsOf(fake(), 'CreateLaunchTemplate');
    expect(input).toEqual({
      LaunchTemplateName: 'demo-gitlab',
      VersionDescription: 'gitlab-ha: first version',
      ClientToken: expect.stringMatching(new RegExp(`^demo-lt-${d.appGroupId}-[0-9a-f]{8}$`)) as unknown,
      TagSpecifications: [
        { ResourceType: 'launch-template', Tags: deploymentTags(d.cfg, 'auto-scaling', 'launch-template') },
      ],
      LaunchTemplateData: {
        ImageId: GITLAB_AMI,
        InstanceType: 'c5.2xlarge',
        SecurityGroupIds: [d.appGroupId],
        IamInstanceProfile: { Arn: PROFILE_ARN },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sda1',
            Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        KeyName: 'ops',
        UserData: expect.any(String) as unknown,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: deploymentTags(d.cfg, 'auto-scaling', 'node') },
          { ResourceType: 'volume', Tags: deploymentTags(d.cfg, 'auto-scaling', 'node/root-volume') },
        ],
      },
    });
  });

  it('puts the rendered node cloud-init in the user data, and no secret', async () => {
    // GIVEN every step it depends on done, with the secrets in SSM
    const d = await deployment();

    // WHEN the step is ensured
    await autoScalingStep.ensure((await run(d)).step);

    // THEN the user data is the node cloud-config rendered from the config and the data tier's outputs
    const data = firstAttemptInputsOf(fake(), 'CreateLaunchTemplate')[0]!.LaunchTemplateData as {
      UserData: string;
    };
    const document = decodeUserData(data.UserData);
    expect(document).toBe(renderNodeCloudInit(railsNodeInput(d.cfg, d.dataOutputs)));
    // AND no secret value is in it, nor on a node
    for (const secret of SECRET_VALUES) expect(document).not.toContain(secret);
    for (const node of liveNodes()) expect(decodeUserData(node.userData!)).toBe(document);
  });

  it('makes a group of 2 / 2 / 4 over the private subnets, behind the load balancer, with ELB health checks', async () => {
    // GIVEN every step it depends on done
    const d = await deployment();

    // WHEN the step is ensured
    await autoScalingStep.ensure((await run(d)).step);

    // THEN the group is exactly this, at launch template version 1
    const templateId = [...fake().ec2.launchTemplates.keys()][0]!;
    const tags = deploymentTags(d.cfg, 'auto-scaling', 'group').map((t) => ({
      ResourceId: 'demo-gitlab',
      ResourceType: 'auto-scaling-group',
      ...t,
      PropagateAtLaunch: t.Key !== 'Name' && t.Key !== 'gitlab-ha:resource',
    }));
    expect(firstAttemptInputsOf(fake(), 'CreateAutoScalingGroup')).toEqual([
      {
        AutoScalingGroupName: 'demo-gitlab',
        LaunchTemplate: { LaunchTemplateId: templateId, Version: '1' },
        MinSize: 2,
        MaxSize: 4,
        DesiredCapacity: 2,
        DefaultCooldown: 300,
        VPCZoneIdentifier: d.privateSubnetIds.join(','),
        LoadBalancerNames: ['demo-elb'],
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: 600,
        TerminationPolicies: ['OldestLaunchTemplate', 'OldestInstance'],
        Tags: tags,
      },
    ]);
    // AND its two nodes run one per zone, tagged as nodes of the deployment (not as the group)
    const nodes = liveNodes();
    expect(nodes.map((n) => n.availabilityZone).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    for (const node of nodes) {
      expect(node).toMatchObject({
        imageId: GITLAB_AMI,
        state: 'running',
        iamInstanceProfileArn: PROFILE_ARN,
      });
      expect(node.tags).toMatchObject({
        Name: 'demo-node',
        team: 'platform',
        'gitlab-ha:deployment': 'demo',
      });
    }
  });

  it('wires the CPU alarms to the right policies: above 60 % adds a node, below 45 % removes one', async () => {
    // GIVEN every step it depends on done
    const d = await deployment();

    // WHEN the step is ensured
    const { outputs } = await autoScalingStep.ensure((await run(d)).step);

    // THEN the policies are simple +1 / -1 policies with the configured cooldowns
    expect(firstAttemptInputsOf(fake(), 'PutScalingPolicy')).toEqual([
      {
        AutoScalingGroupName: 'demo-gitlab',
        PolicyName: 'demo-scale-out',
        PolicyType: 'SimpleScaling',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: 1,
        Cooldown: 300,
      },
      {
        AutoScalingGroupName: 'demo-gitlab',
        PolicyName: 'demo-scale-in',
        PolicyType: 'SimpleScaling',
        AdjustmentType: 'ChangeInCapacity',
        ScalingAdjustment: -1,
        Cooldown: 300,
      },
    ]);
    // AND each alarm watches the group's average CPU and runs its policy
    const alarms = firstAttemptInputsOf(fake(), 'PutMetricAlarm');
    const common = {
      ActionsEnabled: true,
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'demo-gitlab' }],
      Period: 60,
      EvaluationPeriods: 2,
    };
    expect(alarms).toEqual([
      {
        ...common,
        AlarmName: 'demo-cpu-high',
        AlarmDescription:
          'gitlab-ha demo: average CPU of the GitLab nodes > 60 % -> demo-scale-out (+1 instance)',
        AlarmActions: [outputs.scaleOutPolicyArn],
        Threshold: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Tags: deploymentTags(d.cfg, 'auto-scaling', 'alarm/cpu-high'),
      },
      {
        ...common,
        AlarmName: 'demo-cpu-low',
        AlarmDescription:
          'gitlab-ha demo: average CPU of the GitLab nodes < 45 % -> demo-scale-in (-1 instance)',
        AlarmActions: [outputs.scaleInPolicyArn],
        Threshold: 45,
        ComparisonOperator: 'LessThanThreshold',
        Tags: deploymentTags(d.cfg, 'auto-scaling', 'alarm/cpu-low'),
      },
    ]);
  });

  it('waits until min nodes are InService behind the load balancer, reporting progress, then gives the URL', async () => {
    // GIVEN nodes the load balancer sees InService a few polls after they run
    fake().latency.elbInService = 3;
    const d = await deployment();
    const { step, reporter } = await run(d);

    // WHEN the step is ensured
    await autoScalingStep.ensure(step);

    // THEN it reported the count as it rose, from none to both
    const progress = reporter
      .withCode('note')
      .map((e) => e.message)
      .filter((m) => m.includes('GitLab nodes InService'));
    expect(progress[0]).toBe('0 of 2 GitLab nodes InService behind demo-elb');
    expect(progress.at(-1)).toBe('2 of 2 GitLab nodes InService behind demo-elb');
    // AND the last event says where GitLab is and what to point its DNS at
    const last = reporter.events.at(-1)!;
    expect(last.code).toBe('note');
    expect(last.message).toBe(
      `GitLab: https://gitlab.example.com — point its DNS at ${d.elbDnsName} (CNAME/ALIAS)`,
    );
    // AND both nodes serve
    const health = fake()
      .elb.loadBalancers.get('demo-elb')!
      .instances.map((i) => i.instanceId)
      .sort();
    expect(health).toEqual(
      liveNodes()
        .map((n) => n.id)
        .sort(),
    );
  });

  it('gives up after a bounded wait when the nodes never pass the health check, saying where to look', async () => {
    // GIVEN nodes whose health checks always fail
    fake().latency.elbInService = 1_000_000;
    const d = await deployment();

    // WHEN the step is ensured with short bounds
    const error = await rejection(autoScalingStep.ensure((await run(d, { timing: SHORT_BOUNDS })).step));

    // THEN it is a timeout naming what it waited for, what it last saw, and where to look
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.message).toMatch(
      /waiting for 2 GitLab node\(s\) of demo-gitlab to be InService behind demo-elb \(last seen: 0 of 2 InService; i-/,
    );
    expect((error as WaitTimeoutError).hint).toContain('/var/log/gitlab-ha/node.log');
  });

  it('makes no mutating call when run again', async () => {
    // GIVEN a deployed step
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is ensured again
    const { step, reporter } = await run(d);
    await autoScalingStep.ensure(step);

    // THEN nothing was changed in AWS
    expect(mutatingCommands(fake())).toEqual([]);
    expect(reporter.withCode('resource.create')).toEqual([]);
    expect(reporter.withCode('resource.update')).toEqual([]);
  });
});

describe('auto-scaling rollout of a new image', () => {
  it('makes a new launch template version, points the group at it and rolls every node', async () => {
    // GIVEN a deployed step and a new GitLab image from the image step
    const d = await deployment();
    const first = await autoScalingStep.ensure((await run(d)).step);
    const oldNodes = liveNodes().map((n) => n.id);
    await setImage(d, NEW_AMI);
    fake().resetCalls();

    // WHEN the step is ensured again
    const { step, reporter } = await run(d);
    const result = await autoScalingStep.ensure(step);

    // THEN a version 2 with the new AMI is the default, the group runs it, and a refresh rolled the nodes
    expect(mutatingCommands(fake())).toEqual([
      'CreateLaunchTemplateVersion',
      'ModifyLaunchTemplate',
      'UpdateAutoScalingGroup',
      'StartInstanceRefresh',
    ]);
    expect(firstAttemptInputsOf(fake(), 'ModifyLaunchTemplate')).toEqual([
      { LaunchTemplateId: first.outputs.launchTemplateId, DefaultVersion: '2' },
    ]);
    expect(firstAttemptInputsOf(fake(), 'UpdateAutoScalingGroup')).toEqual([
      {
        AutoScalingGroupName: 'demo-gitlab',
        LaunchTemplate: { LaunchTemplateId: first.outputs.launchTemplateId, Version: '2' },
      },
    ]);
    expect(firstAttemptInputsOf(fake(), 'StartInstanceRefresh')).toEqual([
      {
        AutoScalingGroupName: 'demo-gitlab',
        Strategy: 'Rolling',
        Preferences: {
          MinHealthyPercentage: 100,
          MaxHealthyPercentage: 150,
          InstanceWarmup: 600,
          SkipMatching: true,
        },
      },
    ]);
    const versionData = firstAttemptInputsOf(fake(), 'CreateLaunchTemplateVersion')[0]!
      .LaunchTemplateData as { ImageId: string };
    expect(versionData.ImageId).toBe(NEW_AMI);
    expect(result.outputs.launchTemplateVersion).toBe(2);
    // AND every node is new and on the new image; the old ones are terminated
    const nodes = liveNodes();
    expect(nodes).toHaveLength(2);
    for (const node of nodes) {
      expect(oldNodes).not.toContain(node.id);
      expect(node.imageId).toBe(NEW_AMI);
    }
    // AND the change and the rollout were reported
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      `launch template ${first.outputs.launchTemplateId}: version 2 (AMI ${GITLAB_AMI} -> ${NEW_AMI})`,
      'Auto Scaling group demo-gitlab: launch template version 1 -> 2',
      expect.stringMatching(
        /^rolling 2 GitLab node\(s\) of demo-gitlab onto launch template version 2 \(instance refresh /,
      ) as unknown,
    ]);
  });

  it('reports a refresh that failed, with the reason Auto Scaling gave', async () => {
    // GIVEN a deployed step, a new image, and a refresh that will not get going
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    await setImage(d, NEW_AMI);
    fake().latency.instanceRefreshStart = 1_000_000;

    // WHEN the step is ensured and Auto Scaling gives up on the refresh
    const ensuring = rejection(autoScalingStep.ensure((await run(d)).step));
    await refreshStarted();
    fake().autoscaling.endInstanceRefresh(
      'demo-gitlab',
      'Failed',
      'Instances failed to pass ELB health checks',
    );
    const error = await ensuring;

    // THEN the failure says which refresh ended how, and why
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).code).toBe('INSTANCE_REFRESH_FAILED');
    expect(error.message).toMatch(
      /^The instance refresh .* of Auto Scaling group demo-gitlab ended Failed: Instances failed to pass ELB health checks$/,
    );
  });

  it('waits for a refresh already running instead of starting another', async () => {
    // GIVEN a rollout whose run died right after it started the refresh
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    await setImage(d, NEW_AMI);
    fake().faults.crashAfter({ command: 'StartInstanceRefresh' });
    await expect(autoScalingStep.ensure((await run(d)).step)).rejects.toThrow('simulated crash after');
    fake().resetCalls();

    // WHEN a new run resumes
    const { step, reporter } = await run(d);
    await autoScalingStep.ensure(step);

    // THEN it started nothing, waited for the running refresh, and every node is on the new image
    expect(mutatingCommands(fake())).toEqual([]);
    expect(reporter.withCode('note').map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^waiting for instance refresh .* of demo-gitlab, already (Pending|InProgress)$/),
    );
    expect(liveNodes().map((n) => n.imageId)).toEqual([NEW_AMI, NEW_AMI]);
  });
});

describe('auto-scaling convergence', () => {
  it('converges sizes, grace period and alarm thresholds changed in the config', async () => {
    // GIVEN a deployed step
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN the config asks for 3 / 3 / 6 nodes, a longer grace period and other thresholds
    const cfg = config({
      autoScaling: {
        min: 3,
        desired: 3,
        max: 6,
        healthCheckGracePeriodSeconds: 900,
        scaleOut: { cpuPercent: 70 },
        scaleIn: { cpuPercent: 30, cooldownSeconds: 600 },
      },
    });
    const { step, reporter } = await run(d, { cfg });
    await autoScalingStep.ensure(step);

    // THEN the group, the scale-in policy and both alarms were updated, and three nodes serve
    expect(mutatingCommands(fake())).toEqual([
      'UpdateAutoScalingGroup',
      'PutScalingPolicy',
      'PutMetricAlarm',
      'PutMetricAlarm',
    ]);
    expect(firstAttemptInputsOf(fake(), 'UpdateAutoScalingGroup')).toEqual([
      {
        AutoScalingGroupName: 'demo-gitlab',
        MinSize: 3,
        MaxSize: 6,
        DesiredCapacity: 3,
        HealthCheckGracePeriod: 900,
      },
    ]);
    expect(firstAttemptInputsOf(fake(), 'PutMetricAlarm').map((i) => [i.AlarmName, i.Threshold])).toEqual([
      ['demo-cpu-high', 70],
      ['demo-cpu-low', 30],
    ]);
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      'Auto Scaling group demo-gitlab: min 2 -> 3, max 4 -> 6, desired 2 -> 3, grace period 600 s -> 900 s',
      'scaling policy demo-scale-in: cooldown 300 s -> 600 s',
      'CloudWatch alarm demo-cpu-high: threshold 60 % -> 70 %',
      'CloudWatch alarm demo-cpu-low: threshold 45 % -> 30 %',
    ]);
    expect(liveNodes()).toHaveLength(3);
  });

  it('leaves a scale-out by the CPU policy alone', async () => {
    // GIVEN a deployed step whose CPU alarm added a node
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().cloudwatch.setAlarmState('demo-cpu-high', 'ALARM', 'CPU at 85 %');
    fake().resetCalls();

    // WHEN the step is ensured again with the same config
    const { step, reporter } = await run(d);
    await autoScalingStep.ensure(step);

    // THEN the group keeps three nodes and apply says so
    expect(mutatingCommands(fake())).toEqual([]);
    expect(fake().autoscaling.group('demo-gitlab').desiredCapacity).toBe(3);
    expect(reporter.withCode('note').map((e) => e.message)).toContain(
      "demo-gitlab runs 3 nodes (its scaling policies' doing); the config's desired 2 is left for them to manage",
    );
  });

  it('puts sizes changed by hand back to the config', async () => {
    // GIVEN a deployed group whose minimum someone lowered
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    await d.aws.autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'demo-gitlab', MinSize: 1, MaxSize: 2 }),
    );
    fake().resetCalls();

    // WHEN the step is ensured again
    await autoScalingStep.ensure((await run(d)).step);

    // THEN min and max are back
    expect(firstAttemptInputsOf(fake(), 'UpdateAutoScalingGroup')).toEqual([
      { AutoScalingGroupName: 'demo-gitlab', MinSize: 2, MaxSize: 4 },
    ]);
  });

  it('refuses a launch template of the same name that is not tagged for the deployment', async () => {
    // GIVEN someone else's launch template named demo-gitlab
    const d = await deployment();
    await d.aws.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'demo-gitlab',
        LaunchTemplateData: { InstanceType: 't3.micro' },
      }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const error = await rejection(autoScalingStep.ensure((await run(d)).step));

    // THEN it fails saying how to resolve it, and creates nothing else
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).code).toBe('NAME_TAKEN');
    expect((error as ProvisioningError).hint).toContain(
      'aws ec2 delete-launch-template --launch-template-name demo-gitlab',
    );
    expect(mutatingCommands(fake())).toEqual(['CreateLaunchTemplate']);
  });

  it('refuses an alarm of the same name that is not tagged for the deployment, without overwriting it', async () => {
    // GIVEN someone else's alarm named demo-cpu-high
    const d = await deployment();
    await d.aws.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'demo-cpu-high',
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 99,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );

    // WHEN the step is ensured
    const error = await rejection(autoScalingStep.ensure((await run(d)).step));

    // THEN it fails, and the alarm is as it was
    expect((error as ProvisioningError).code).toBe('NAME_TAKEN');
    expect(fake().cloudwatch.alarms.get('demo-cpu-high')!.config.Threshold).toBe(99);
  });
});

describe('auto-scaling adopt, conflict and drift', () => {
  it('adopts everything by its tags and names when the state lost it, changing nothing', async () => {
    // GIVEN a deployed step whose state entries were lost
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const store = await openTestState(d.statePath);
    await store.update((draft) => {
      draft.steps['auto-scaling']!.resources = {};
    });
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await autoScalingStep.ensure(step);

    // THEN each resource was adopted, as made by gitlab-ha, and nothing was changed
    expect(mutatingCommands(fake())).toEqual([]);
    expect(reporter.withCode('resource.adopt').map((e) => e.data?.role)).toEqual([
      'launch-template',
      'group',
      'policy/scale-out',
      'policy/scale-in',
      'alarm/cpu-high',
      'alarm/cpu-low',
    ]);
    const recorded = Object.values(
      (await openTestState(d.statePath)).snapshot.steps['auto-scaling']!.resources,
    );
    expect(recorded.map((r) => r.origin)).toEqual(['tool', 'tool', 'tool', 'tool', 'tool', 'tool']);
  });

  it('refuses two launch templates carrying the role tags', async () => {
    // GIVEN two launch templates tagged as this deployment's
    const d = await deployment();
    for (const name of ['copy-1', 'copy-2']) {
      await d.aws.ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: name,
          LaunchTemplateData: { InstanceType: 't3.micro' },
          TagSpecifications: [
            {
              ResourceType: 'launch-template',
              Tags: deploymentTags(d.cfg, 'auto-scaling', 'launch-template'),
            },
          ],
        }),
      );
    }

    // WHEN the step is ensured
    const error = await rejection(autoScalingStep.ensure((await run(d)).step));

    // THEN it is a tag conflict naming both
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/^Found 2 launch template of the GitLab nodes tagged for this deployment/);
  });

  it('makes a new group when the recorded one was deleted by hand', async () => {
    // GIVEN a deployed step whose group someone force-deleted
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const oldNodes = liveNodes().map((n) => n.id);
    await d.aws.autoscaling.send(
      new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'demo-gitlab', ForceDelete: true }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await autoScalingStep.ensure(step);

    // THEN it waited for the old one to go, made the group and its policies again, and two new nodes serve
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toContain(
      'Auto Scaling group demo-gitlab is gone; it will be found by tags or created again',
    );
    expect(mutatingCommands(fake())).toEqual([
      'CreateAutoScalingGroup',
      'PutScalingPolicy',
      'PutScalingPolicy',
      'PutMetricAlarm',
      'PutMetricAlarm',
    ]);
    expect(liveNodes().filter((n) => !oldNodes.includes(n.id))).toHaveLength(2);
  });

  it('refuses a GitLab image that is gone before creating anything', async () => {
    // GIVEN an image output naming an AMI that no longer exists
    const d = await deployment();
    const store = await openTestState(d.statePath);
    await store.update((draft) => {
      draft.steps.image!.outputs = { ...draft.steps.image!.outputs, amiId: 'ami-0ccccccccccccccc3' };
    });

    // WHEN the step is ensured
    const error = await rejection(autoScalingStep.ensure((await run(d)).step));

    // THEN it says the image is gone and how to get one, and nothing was created
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error.message).toBe('The GitLab image ami-0ccccccccccccccc3 recorded by the image step is gone');
    expect((error as ProvisioningError).hint).toContain('the image step builds a new image');
    expect(mutatingCommands(fake())).toEqual([]);
  });
});

describe('auto-scaling resume after a crash', () => {
  for (const [command, nth] of [
    ['CreateLaunchTemplate', 1],
    ['CreateAutoScalingGroup', 1],
    ['PutScalingPolicy', 1],
    ['PutScalingPolicy', 2],
    ['PutMetricAlarm', 1],
    ['PutMetricAlarm', 2],
  ] as const) {
    it(`resumes after a crash right after ${command} #${nth} without a duplicate`, async () => {
      // GIVEN a run that dies right after the call took effect
      const d = await deployment();
      fake().faults.crashAfter({ command, nth });
      await expect(autoScalingStep.ensure((await run(d)).step)).rejects.toThrow('simulated crash after');

      // WHEN a new run resumes from the state file on disk
      const { step, store } = await run(d);
      const result = await autoScalingStep.ensure(step);

      // THEN there is one of each, all recorded, and two nodes
      expect(fake().ec2.launchTemplates.size).toBe(1);
      expect(fake().autoscaling.groups.size).toBe(1);
      expect(fake().autoscaling.policies.size).toBe(2);
      expect(fake().cloudwatch.alarms.size).toBe(2);
      expect(liveNodes()).toHaveLength(2);
      expect(Object.keys(store.snapshot.steps['auto-scaling']!.resources).sort()).toEqual([
        'alarm/cpu-high',
        'alarm/cpu-low',
        'group',
        'launch-template',
        'policy/scale-in',
        'policy/scale-out',
      ]);
      expect(fake().cloudwatch.alarms.get('demo-cpu-high')!.config.AlarmActions).toEqual([
        result.outputs.scaleOutPolicyArn,
      ]);
    });
  }

  for (const command of [
    'CreateLaunchTemplateVersion',
    'ModifyLaunchTemplate',
    'UpdateAutoScalingGroup',
    'StartInstanceRefresh',
  ]) {
    it(`finishes a rollout after a crash right after ${command}, with one new version and one refresh`, async () => {
      // GIVEN a deployed step, a new image, and a rollout that dies right after the call
      const d = await deployment();
      await autoScalingStep.ensure((await run(d)).step);
      await setImage(d, NEW_AMI);
      fake().faults.crashAfter({ command });
      await expect(autoScalingStep.ensure((await run(d)).step)).rejects.toThrow('simulated crash after');

      // WHEN a new run resumes
      const result = await autoScalingStep.ensure((await run(d)).step);

      // THEN the template has two versions, the group runs the second, one refresh ran, nodes are new
      const template = [...fake().ec2.launchTemplates.values()][0]!;
      expect(template.versions).toHaveLength(2);
      expect(template.defaultVersion).toBe(2);
      expect(result.outputs.launchTemplateVersion).toBe(2);
      expect(fake().autoscaling.refreshes.map((r) => r.status)).toEqual(['Successful']);
      expect(liveNodes().map((n) => n.imageId)).toEqual([NEW_AMI, NEW_AMI]);
    });
  }
});

describe('auto-scaling inspect', () => {
  it('reports the counts, each node with its zone and load balancer state, the alarms and the readiness probe', async () => {
    // GIVEN a deployed step, a reachable GitLab, and the scale-in alarm in ALARM
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().cloudwatch.setAlarmState('demo-cpu-low', 'ALARM', 'CPU at 5 %');
    const probed: string[] = [];
    const httpProbe: HttpProbe = (url) => {
      probed.push(url);
      return Promise.resolve({ status: 200 });
    };
    fake().resetCalls();

    // WHEN the step is inspected
    const status = await autoScalingStep.inspect((await run(d, { httpProbe })).step);

    // THEN it is healthy with both nodes in service, one per zone
    expect(status.health).toBe('healthy');
    expect(status.drift).toEqual([]);
    const nodes = status.resources.filter((r) => r.type === 'ec2:instance');
    expect(nodes.map((n) => [n.role, n.state, n.healthy]).sort()).toEqual([
      ['node/eu-west-1a', 'InService, Healthy, ELB InService', true],
      ['node/eu-west-1b', 'InService, Healthy, ELB InService', true],
    ]);
    expect(status.resources.find((r) => r.role === 'group')!.state).toBe('2 of 2 InService (min 2, max 4)');
    // AND the alarms show their state, the URL and the probe result
    expect(status.outputs).toEqual({
      url: 'https://gitlab.example.com',
      readiness: 'ready (200)',
      groupName: 'demo-gitlab',
      desired: 2,
      inService: 2,
      nodesPerZone: { 'eu-west-1a': '1 of 1 InService', 'eu-west-1b': '1 of 1 InService' },
      alarms: { 'demo-cpu-high': 'OK', 'demo-cpu-low': 'ALARM' },
      loadBalancerDnsName: d.elbDnsName,
    });
    expect(probed).toEqual(['https://gitlab.example.com/-/readiness']);
    // AND it changed nothing
    expect(mutatingCommands(fake())).toEqual([]);
  });

  it('says why the URL is not ready, without failing the status', async () => {
    // GIVEN a deployed step whose URL does not resolve yet
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const httpProbe: HttpProbe = () => Promise.resolve({ error: 'getaddrinfo ENOTFOUND gitlab.example.com' });

    // WHEN the step is inspected
    const status = await autoScalingStep.inspect((await run(d, { httpProbe })).step);

    // THEN the probe result says so and the step is still healthy
    expect(status.outputs.readiness).toBe('unreachable: getaddrinfo ENOTFOUND gitlab.example.com');
    expect(status.health).toBe('healthy');
  });

  it('reports a node out of service and a group below its minimum as degraded', async () => {
    // GIVEN a deployed step whose first node now fails its health checks
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const failing = liveNodes()[0]!;
    fake().elb.failingHealthChecks.add(failing.id);

    // WHEN the step is inspected
    const status = await autoScalingStep.inspect((await run(d)).step);

    // THEN the node and the group say what is wrong
    expect(status.health).toBe('degraded');
    const node = status.resources.find((r) => r.id === failing.id)!;
    expect(node).toMatchObject({ healthy: false, state: 'InService, Healthy, ELB OutOfService' });
    expect(status.drift).toContain('only 1 of at least 2 GitLab nodes are InService behind demo-elb');
  });

  it('reports nodes on another image than the image step built', async () => {
    // GIVEN a deployed step and a new image not applied yet
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    await setImage(d, NEW_AMI);

    // WHEN the step is inspected
    const status = await autoScalingStep.inspect((await run(d)).step);

    // THEN the launch template shows the drift
    expect(status.drift).toContain(
      `the nodes run ${GITLAB_AMI}, the image step built ${NEW_AMI} (gitlab-ha apply rolls them onto it)`,
    );
  });
});

describe('auto-scaling plan', () => {
  it('plans offline creates with sizes, instance type and thresholds', async () => {
    // GIVEN a deployment nothing of which exists
    const d = await deployment();

    // WHEN it is planned offline
    const plan = await autoScalingStep.plan((await run(d)).offlinePlan);

    // THEN every resource is a create with its key parameters
    expect(plan).toMatchObject({ step: 'auto-scaling', action: 'create', live: false });
    expect(plan.resources.map((r) => [r.role, r.action, r.details])).toEqual([
      [
        'launch-template',
        'create',
        {
          name: 'demo-gitlab',
          instanceType: 'c5.2xlarge',
          ami: GITLAB_AMI,
          imds: 'v2 required',
          rootVolumeGb: 50,
          encrypted: true,
          detailedMonitoring: true,
        },
      ],
      [
        'group',
        'create',
        {
          name: 'demo-gitlab',
          min: 2,
          desired: 2,
          max: 4,
          subnets: '2 private',
          healthCheck: 'ELB',
          gracePeriodSeconds: 600,
          loadBalancer: 'demo-elb',
        },
      ],
      [
        'policy/scale-out',
        'create',
        { name: 'demo-scale-out', adjustment: '+1 instance', cooldownSeconds: 300 },
      ],
      [
        'alarm/cpu-high',
        'create',
        {
          name: 'demo-cpu-high',
          condition: 'average CPU > 60 %',
          evaluation: '2 x 60 s',
          action: 'demo-scale-out',
        },
      ],
      [
        'policy/scale-in',
        'create',
        { name: 'demo-scale-in', adjustment: '-1 instance', cooldownSeconds: 300 },
      ],
      [
        'alarm/cpu-low',
        'create',
        {
          name: 'demo-cpu-low',
          condition: 'average CPU < 45 %',
          evaluation: '2 x 60 s',
          action: 'demo-scale-in',
        },
      ],
    ]);
    expect(mutatingCommands(fake())).toEqual([]);
  });

  it('plans no change for a deployed step', async () => {
    // GIVEN a deployed step
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is planned live
    const plan = await autoScalingStep.plan((await run(d)).plan);

    // THEN everything is a noop and nothing was changed
    expect(plan.action).toBe('noop');
    expect(plan.resources.map((r) => r.action)).toEqual(['noop', 'noop', 'noop', 'noop', 'noop', 'noop']);
    expect(mutatingCommands(fake())).toEqual([]);
  });

  it('plans updates saying what changes: a new AMI, sizes and a threshold', async () => {
    // GIVEN a deployed step, a new image, and a config with other sizes and a scale-out threshold
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    await setImage(d, NEW_AMI);
    const cfg = config({ autoScaling: { max: 6, scaleOut: { cpuPercent: 75 } } });
    fake().resetCalls();

    // WHEN it is planned live
    const plan = await autoScalingStep.plan((await run(d, { cfg })).plan);

    // THEN the template, the group and the high-CPU alarm are updates that say why
    expect(plan.action).toBe('update');
    const reasons = Object.fromEntries(plan.resources.map((r) => [r.role, [r.action, r.reason]]));
    expect(reasons).toEqual({
      'launch-template': [
        'update',
        `recorded in state and present; changes: new version 2 (AMI ${GITLAB_AMI} -> ${NEW_AMI})`,
      ],
      group: [
        'update',
        'recorded in state and present; changes: launch template version 1 -> 2, max 4 -> 6, instance refresh rolls the nodes onto version 2',
      ],
      'policy/scale-out': ['noop', 'recorded in state and present'],
      'alarm/cpu-high': ['update', 'recorded in state and present; changes: threshold 60 % -> 75 %'],
      'policy/scale-in': ['noop', 'recorded in state and present'],
      'alarm/cpu-low': ['noop', 'recorded in state and present'],
    });
    expect(mutatingCommands(fake())).toEqual([]);
  });
});

describe('auto-scaling destroy', () => {
  it('deletes the alarms, the policies, the group with its nodes (waiting until gone), then the template', async () => {
    // GIVEN a deployed step
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const nodes = liveNodes().map((n) => n.id);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store } = await run(d);
    await autoScalingStep.destroy(destroy());

    // THEN the deletes came in this order
    expect(mutatingCommands(fake())).toEqual([
      'DeleteAlarms',
      'DeleteAlarms',
      'DeletePolicy',
      'DeletePolicy',
      'DeleteAutoScalingGroup',
      'DeleteLaunchTemplate',
    ]);
    expect(firstAttemptInputsOf(fake(), 'DeleteAutoScalingGroup')).toEqual([
      { AutoScalingGroupName: 'demo-gitlab', ForceDelete: true },
    ]);
    // AND the group and its nodes were gone before the template went
    const calls = fake()
      .calls()
      .map((c) => c.command);
    const lastGroupLook = calls.lastIndexOf('DescribeAutoScalingGroups');
    expect(lastGroupLook).toBeLessThan(calls.indexOf('DeleteLaunchTemplate'));
    expect(fake().autoscaling.groups.size).toBe(0);
    for (const id of nodes) expect(fake().ec2.instance(id).state).toBe('terminated');
    // AND nothing of the step is left, in AWS or in state
    expect(fake().ec2.launchTemplates.size).toBe(0);
    expect(fake().cloudwatch.alarms.size).toBe(0);
    expect(fake().autoscaling.policies.size).toBe(0);
    expect(store.snapshot.steps['auto-scaling']?.resources ?? {}).toEqual({});
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('terminates nodes left behind by a destroy that died while they shut down', async () => {
    // GIVEN a deployed step whose destroy crashed right after the group delete, nodes slow to terminate
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    fake().latency.instanceTerminate = 6;
    fake().faults.crashAfter({ command: 'DeleteAutoScalingGroup' });
    await expect(autoScalingStep.destroy((await run(d)).destroy())).rejects.toThrow('simulated crash after');

    // WHEN destroy runs again
    await autoScalingStep.destroy((await run(d)).destroy());

    // THEN it waited for the group's delete to finish: the group, its nodes and the template are gone
    expect(fake().autoscaling.groups.size).toBe(0);
    expect(liveNodes()).toEqual([]);
    expect([...fake().ec2.instances.values()].filter((i) => i.state === 'shutting-down')).toEqual([]);
    expect(fake().ec2.launchTemplates.size).toBe(0);
  });

  it('succeeds when nothing was ever deployed', async () => {
    // GIVEN nothing deployed
    const d = await deployment();

    // WHEN the step is destroyed
    await autoScalingStep.destroy((await run(d)).destroy());

    // THEN nothing was deleted
    expect(mutatingCommands(fake())).toEqual([]);
  });

  it('leaves a group someone tagged for adoption, with its nodes, unless forced', async () => {
    // GIVEN a deployed step whose group is recorded as adopted
    const d = await deployment();
    await autoScalingStep.ensure((await run(d)).step);
    const store = await openTestState(d.statePath);
    await store.update((draft) => {
      draft.steps['auto-scaling']!.resources.group!.origin = 'adopted';
    });
    fake().resetCalls();

    // WHEN it is destroyed without --force
    const { destroy, reporter } = await run(d);
    await autoScalingStep.destroy(destroy());

    // THEN the group and its nodes are kept (and said so), the rest is gone
    expect(mutatingCommands(fake())).not.toContain('DeleteAutoScalingGroup');
    expect(mutatingCommands(fake())).not.toContain('TerminateInstances');
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual(['demo-gitlab']);
    const described = await d.aws.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['demo-gitlab'] }),
    );
    expect(described.AutoScalingGroups?.[0]?.Instances).toHaveLength(2);
  });
});
