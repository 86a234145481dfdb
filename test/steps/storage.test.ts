import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import { UBUNTU_AMI_PARAMETER } from '../../src/aws/ubuntu-ami.js';
import { configSchema } from '../../src/config/schema.js';
import type { Config } from '../../src/config/schema.js';
import {
  ConflictError,
  InvalidInputError,
  ProvisioningError,
  WaitTimeoutError,
} from '../../src/engine/errors.js';
import type { Timing } from '../../src/engine/step.js';
import { decodeUserData } from '../../src/gitlab/cloud-config.js';
import { renderStorageCloudInit, storageNodeInput } from '../../src/gitlab/storage-node.js';
import { storageStep } from '../../src/steps/storage/index.js';
import { FAKE_UBUNTU_AMI, UBUNTU_PARAMETER } from '../support/fake-aws/index.js';
import type { InstanceRecord, VolumeRecord } from '../support/fake-aws/index.js';
import { CANONICAL_OWNER_ID } from '../support/fake-aws/services/ec2/index.js';
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

/** Every bound shrunk a thousandfold: the 20-minute bootstrap wait lasts 1.2 s. */
const SHORT_BOUNDS: Timing = { ...FAST_TIMING, maxWaitScale: 0.001 };
const PROFILE_ARN = 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node';

function config(storage: Record<string, unknown> = {}): Config {
  return baseConfig({ storage });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
  privateSubnetIds: string[];
  storageGroupId: string;
}

/** The network, security and identity steps done: a VPC with private subnets, the storage group, a profile. */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone })))
      .Subnet!.SubnetId!;
  const privateSubnetIds = [
    await subnet('10.0.10.0/24', 'eu-west-1a'),
    await subnet('10.0.11.0/24', 'eu-west-1b'),
  ];
  const storageGroupId = (
    await aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'demo-sg-storage', Description: 'storage', VpcId: vpcId }),
    )
  ).GroupId!;
  // The identity step's instance profile (already visible to EC2 unless a test says otherwise).
  fake().latency.instanceProfileUsable = 0;
  const profile = (
    await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'demo-gitlab-node' }))
  ).InstanceProfile!;
  expect(profile.Arn).toBe(PROFILE_ARN);
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  await store.update((draft) => {
    draft.steps.network = {
      status: 'done',
      resources: {},
      outputs: {
        vpcId,
        vpcCidr: '10.0.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: [],
        privateSubnetIds,
      },
    };
    draft.steps.security = {
      status: 'done',
      resources: {},
      outputs: { securityGroupIds: { storage: storageGroupId } },
    };
    draft.steps.identity = {
      status: 'done',
      resources: {},
      outputs: {
        roleName: 'demo-gitlab-node',
        roleArn: 'arn:aws:iam::123456789012:role/demo-gitlab-node',
        instanceProfileName: 'demo-gitlab-node',
        instanceProfileArn: PROFILE_ARN,
      },
    };
  });
  fake().resetCalls();
  return { aws, cfg, statePath, privateSubnetIds, storageGroupId };
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, options: { cfg?: Config; timing?: Timing } = {}) {
  return stepRun({
    step: 'storage',
    aws: d.aws,
    config: options.cfg ?? d.cfg,
    statePath: d.statePath,
    timing: options.timing,
  });
}

function liveInstances(): InstanceRecord[] {
  return [...fake().ec2.instances.values()].filter(
    (i) => i.state !== 'terminated' && i.state !== 'shutting-down',
  );
}

function dataVolumes(): VolumeRecord[] {
  return [...fake().ec2.volumes.values()].filter(
    (v) => v.tags['gitlab-ha:resource'] === 'storage/data-volume',
  );
}

