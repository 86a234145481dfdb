import {
  AttachVolumeCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteSnapshotCommand,
  DeleteSubnetCommand,
  DeleteVolumeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
  waitUntilVolumeDeleted,
  waitUntilVolumeInUse,
} from '@aws-sdk/client-ec2';
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import type { InstanceRecord } from '../support/fake-aws/index.js';
import { CANONICAL_OWNER_ID } from '../support/fake-aws/services/ec2/index.js';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();

/** Waiter timing in seconds: milliseconds here, so polls are counted, not waited for. */
const FAST_WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 };
const DEMO = { 'gitlab-ha:deployment': 'demo', 'gitlab-ha:resource': 'storage/storage-node' };
const USER_DATA = Buffer.from('#cloud-config\nruncmd:\n  - [echo, hello]\n').toString('base64');

interface Network {
  vpcId: string;
  subnetId: string;
  groupId: string;
  zone: string;
}

/**
 * A VPC with one private subnet (10.0.10.0/24 in the first zone), a security group, and the instance
 * profile launches name (IAM has propagated it: usable at once).
 */
async function network(): Promise<Network> {
  fake().latency.instanceProfileUsable = 0;
  await aws().iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'demo-gitlab-node' }));
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = Vpc!.VpcId!;
  const zone = fake().availabilityZones[0]!;
  const { Subnet } = await ec2().send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.10.0/24', AvailabilityZone: zone }),
  );
  const { GroupId } = await ec2().send(
    new CreateSecurityGroupCommand({ GroupName: 'storage', Description: 'storage', VpcId: vpcId }),
  );
  return { vpcId, subnetId: Subnet!.SubnetId!, groupId: GroupId!, zone };
}

function launchInput(
  net: Network,
  overrides: Partial<RunInstancesCommandInput> = {},
): RunInstancesCommandInput {
  return {
    ImageId: FAKE_UBUNTU_AMI,
    InstanceType: 'm6i.large',
    MinCount: 1,
    MaxCount: 1,
    SubnetId: net.subnetId,
    SecurityGroupIds: [net.groupId],
    IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node' },
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
    BlockDeviceMappings: [
      { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true } },
    ],
    UserData: USER_DATA,
    TagSpecifications: [...tagSpec('instance', DEMO), ...tagSpec('volume', DEMO)],
    ...overrides,
  };
}

async function launch(net: Network, overrides: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const out = await ec2().send(new RunInstancesCommand(launchInput(net, overrides)));
  return out.Instances![0]!.InstanceId!;
}