describe('storage ensure', () => {
  it('creates the secrets, the encrypted data volume and an IMDSv2-only node on it, and reports its endpoints', async () => {
    // GIVEN a deployment whose network, security groups and identity are done
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await storageStep.ensure(step);

    // THEN it makes the two secrets, the volume, the node and the attachment, in that order
    expect(mutatingCommands(fake())).toEqual([
      'PutParameter',
      'PutParameter',
      'CreateVolume',
      'RunInstances',
      'AttachVolume',
    ]);
    expect(firstAttemptInputsOf(fake(), 'PutParameter').map((i) => [i.Name, i.Type, i.Overwrite])).toEqual([
      ['/gitlab-ha/demo/gitaly-token', 'SecureString', false],
      ['/gitlab-ha/demo/gitlab-shell-secret', 'SecureString', false],
    ]);
    // AND the volume is encrypted, in the first private subnet's zone, sized by the config, tagged, idempotent
    expect(firstAttemptInputsOf(fake(), 'CreateVolume')).toEqual([
      {
        AvailabilityZone: 'eu-west-1a',
        Size: 100,
        VolumeType: 'gp3',
        Encrypted: true,
        ClientToken: `demo-data-${d.privateSubnetIds[0]}`,
        TagSpecifications: [
          { ResourceType: 'volume', Tags: deploymentTags(d.cfg, 'storage', 'data-volume') },
        ],
      },
    ]);
    const volumeId = dataVolumes()[0]!.id;
    // AND the node: Ubuntu from Canonical's parameter, first private subnet, storage group, profile,
    // IMDSv2 required with hop limit 1, an encrypted gp3 root volume, user data, a token tied to the volume
    expect(firstAttemptInputsOf(fake(), 'RunInstances')).toEqual([
      {
        ImageId: FAKE_UBUNTU_AMI,
        InstanceType: 'm6i.large',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: d.privateSubnetIds[0],
        SecurityGroupIds: [d.storageGroupId],
        IamInstanceProfile: { Arn: PROFILE_ARN },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sda1',
            Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        UserData: expect.any(String) as unknown,
        ClientToken: `demo-storage-${volumeId}`,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              ...deploymentTags(d.cfg, 'storage', 'storage-node'),
              {
                Key: 'gitlab-ha:user-data-sha256',
                Value: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
              },
            ],
          },
          { ResourceType: 'volume', Tags: deploymentTags(d.cfg, 'storage', 'storage-node/root-volume') },
        ],
      },
    ]);
    const node = liveInstances()[0]!;
    expect(firstAttemptInputsOf(fake(), 'AttachVolume')).toEqual([
      { VolumeId: volumeId, InstanceId: node.id, Device: '/dev/sdf' },
    ]);
    // AND the node runs, attached, bootstrapped; the outputs say where NFS and Gitaly are
    expect(node.state).toBe('running');
    expect(node.tags['gitlab-ha:bootstrap']).toBe('ready');
    expect(fake().ec2.volume(volumeId)).toMatchObject({
      state: 'in-use',
      encrypted: true,
      attachment: { instanceId: node.id },
    });
    expect(result.outputs).toEqual({
      instanceId: node.id,
      privateIp: '10.0.10.4',
      privateDnsName: 'ip-10-0-10-4.eu-west-1.compute.internal',
      nfsExportPath: '/var/opt/gitlab-ha/data/shared',
      gitalyAddress: 'tcp://10.0.10.4:8075',
      gitalyTokenParameterName: '/gitlab-ha/demo/gitaly-token',
      gitlabShellSecretParameterName: '/gitlab-ha/demo/gitlab-shell-secret',
      dataVolumeId: volumeId,
    });
    // AND everything is recorded as created by the tool
    expect(
      Object.entries(store.snapshot.steps.storage!.resources).map(([role, r]) => [
        role,
        r.type,
        r.id,
        r.origin,
      ]),
    ).toEqual([
      ['secret/gitaly-token', 'ssm:parameter', '/gitlab-ha/demo/gitaly-token', 'tool'],
      ['secret/gitlab-shell-secret', 'ssm:parameter', '/gitlab-ha/demo/gitlab-shell-secret', 'tool'],
      ['data-volume', 'ec2:volume', volumeId, 'tool'],
      ['storage-node', 'ec2:instance', node.id, 'tool'],
    ]);
  });

  it('launches with user data that carries no secret value, only where to fetch them', async () => {
    // GIVEN a deployment
    const d = await deployment();
    const { step } = await run(d);

    // WHEN the step is ensured
    await storageStep.ensure(step);

    // THEN the user data EC2 stores is the rendered cloud-config for this volume
    const node = liveInstances()[0]!;
    const volumeId = dataVolumes()[0]!.id;
    const document = decodeUserData(node.userData!);
    expect(document).toBe(renderStorageCloudInit(storageNodeInput(d.cfg, volumeId)));
    // AND neither secret value appears in it
    const secrets = ['/gitlab-ha/demo/gitaly-token', '/gitlab-ha/demo/gitlab-shell-secret'].map(
      (name) => fake().ssm.parameters.get(name)!.value,
    );
    expect(secrets.map((s) => s.length)).toEqual([40, 64]);
    for (const secret of secrets) expect(document).not.toContain(secret);
    expect(document).toContain('fetch_secret gitaly-token');
  });

  it('makes no mutating call when run again', async () => {
    // GIVEN a deployed storage node
    const d = await deployment();
    const first = await storageStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN the step is ensured again in a new run
    const second = await storageStep.ensure((await run(d)).step);

    // THEN nothing is changed and the outputs are the same
    expect(mutatingCommands(fake())).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('reports a failed first boot with the log tail the node wrote to SSM, and leaves the node', async () => {
    // GIVEN a node whose bootstrap fails installing GitLab
    fake().ec2.bootOutcome = () => 'failed';
    fake().ec2.bootFailureLog = () =>
      'E: Unable to locate package gitlab-ee\n[gitlab-ha] bootstrap failed at line 230 (exit 100)';
    const d = await deployment();

    // WHEN the step is ensured
    const error = await rejection(storageStep.ensure((await run(d)).step));

    // THEN it fails with the tail, where it came from, and how to retry
    const node = liveInstances()[0]!;
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ code: 'BOOTSTRAP_FAILED', resourceId: node.id });
    expect(error.message).toBe(
      `Storage node ${node.id} failed its first boot. Last lines of its SSM parameter /gitlab-ha/demo/bootstrap/${node.id}:\n` +
        '  | E: Unable to locate package gitlab-ee\n' +
        '  | [gitlab-ha] bootstrap failed at line 230 (exit 100)',
    );
    const hint = (error as ProvisioningError).hint!;
    expect(hint).toContain(`aws ec2 terminate-instances --instance-ids ${node.id} --region eu-west-1`);
    expect(hint).toContain('run gitlab-ha apply again');
    // AND the node is left running for inspection
    expect(node.state).toBe('running');
    expect(mutatingCommands(fake())).not.toContain('TerminateInstances');
  });

  it("falls back to the node's console output when it could not write its log to SSM", async () => {
    // GIVEN a failing node whose SSM write did not happen
    fake().ec2.onBootFailure = undefined;
    fake().ec2.bootOutcome = () => 'failed';
    fake().ec2.bootFailureLog = () => 'node-aws.py put-log: NoCredentialsError: Unable to locate credentials';
    const d = await deployment();

    // WHEN the step is ensured
    const error = await rejection(storageStep.ensure((await run(d)).step));

    // THEN the tail comes from the console output
    const node = liveInstances()[0]!;
    expect(error.message).toContain(`Last lines of its console output of ${node.id}:`);
    expect(error.message).toContain(
      '  | node-aws.py put-log: NoCredentialsError: Unable to locate credentials',
    );
    expect(
      fake()
        .calls()
        .map((c) => c.command),
    ).toContain('GetConsoleOutput');
  });

  it('gives up on a node that never signals after a bounded wait, saying what to look at', async () => {
    // GIVEN a node that hangs at boot, its console showing where, and bounds a thousand times shorter
    fake().ec2.bootOutcome = (instance) => {
      fake().ec2.setConsoleOutput(instance.id, '[gitlab-ha] running gitlab-ctl reconfigure\n');
      return 'never';
    };
    const d = await deployment();
    const started = Date.now();

    // WHEN the step is ensured
    const error = await rejection(storageStep.ensure((await run(d, { timing: SHORT_BOUNDS })).step));

    // THEN it times out after the (scaled) 1200 s bound, with the console tail and what to do
    const node = liveInstances()[0]!;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.message).toBe(
      `Timed out after 1 s waiting for storage node ${node.id} to finish its first boot (tag gitlab-ha:bootstrap): ` +
        `the node never signalled. Last lines of its console output of ${node.id}:\n` +
        '  | [gitlab-ha] running gitlab-ctl reconfigure',
    );
    const hint = (error as WaitTimeoutError).hint!;
    expect(hint).toContain(`aws ec2 get-console-output --instance-id ${node.id} --latest --region eu-west-1`);
    expect(hint).toContain('Run gitlab-ha apply again to keep waiting.');
    expect(Date.now() - started).toBeLessThan(10_000);
    // AND the node is left running
    expect(node.state).toBe('running');
  });

  it('launches once the instance profile has propagated to EC2, with the same client token', async () => {
    // GIVEN an instance profile made a moment ago, which EC2 refuses twice (IAM eventual consistency)
    const d = await deployment();
    let checks = 0;
    const iamSays = fake().ec2.isInstanceProfileUsable!;
    fake().ec2.isInstanceProfileUsable = (nameOrArn) => ++checks > 2 && iamSays(nameOrArn);

    // WHEN the step is ensured
    await storageStep.ensure((await run(d)).step);

    // THEN RunInstances was sent three times with one token, and one node runs
    const tokens = firstAttemptInputsOf(fake(), 'RunInstances').map((i) => i.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'RunInstances')
        .map((c) => c.error),
    ).toEqual(['InvalidParameterValue', 'InvalidParameterValue', undefined]);
    expect(liveInstances()).toHaveLength(1);
  });
});

describe('storage base image', () => {
  it("uses Canonical's SSM parameter by default", async () => {
    // GIVEN the region's Ubuntu parameter (the fake's answer: FAKE_UBUNTU_AMI)
    const d = await deployment();
    const { step, reporter } = await run(d);

    // WHEN the step is ensured
    await storageStep.ensure(step);

    // THEN the parameter was read and its image launched
    expect(UBUNTU_AMI_PARAMETER).toBe(UBUNTU_PARAMETER);
    expect(firstAttemptInputsOf(fake(), 'GetParameter').map((i) => i.Name)).toContain(UBUNTU_AMI_PARAMETER);
    expect(liveInstances()[0]!.imageId).toBe(FAKE_UBUNTU_AMI);
    expect(reporter.withCode('note').map((e) => e.message)).toContain(
      `storage node image: ${FAKE_UBUNTU_AMI} (ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260101) from Canonical's SSM parameter`,
    );
  });

  it("falls back to Canonical's newest noble amd64 image where the parameter is missing", async () => {
    // GIVEN no parameter, and a newer amd64 image beside an even newer arm64 one and someone else's
    fake().ssm.publicParameters.delete(UBUNTU_PARAMETER);
    const newer = fake().ec2.addImage({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260301',
      ownerId: CANONICAL_OWNER_ID,
      isPublic: true,
      creationDate: '2026-03-01T00:00:00.000Z',
    });
    fake().ec2.addImage({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20260401',
      ownerId: CANONICAL_OWNER_ID,
      isPublic: true,
      architecture: 'arm64',
      creationDate: '2026-04-01T00:00:00.000Z',
    });
    fake().ec2.addImage({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260501',
      ownerId: '111111111111',
      isPublic: true,
      creationDate: '2026-05-01T00:00:00.000Z',
    });
    const d = await deployment();

    // WHEN the step is ensured
    await storageStep.ensure((await run(d)).step);

    // THEN Canonical's images were searched and the newest amd64 one launched
    expect(firstAttemptInputsOf(fake(), 'DescribeImages')).toContainEqual(
      expect.objectContaining({ Owners: [CANONICAL_OWNER_ID] }),
    );
    expect(liveInstances()[0]!.imageId).toBe(newer.id);
  });

  it('uses the AMI from storage.baseAmi without looking Ubuntu up', async () => {
    // GIVEN a golden image of the account named in the config
    const golden = fake().ec2.addImage({ id: 'ami-0fedcba9876543210', name: 'hardened-ubuntu-24.04' });
    const d = await deployment(config({ baseAmi: golden.id }));

    // WHEN the step is ensured
    await storageStep.ensure((await run(d)).step);

    // THEN that image is launched and Canonical's parameter is not read
    expect(liveInstances()[0]!.imageId).toBe(golden.id);
    expect(firstAttemptInputsOf(fake(), 'GetParameter').map((i) => i.Name)).not.toContain(
      UBUNTU_AMI_PARAMETER,
    );
  });

  it('refuses a storage.baseAmi that does not exist before creating anything', async () => {
    // GIVEN a config naming an AMI the region does not have
    const d = await deployment(config({ baseAmi: 'ami-0123456789abcdef0' }));

    // WHEN the step is ensured
    const error = await rejection(storageStep.ensure((await run(d)).step));

    // THEN it is an input error naming the field, and nothing was created
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'storage.baseAmi',
        message: 'ami-0123456789abcdef0 does not exist in eu-west-1, or this account may not use it',
      },
    ]);
    expect(mutatingCommands(fake())).toEqual([]);
  });
});