async function describeInstance(id: string) {
  const out = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

async function dataVolume(zone: string, token?: string): Promise<string> {
  const out = await ec2().send(
    new CreateVolumeCommand({
      AvailabilityZone: zone,
      Size: 100,
      VolumeType: 'gp3',
      Encrypted: true,
      ...(token ? { ClientToken: token } : {}),
      TagSpecifications: tagSpec('volume', { ...DEMO, 'gitlab-ha:resource': 'storage/data-volume' }),
    }),
  );
  return out.VolumeId!;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake EC2: instances', () => {
  it('launches pending, runs after instanceRun polls, and keeps what RunInstances was given', async () => {
    // GIVEN a network and instances that need two polls to run
    fake().latency.instanceRun = 2;
    const net = await network();

    // WHEN an instance is launched and the SDK waiter waits for it
    const launched = await ec2().send(new RunInstancesCommand(launchInput(net)));
    const id = launched.Instances![0]!.InstanceId!;
    await waitUntilInstanceRunning({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
    const instance = await describeInstance(id);

    // THEN RunInstances answered pending, with an i- id, and the instance now runs
    expect(launched.Instances![0]!.State).toEqual({ Code: 0, Name: 'pending' });
    expect(id).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(instance.State).toEqual({ Code: 16, Name: 'running' });
    // AND it sits in the subnet with an address from it, and EC2's internal DNS name for that address
    expect(instance).toMatchObject({
      SubnetId: net.subnetId,
      VpcId: net.vpcId,
      Placement: { AvailabilityZone: net.zone },
      PrivateIpAddress: '10.0.10.4',
      PrivateDnsName: 'ip-10-0-10-4.eu-west-1.compute.internal',
      SecurityGroups: [{ GroupId: net.groupId, GroupName: 'storage' }],
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node' },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
      ImageId: FAKE_UBUNTU_AMI,
      InstanceType: 'm6i.large',
      RootDeviceName: '/dev/sda1',
    });
    expect(fake().ec2.instance(id).tags).toEqual(DEMO);
    // AND its user data is stored exactly as given (base64)
    expect(fake().ec2.instance(id).userData).toBe(USER_DATA);
    // AND its root volume is the encrypted gp3 of the mapping, tagged by the volume TagSpecification
    const rootId = instance.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    expect(fake().ec2.volume(rootId)).toMatchObject({
      sizeGb: 30,
      volumeType: 'gp3',
      iops: 3000,
      encrypted: true,
      state: 'in-use',
      tags: DEMO,
      attachment: { instanceId: id, device: '/dev/sda1', deleteOnTermination: true },
    });
  });

  it('refuses what EC2 refuses: unknown image, small root volume, bad user data, no subnet, foreign group', async () => {
    // GIVEN a network, and a group in another VPC
    const net = await network();
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const { GroupId: foreignGroup } = await ec2().send(
      new CreateSecurityGroupCommand({ GroupName: 'other', Description: 'other', VpcId: Vpc!.VpcId! }),
    );

    // WHEN launches with bad parameters are attempted
    const failures = await Promise.all([
      errorOf(launch(net, { ImageId: 'ami-0123456789abcdef0' })),
      errorOf(launch(net, { BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 4 } }] })),
      errorOf(launch(net, { UserData: '#cloud-config' })),
      errorOf(launch(net, { UserData: Buffer.alloc(16385, 'x').toString('base64') })),
      errorOf(launch(net, { SubnetId: undefined })),
      errorOf(launch(net, { SecurityGroupIds: [foreignGroup!] })),
      errorOf(launch(net, { MaxCount: 2 })),
    ]);

    // THEN each fails with EC2's code
    expect(failures.map((e) => e.name)).toEqual([
      'InvalidAMIID.NotFound',
      'InvalidParameterValue',
      'InvalidParameterValue',
      'InvalidParameterValue',
      'VPCIdNotSpecified',
      'InvalidParameter',
      'InvalidParameterValue',
    ]);
    expect(failures[0]!.message).toBe("The image id '[ami-0123456789abcdef0]' does not exist");
    expect(failures[3]!.message).toMatch(/User data is limited to 16384 bytes/);
    // AND nothing was launched
    expect(fake().ec2.instances.size).toBe(0);
  });

  it('refuses an instance profile IAM has not propagated yet, while the hook says so', async () => {
    // GIVEN a profile that becomes usable on the third launch attempt
    const net = await network();
    let attempts = 0;
    fake().ec2.isInstanceProfileUsable = () => ++attempts >= 3;
    const arn = 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node';

    // WHEN the instance is launched three times
    const first = await errorOf(launch(net));
    const second = await errorOf(launch(net));
    const id = await launch(net);

    // THEN the first two fail the way EC2 words it, and the third launches
    expect(first).toMatchObject({
      name: 'InvalidParameterValue',
      message: `Value (${arn}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
    });
    expect(second.name).toBe('InvalidParameterValue');
    expect(fake().ec2.instance(id).iamInstanceProfileArn).toBe(arn);
    expect(fake().ec2.instances.size).toBe(1);
  });

  it('answers a repeated ClientToken with the first reservation, even once it is terminated', async () => {
    // GIVEN an instance launched with a client token
    fake().latency.instanceTerminate = 0;
    const net = await network();
    const first = await ec2().send(new RunInstancesCommand(launchInput(net, { ClientToken: 'demo-token' })));

    // WHEN the same request is sent again, then with other parameters, then after termination
    const again = await ec2().send(new RunInstancesCommand(launchInput(net, { ClientToken: 'demo-token' })));
    const mismatch = await errorOf(
      ec2().send(
        new RunInstancesCommand(launchInput(net, { ClientToken: 'demo-token', InstanceType: 'm6i.xlarge' })),
      ),
    );
    const id = first.Instances![0]!.InstanceId!;
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const replay = await ec2().send(new RunInstancesCommand(launchInput(net, { ClientToken: 'demo-token' })));

    // THEN one instance exists: the repeat answers with it, other parameters are refused
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances![0]!.InstanceId).toBe(id);
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    expect(fake().ec2.instances.size).toBe(1);
    // AND after termination the token still answers with that (now terminated) instance
    expect(replay.Instances![0]).toMatchObject({ InstanceId: id, State: { Name: 'terminated' } });
  });

  it('filters by tag, state, subnet and VPC, and fails on unknown ids', async () => {
    // GIVEN a tagged running instance and an untagged one
    fake().latency.instanceRun = 0;
    const net = await network();
    const tagged = await launch(net);
    await launch(net, { TagSpecifications: [] });

    // WHEN instances are described by filters, and by an unknown id
    const ids = async (filters: { Name: string; Values: string[] }[]) =>
      (await ec2().send(new DescribeInstancesCommand({ Filters: filters }))).Reservations!.flatMap((r) =>
        r.Instances!.map((i) => i.InstanceId),
      );
    const byTags = await ids([
      { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
      { Name: 'tag:gitlab-ha:resource', Values: ['storage/*'] },
    ]);
    const byState = await ids([{ Name: 'instance-state-name', Values: ['pending', 'running'] }]);
    const bySubnetAndVpc = await ids([
      { Name: 'subnet-id', Values: [net.subnetId] },
      { Name: 'vpc-id', Values: [net.vpcId] },
    ]);
    const stopped = await ids([{ Name: 'instance-state-name', Values: ['stopped'] }]);
    const missing = await errorOf(
      ec2().send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );

    // THEN each filter selects what it should
    expect(byTags).toEqual([tagged]);
    expect(byState).toHaveLength(2);
    expect(bySubnetAndVpc).toHaveLength(2);
    expect(stopped).toEqual([]);
    expect(missing).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
  });

  it('stops, starts and terminates through the SDK waiters; termination deletes the root and frees the rest', async () => {
    // GIVEN a running instance with a data volume attached
    fake().latency.instanceRun = 1;
    fake().latency.volumeAttach = 0;
    const net = await network();
    const id = await launch(net);
    await waitUntilInstanceRunning({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
    const volumeId = await dataVolume(net.zone);
    await waitUntilVolumeAvailable({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId] });
    await ec2().send(new AttachVolumeCommand({ InstanceId: id, VolumeId: volumeId, Device: '/dev/sdf' }));
    const rootId = fake().ec2.instance(id).blockDevices[0]!.volumeId;

    // WHEN it is stopped, started, then terminated, each waited for
    await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceStopped({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
    await ec2().send(new StartInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceRunning({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
    const subnetBusy = await errorOf(ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnetId })));
    const terminating = await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceTerminated({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });

    // THEN termination went through shutting-down, and the instance stays visible, terminated
    expect(terminating.TerminatingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 16, Name: 'running' },
        CurrentState: { Code: 32, Name: 'shutting-down' },
      },
    ]);
    expect((await describeInstance(id)).State?.Name).toBe('terminated');
    // AND while it ran, its network interface kept the subnet busy; now the subnet is free
    expect(subnetBusy.name).toBe('DependencyViolation');
    await ec2().send(new DeleteSubnetCommand({ SubnetId: net.subnetId }));
    // AND its root volume is gone, while the data volume is detached and available
    expect(fake().ec2.volumes.has(rootId)).toBe(false);
    expect(fake().ec2.volume(volumeId)).toMatchObject({ state: 'available', attachment: undefined });
    // AND a terminated instance is no longer listed as a tagged resource
    const arns = (
      await aws().tagging.send(
        new GetResourcesCommand({ TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }] }),
      )
    ).ResourceTagMappingList!.map((m) => m.ResourceARN);
    expect(arns).toEqual([`arn:aws:ec2:eu-west-1:123456789012:volume/${volumeId}`]);
  });

  it('answers GetConsoleOutput in base64, as set by the test hook', async () => {
    // GIVEN an instance whose console shows two lines
    const net = await network();
    const id = await launch(net);
    fake().ec2.setConsoleOutput(id, 'line one\nline two\n');

    // WHEN its console output is read
    const out = await ec2().send(new GetConsoleOutputCommand({ InstanceId: id }));

    // THEN it comes back base64-encoded, as EC2 returns it
    expect(Buffer.from(out.Output!, 'base64').toString('utf8')).toBe('line one\nline two\n');
  });

  it('tags instances with CreateTags', async () => {
    // GIVEN an instance
    const net = await network();
    const id = await launch(net);

    // WHEN a tag is added
    await ec2().send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'team', Value: 'platform' }] }));

    // THEN the instance carries it beside its launch tags
    expect(fake().ec2.instance(id).tags).toEqual({ ...DEMO, team: 'platform' });
  });
});

describe('fake EC2: the boot simulation', () => {
  async function pollUntilTagged(id: string, polls: number): Promise<(string | undefined)[]> {
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < polls; i++) {
      const instance = await describeInstance(id);
      seen.push(instance.Tags?.find((t) => t.Key === 'gitlab-ha:bootstrap')?.Value);
    }
    return seen;
  }

  it('tags a node ready bootPolls polls after it first runs', async () => {
    // GIVEN instances that run after one poll and boot in two more
    fake().latency.instanceRun = 1;
    fake().ec2.bootPolls = 2;
    const net = await network();
    const id = await launch(net);

    // WHEN it is polled four times
    const seen = await pollUntilTagged(id, 4);

    // THEN the first poll sees it running, the third tagged ready
    expect(seen).toEqual([undefined, undefined, 'ready', 'ready']);
  });

  it('reports a failed boot: log tail to the hook with its SSM parameter name, then the failed tag', async () => {
    // GIVEN a boot that fails, and a hook standing in for the node's SSM PutParameter
    fake().latency.instanceRun = 0;
    fake().ec2.bootPolls = 2;
    fake().ec2.bootOutcome = () => 'failed';
    fake().ec2.bootFailureLog = () => 'apt-get: unable to locate package gitlab-ee';
    const reported: {
      instanceId: string;
      logTail: string;
      parameterName: string;
      tagged: string | undefined;
    }[] = [];
    fake().ec2.onBootFailure = (instance: InstanceRecord, logTail, parameterName) =>
      reported.push({
        instanceId: instance.id,
        logTail,
        parameterName,
        tagged: instance.tags['gitlab-ha:bootstrap'],
      });
    const net = await network();
    const id = await launch(net);

    // WHEN it is polled until it signals
    const seen = await pollUntilTagged(id, 2);
    const console = await ec2().send(new GetConsoleOutputCommand({ InstanceId: id }));

    // THEN the hook got the tail and the parameter before the tag was set, and the console shows the tail
    expect(seen).toEqual([undefined, 'failed']);
    expect(reported).toEqual([
      {
        instanceId: id,
        logTail: 'apt-get: unable to locate package gitlab-ee',
        parameterName: `/gitlab-ha/demo/bootstrap/${id}`,
        tagged: undefined,
      },
    ]);
    expect(Buffer.from(console.Output!, 'base64').toString('utf8')).toContain(
      'unable to locate package gitlab-ee',
    );
  });

  it('never signals when the outcome is never', async () => {
    // GIVEN a node that hangs at boot
    fake().latency.instanceRun = 0;
    fake().ec2.bootOutcome = () => 'never';
    const net = await network();
    const id = await launch(net);

    // WHEN it is polled many times
    const seen = await pollUntilTagged(id, 6);

    // THEN it never carries the bootstrap tag
    expect(seen.every((tag) => tag === undefined)).toBe(true);
  });
});

describe('fake EC2: volumes', () => {
  it('creates an encrypted volume that becomes available, once per ClientToken', async () => {
    // GIVEN volumes that need two polls to be created
    fake().latency.volumeCreate = 2;
    const net = await network();

    // WHEN a volume is created twice with one token, and waited for
    const id = await dataVolume(net.zone, 'demo-data');
    const again = await dataVolume(net.zone, 'demo-data');
    const created = fake().ec2.volume(id).state;
    await waitUntilVolumeAvailable({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [id] });

    // THEN one volume exists, it was creating, and it is available, encrypted with the EBS default key
    expect(again).toBe(id);
    expect(fake().ec2.volumes.size).toBe(1);
    expect(created).toBe('creating');
    expect(fake().ec2.volume(id)).toMatchObject({
      state: 'available',
      sizeGb: 100,
      volumeType: 'gp3',
      iops: 3000,
      throughput: 125,
      encrypted: true,
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs',
      availabilityZone: net.zone,
    });
  });

  it('refuses bad shapes: io1 without IOPS, gp3 beyond 16000 IOPS, an unknown zone', async () => {
    // GIVEN nothing
    // WHEN volumes with bad parameters are created
    const failures = await Promise.all([
      errorOf(
        ec2().send(new CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 100, VolumeType: 'io1' })),
      ),
      errorOf(
        ec2().send(
          new CreateVolumeCommand({
            AvailabilityZone: 'eu-west-1a',
            Size: 100,
            VolumeType: 'gp3',
            Iops: 20000,
          }),
        ),
      ),
      errorOf(ec2().send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 100 }))),
    ]);

    // THEN EC2's codes come back and nothing was created
    expect(failures.map((e) => e.name)).toEqual([
      'MissingParameter',
      'InvalidParameterValue',
      'InvalidParameterValue',
    ]);
    expect(fake().ec2.volumes.size).toBe(0);
  });

  it('attaches only an available volume in the same zone, goes in-use, and refuses deletion while attached', async () => {
    // GIVEN a running instance, and a volume still being created
    fake().latency.instanceRun = 0;
    fake().latency.volumeCreate = 1;
    fake().latency.volumeAttach = 2;
    const net = await network();
    const instanceId = await launch(net);
    const volumeId = await dataVolume(net.zone);
    const otherZone = await dataVolume(fake().availabilityZones[1]!);

    // WHEN it is attached too early, then once available; and the other-zone volume is attached
    const tooEarly = await errorOf(
      ec2().send(new AttachVolumeCommand({ InstanceId: instanceId, VolumeId: volumeId, Device: '/dev/sdf' })),
    );
    await waitUntilVolumeAvailable({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId, otherZone] });
    const attaching = await ec2().send(
      new AttachVolumeCommand({ InstanceId: instanceId, VolumeId: volumeId, Device: '/dev/sdf' }),
    );
    const wrongZone = await errorOf(
      ec2().send(
        new AttachVolumeCommand({ InstanceId: instanceId, VolumeId: otherZone, Device: '/dev/sdg' }),
      ),
    );
    await waitUntilVolumeInUse({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId] });
    const byAttachment = await ec2().send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }),
    );
    const inUse = await errorOf(ec2().send(new DeleteVolumeCommand({ VolumeId: volumeId })));

    // THEN the early attach fails with IncorrectState, the other zone with ZoneMismatch
    expect(tooEarly).toMatchObject({ name: 'IncorrectState', message: `${volumeId} is not 'available'.` });
    expect(wrongZone.name).toBe('InvalidVolume.ZoneMismatch');
    // AND the attachment went attaching -> attached, and the volume is found by its instance
    expect(attaching.State).toBe('attaching');
    const attached = byAttachment.Volumes!.find((v) => v.VolumeId === volumeId)!;
    expect(attached.State).toBe('in-use');
    expect(attached.Attachments).toEqual([
      expect.objectContaining({ InstanceId: instanceId, Device: '/dev/sdf', State: 'attached' }),
    ]);
    // AND the instance lists it; deleting it while attached fails with VolumeInUse
    expect(
      fake()
        .ec2.instance(instanceId)
        .blockDevices.map((d) => d.deviceName),
    ).toEqual(['/dev/sda1', '/dev/sdf']);
    expect(inUse).toMatchObject({
      name: 'VolumeInUse',
      message: `Volume ${volumeId} is currently attached to ${instanceId}`,
    });
  });

  it('detaches, then deletes, as the volume-deleted waiter sees it', async () => {
    // GIVEN an attached volume
    fake().latency.instanceRun = 0;
    fake().latency.volumeCreate = 0;
    fake().latency.volumeAttach = 1;
    const net = await network();
    const instanceId = await launch(net);
    const volumeId = await dataVolume(net.zone);
    await ec2().send(
      new AttachVolumeCommand({ InstanceId: instanceId, VolumeId: volumeId, Device: '/dev/sdf' }),
    );
    await waitUntilVolumeInUse({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId] });

    // WHEN it is detached, waited for, deleted and waited for
    const detaching = await ec2().send(new DetachVolumeCommand({ VolumeId: volumeId }));
    await waitUntilVolumeAvailable({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId] });
    await ec2().send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    await waitUntilVolumeDeleted({ client: ec2(), ...FAST_WAIT }, { VolumeIds: [volumeId] });
    const gone = await errorOf(ec2().send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })));

    // THEN it went detaching -> available -> gone, and the instance no longer lists it
    expect(detaching.State).toBe('detaching');
    expect(gone).toMatchObject({
      name: 'InvalidVolume.NotFound',
      message: `The volume '${volumeId}' does not exist.`,
    });
    expect(
      fake()
        .ec2.instance(instanceId)
        .blockDevices.map((d) => d.deviceName),
    ).toEqual(['/dev/sda1']);
  });
});

describe('fake EC2: snapshots and images', () => {
  it('snapshots a volume, pending then completed, found by owner self and tags, then deleted', async () => {
    // GIVEN a volume and snapshots that need two polls
    fake().latency.volumeCreate = 0;
    fake().latency.snapshotCreate = 2;
    const net = await network();
    const volumeId = await dataVolume(net.zone);

    // WHEN it is snapshotted and the SDK waiter waits
    const created = await ec2().send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: 'final snapshot',
        TagSpecifications: tagSpec('snapshot', { 'gitlab-ha:deployment': 'demo' }),
      }),
    );
    const id = created.SnapshotId!;
    await waitUntilSnapshotCompleted(
      { client: ec2(), ...FAST_WAIT },
      { SnapshotIds: [id], OwnerIds: ['self'] },
    );
    const found = await ec2().send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
          { Name: 'volume-id', Values: [volumeId] },
        ],
      }),
    );
    const tagged = (
      await aws().tagging.send(
        new GetResourcesCommand({ TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }] }),
      )
    ).ResourceTagMappingList!.map((m) => m.ResourceARN);
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: id }));
    const gone = await errorOf(ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: [id] })));

    // THEN it started pending and completed, encrypted like its volume, findable by tags
    expect(created).toMatchObject({ State: 'pending', VolumeId: volumeId, VolumeSize: 100, Encrypted: true });
    expect(found.Snapshots).toEqual([
      expect.objectContaining({
        SnapshotId: id,
        State: 'completed',
        Progress: '100%',
        Description: 'final snapshot',
      }),
    ]);
    // AND its ARN carries no account, as AWS writes snapshot ARNs
    expect(tagged).toContain(`arn:aws:ec2:eu-west-1::snapshot/${id}`);
    // AND once deleted it is not found
    expect(gone.name).toBe('InvalidSnapshot.NotFound');
  });

  it("describes Canonical's seeded Ubuntu image by owner and name, and hides other accounts' private images", async () => {
    // GIVEN an older Ubuntu image, an arm64 one, and another account's private image
    fake().ec2.addImage({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250601',
      ownerId: CANONICAL_OWNER_ID,
      isPublic: true,
      creationDate: '2025-06-01T00:00:00.000Z',
    });
    fake().ec2.addImage({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20260101',
      ownerId: CANONICAL_OWNER_ID,
      isPublic: true,
      architecture: 'arm64',
    });
    const hidden = fake().ec2.addImage({ name: 'private', ownerId: '999999999999' });

    // WHEN images are described by Canonical's owner id, a name pattern and the architecture
    const out = await ec2().send(
      new DescribeImagesCommand({
        Owners: [CANONICAL_OWNER_ID],
        Filters: [
          { Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] },
          { Name: 'architecture', Values: ['x86_64'] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );
    const byId = await ec2().send(new DescribeImagesCommand({ ImageIds: [FAKE_UBUNTU_AMI] }));
    const hiddenById = await errorOf(ec2().send(new DescribeImagesCommand({ ImageIds: [hidden.id] })));

    // THEN both amd64 noble images come back, with their creation dates
    expect(out.Images!.map((i) => [i.Name, i.CreationDate]).sort()).toEqual([
      ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250601', '2025-06-01T00:00:00.000Z'],
      ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260101', '2026-01-01T00:00:00.000Z'],
    ]);
    expect(byId.Images![0]).toMatchObject({
      ImageId: FAKE_UBUNTU_AMI,
      OwnerId: CANONICAL_OWNER_ID,
      Public: true,
    });
    // AND another account's private image is not found
    expect(hiddenById.name).toBe('InvalidAMIID.NotFound');
  });
});