describe('storage adopt, drift and resume', () => {
  it('refuses two data volumes carrying the role tags', async () => {
    // GIVEN two volumes tagged as this deployment's data volume
    const d = await deployment();
    for (let i = 0; i < 2; i++) {
      await d.aws.ec2.send(
        new CreateVolumeCommand({
          AvailabilityZone: 'eu-west-1a',
          Size: 100,
          TagSpecifications: [
            { ResourceType: 'volume', Tags: deploymentTags(d.cfg, 'storage', 'data-volume') },
          ],
        }),
      );
    }

    // WHEN the step is ensured
    const error = await rejection(storageStep.ensure((await run(d)).step));

    // THEN it is a tag conflict naming both, and no node was launched
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/Found 2 storage data volume tagged for this deployment/);
    expect(liveInstances()).toEqual([]);
  });

  it('replaces a terminated node on the same data volume, with a fresh client token', async () => {
    // GIVEN a deployed node that someone terminated
    fake().latency.instanceTerminate = 0;
    const d = await deployment();
    const first = await storageStep.ensure((await run(d)).step);
    await d.aws.ec2.send(
      new TerminateInstancesCommand({ InstanceIds: [first.outputs.instanceId as string] }),
    );
    fake().resetCalls();

    // WHEN the step is ensured again
    const { step, reporter } = await run(d);
    const second = await storageStep.ensure(step);

    // THEN a new node runs on the same volume; the first token answered with the dead node, the next launched
    expect(second.outputs.instanceId).not.toBe(first.outputs.instanceId);
    expect(second.outputs.dataVolumeId).toBe(first.outputs.dataVolumeId);
    expect(firstAttemptInputsOf(fake(), 'RunInstances').map((i) => i.ClientToken)).toEqual([
      `demo-storage-${first.outputs.dataVolumeId as string}`,
      `demo-storage-${first.outputs.dataVolumeId as string}-2`,
    ]);
    expect(liveInstances().map((i) => i.id)).toEqual([second.outputs.instanceId]);
    expect(fake().ec2.volume(first.outputs.dataVolumeId as string).attachment?.instanceId).toBe(
      second.outputs.instanceId,
    );
    expect(reporter.withCode('resource.drift')[0]!.message).toContain('is gone');
  });

  it('starts a node that was stopped', async () => {
    // GIVEN a deployed node that someone stopped
    fake().latency.instanceStop = 0;
    const d = await deployment();
    const first = await storageStep.ensure((await run(d)).step);
    await d.aws.ec2.send(new StopInstancesCommand({ InstanceIds: [first.outputs.instanceId as string] }));
    fake().resetCalls();

    // WHEN the step is ensured again
    await storageStep.ensure((await run(d)).step);

    // THEN it was started, not replaced
    expect(mutatingCommands(fake())).toEqual(['StartInstances']);
    expect(fake().ec2.instance(first.outputs.instanceId as string).state).toBe('running');
  });

  for (const [command, nth] of [
    ['PutParameter', 1],
    ['PutParameter', 2],
    ['CreateVolume', 1],
    ['RunInstances', 1],
    ['AttachVolume', 1],
  ] as const) {
    it(`resumes after a crash right after ${command} #${nth} without a duplicate volume or node`, async () => {
      // GIVEN a run that dies right after the call took effect
      const d = await deployment();
      fake().faults.crashAfter({ command, nth });
      await expect(storageStep.ensure((await run(d)).step)).rejects.toThrow(`simulated crash after`);

      // WHEN a new run resumes from the state file on disk
      const { step, store } = await run(d);
      const result = await storageStep.ensure(step);

      // THEN there is one data volume and one node, attached, and state and outputs name them
      expect(dataVolumes()).toHaveLength(1);
      expect(liveInstances()).toHaveLength(1);
      const node = liveInstances()[0]!;
      const volume = dataVolumes()[0]!;
      expect(volume.attachment?.instanceId).toBe(node.id);
      expect(result.outputs).toMatchObject({ instanceId: node.id, dataVolumeId: volume.id });
      expect(store.snapshot.steps.storage!.resources['storage-node']?.id).toBe(node.id);
      expect(store.snapshot.steps.storage!.resources['data-volume']?.id).toBe(volume.id);
      expect(fake().ssm.parameters.size).toBe(2);
    });
  }
});

describe('storage inspect and plan', () => {
  it('reports a healthy node with its endpoints and bootstrap state', async () => {
    // GIVEN a deployed storage node
    const d = await deployment();
    const result = await storageStep.ensure((await run(d)).step);

    // WHEN it is inspected
    const status = await storageStep.inspect((await run(d)).step);

    // THEN all resources are healthy and the endpoints are shown
    expect(status.health).toBe('healthy');
    expect(status.drift).toEqual([]);
    expect(status.resources.map((r) => [r.role, r.state, r.healthy])).toEqual([
      ['secret/gitaly-token', 'present', true],
      ['secret/gitlab-shell-secret', 'present', true],
      ['data-volume', 'in-use', true],
      ['storage-node', 'running', true],
    ]);
    expect(status.outputs).toEqual({
      instanceId: result.outputs.instanceId,
      privateIp: '10.0.10.4',
      privateDnsName: 'ip-10-0-10-4.eu-west-1.compute.internal',
      nfsExport: '10.0.10.4:/var/opt/gitlab-ha/data/shared',
      gitalyAddress: 'tcp://10.0.10.4:8075',
      bootstrap: 'ready',
      dataVolumeId: result.outputs.dataVolumeId,
    });
  });

  it('reports drift: a stopped node, another instance type and GitLab version in the config', async () => {
    // GIVEN a deployed node, then stopped, and a config that now asks for more
    fake().latency.instanceStop = 0;
    const d = await deployment();
    const result = await storageStep.ensure((await run(d)).step);
    await d.aws.ec2.send(new StopInstancesCommand({ InstanceIds: [result.outputs.instanceId as string] }));
    const changed = configSchema.parse({
      ...config({ instanceType: 'm6i.xlarge', dataVolume: { sizeGb: 200 } }),
      gitlab: { externalUrl: 'https://gitlab.example.com', version: '18.6.0' },
    });

    // WHEN it is inspected with the changed config
    const status = await storageStep.inspect((await run(d, { cfg: changed })).step);

    // THEN it is degraded, and says what differs
    const id = result.outputs.instanceId as string;
    const volumeId = result.outputs.dataVolumeId as string;
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      `storage data volume ${volumeId} is 100 GiB (config: 200); gitlab-ha does not change it in place (aws ec2 modify-volume, then xfs_growfs on the node)`,
      `storage node ${id} is stopped, not running`,
      `storage node ${id} is a m6i.large; the config asks for m6i.xlarge (replace the node to change it)`,
      `storage node ${id} was set up from other settings (gitlab version, edition, URL or subnets changed); replace the node to apply them`,
    ]);
  });

  it('plans offline creates with the AMI source, instance type and volume shape', async () => {
    // GIVEN a deployment where nothing of the storage step exists, planned without AWS
    const d = await deployment(config({ dataVolume: { sizeGb: 500, type: 'io2', iops: 16000 } }));
    const { offlinePlan } = await run(d);

    // WHEN the plan is made
    const plan = await storageStep.plan(offlinePlan);

    // THEN every resource is a create with its key parameters
    expect(plan).toEqual({
      step: 'storage',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'secret/gitaly-token',
          type: 'ssm:parameter',
          action: 'create',
          details: { name: '/gitlab-ha/demo/gitaly-token' },
        },
        {
          role: 'secret/gitlab-shell-secret',
          type: 'ssm:parameter',
          action: 'create',
          details: { name: '/gitlab-ha/demo/gitlab-shell-secret' },
        },
        {
          role: 'data-volume',
          type: 'ec2:volume',
          action: 'create',
          details: { sizeGb: 500, type: 'io2', iops: 16000, encrypted: true },
        },
        {
          role: 'storage-node',
          type: 'ec2:instance',
          action: 'create',
          details: {
            instanceType: 'm6i.large',
            ami: 'latest Ubuntu 24.04 LTS (Canonical SSM parameter)',
            imds: 'v2 required',
            rootVolumeGb: 30,
          },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans no change for a deployed node', async () => {
    // GIVEN a deployed storage node
    const d = await deployment();
    await storageStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a live plan is made
    const plan = await storageStep.plan((await run(d)).plan);

    // THEN everything is a noop, and nothing was changed
    expect(plan.action).toBe('noop');
    expect(plan.resources.map((r) => [r.role, r.action])).toEqual([
      ['secret/gitaly-token', 'noop'],
      ['secret/gitlab-shell-secret', 'noop'],
      ['data-volume', 'noop'],
      ['storage-node', 'noop'],
    ]);
    expect(mutatingCommands(fake())).toEqual([]);
  });
});

describe('storage destroy', () => {
  it('terminates the node, keeps a final snapshot of the data volume, deletes it, then the secrets', async () => {
    // GIVEN a deployed storage node
    const d = await deployment();
    const result = await storageStep.ensure((await run(d)).step);
    fake().resetCalls();
    const { destroy, reporter, store } = await run(d);

    // WHEN the step is destroyed
    await storageStep.destroy(destroy());

    // THEN the node goes first, then the snapshot is taken, then the volume and the parameters go
    const volumeId = result.outputs.dataVolumeId as string;
    expect(mutatingCommands(fake())).toEqual([
      'TerminateInstances',
      'DeleteParameter',
      'CreateSnapshot',
      'DeleteVolume',
      'DeleteParameter',
      'DeleteParameter',
    ]);
    expect(firstAttemptInputsOf(fake(), 'DeleteParameter').map((i) => i.Name)).toEqual([
      `/gitlab-ha/demo/bootstrap/${result.outputs.instanceId as string}`,
      '/gitlab-ha/demo/gitaly-token',
      '/gitlab-ha/demo/gitlab-shell-secret',
    ]);
    // AND the snapshot is complete, tagged, and reported as kept
    const snapshots = [...fake().ec2.snapshots.values()];
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({
      volumeId,
      state: 'completed',
      encrypted: true,
      tags: expect.objectContaining({ 'gitlab-ha:resource': 'storage/final-snapshot' }) as unknown,
    });
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([snapshots[0]!.id]);
    // AND only the snapshot is left of the deployment, and state holds nothing of the step
    expect(
      fake()
        .taggedResources('demo')
        .map((r) => r.arn),
    ).toEqual([`arn:aws:ec2:eu-west-1::snapshot/${snapshots[0]!.id}`]);
    expect(store.snapshot.steps.storage!.resources).toEqual({});
  });

  it('takes no snapshot with --skip-final-snapshots, and says so', async () => {
    // GIVEN a deployed storage node
    const d = await deployment();
    await storageStep.ensure((await run(d)).step);
    const { destroy, reporter } = await run(d);

    // WHEN the step is destroyed, skipping final snapshots
    await storageStep.destroy(destroy({ skipFinalSnapshots: true }));

    // THEN the volume is deleted without a snapshot, with a warning
    expect(fake().ec2.snapshots.size).toBe(0);
    expect(dataVolumes()).toEqual([]);
    expect(reporter.withCode('note').map((e) => [e.level, e.message])).toContainEqual([
      'warn',
      expect.stringMatching(/without a final snapshot \(--skip-final-snapshots\)$/),
    ]);
  });

  it('reuses the final snapshot a crashed destroy already started', async () => {
    // GIVEN a destroy that died right after CreateSnapshot
    const d = await deployment();
    await storageStep.ensure((await run(d)).step);
    fake().faults.crashAfter({ command: 'CreateSnapshot' });
    await expect(storageStep.destroy((await run(d)).destroy())).rejects.toThrow('simulated crash after');

    // WHEN destroy runs again
    await storageStep.destroy((await run(d)).destroy());

    // THEN there is one snapshot, and the volume is gone
    expect(fake().ec2.snapshots.size).toBe(1);
    expect(dataVolumes()).toEqual([]);
  });

  it('succeeds when nothing was ever deployed', async () => {
    // GIVEN a deployment without storage resources
    const d = await deployment();

    // WHEN the step is destroyed
    await storageStep.destroy((await run(d)).destroy());

    // THEN nothing failed and nothing was asked to go: the absent secrets are looked up, not deleted
    expect(mutatingCommands(fake())).toEqual([]);
  });
});
