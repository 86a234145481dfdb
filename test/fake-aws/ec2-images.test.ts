import {
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import type { CreateImageCommandInput } from '@aws-sdk/client-ec2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();

/** Waiter timing in seconds: milliseconds here, so polls are counted, not waited for. */
const FAST_WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 };
const IMAGE_TAGS = {
  'gitlab-ha:deployment': 'demo',
  'gitlab-ha:resource': 'image/ami',
  'gitlab-ha:gitlab-version': '18.5.1',
};
const SNAPSHOT_TAGS = { 'gitlab-ha:deployment': 'demo', 'gitlab-ha:resource': 'image/ami/snapshot' };

/** A running builder-like instance: Ubuntu, an encrypted 50 GiB gp3 root volume, in a private subnet. */
async function runningInstance(): Promise<string> {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const zone = fake().availabilityZones[0]!;
  const { Subnet } = await ec2().send(
    new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.10.0/24', AvailabilityZone: zone }),
  );
  const { GroupId } = await ec2().send(
    new CreateSecurityGroupCommand({ GroupName: 'builder', Description: 'builder', VpcId: Vpc!.VpcId! }),
  );
  const out = await ec2().send(
    new RunInstancesCommand({
      ImageId: FAKE_UBUNTU_AMI,
      InstanceType: 'c5.2xlarge',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: Subnet!.SubnetId!,
      SecurityGroupIds: [GroupId!],
      BlockDeviceMappings: [
        { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true } },
      ],
    }),
  );
  const id = out.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
  return id;
}

async function stoppedInstance(): Promise<string> {
  const id = await runningInstance();
  await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceStopped({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [id] });
  return id;
}

function imageInput(
  instanceId: string,
  overrides: Partial<CreateImageCommandInput> = {},
): CreateImageCommandInput {
  return {
    InstanceId: instanceId,
    Name: 'demo-gitlab-ee-18.5.1-20260102-030405',
    Description: 'GitLab EE 18.5.1 for demo',
    TagSpecifications: [...tagSpec('image', IMAGE_TAGS), ...tagSpec('snapshot', SNAPSHOT_TAGS)],
    ...overrides,
  };
}

async function createImage(instanceId: string, overrides: Partial<CreateImageCommandInput> = {}) {
  return (await ec2().send(new CreateImageCommand(imageInput(instanceId, overrides)))).ImageId!;
}

async function describeImage(id: string) {
  return (await ec2().send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0]!;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake EC2: CreateImage', () => {
  it('images a stopped instance: pending, then available after imageCreate polls, on new encrypted snapshots', async () => {
    // GIVEN a stopped instance with an encrypted root volume, and images that need three polls
    fake().latency.imageCreate = 3;
    const instanceId = await stoppedInstance();
    const rootVolumeId = fake().ec2.instance(instanceId).blockDevices[0]!.volumeId;

    // WHEN it is imaged, described once, then waited for with the SDK waiter
    const imageId = await createImage(instanceId);
    const first = await describeImage(imageId);
    await waitUntilImageAvailable({ client: ec2(), ...FAST_WAIT }, { ImageIds: [imageId] });
    const image = await describeImage(imageId);

    // THEN it started pending and is now available, private, owned by the account, from that instance
    expect(first.State).toBe('pending');
    expect(image).toMatchObject({
      ImageId: imageId,
      Name: 'demo-gitlab-ee-18.5.1-20260102-030405',
      Description: 'GitLab EE 18.5.1 for demo',
      State: 'available',
      OwnerId: fake().account,
      Public: false,
      RootDeviceName: '/dev/sda1',
      SourceInstanceId: instanceId,
    });
    // AND its root mapping points at a new snapshot of the root volume, encrypted like it
    const snapshotId = image.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    expect(image.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/sda1',
        Ebs: {
          SnapshotId: snapshotId,
          VolumeSize: 50,
          VolumeType: 'gp3',
          DeleteOnTermination: true,
          Encrypted: true,
        },
      },
    ]);
    expect(fake().ec2.snapshot(snapshotId)).toMatchObject({
      volumeId: rootVolumeId,
      volumeSizeGb: 50,
      encrypted: true,
      state: 'completed',
      description: `Created by CreateImage(${instanceId}) for ${imageId}`,
    });
    // AND the image and the snapshot carry their own TagSpecifications
    expect(image.Tags).toEqual(Object.entries(IMAGE_TAGS).map(([Key, Value]) => ({ Key, Value })));
    expect(fake().ec2.snapshot(snapshotId).tags).toEqual(SNAPSHOT_TAGS);
  });

  it('images a running instance too, and the new image launches instances once it is available', async () => {
    // GIVEN a running instance imaged a moment ago
    fake().latency.imageCreate = 2;
    const instanceId = await runningInstance();
    const imageId = await createImage(instanceId);
    const subnetId = fake().ec2.instance(instanceId).subnetId;
    const launch = () =>
      ec2().send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 'c5.2xlarge',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
        }),
      );

    // WHEN an instance is launched from it while it is pending, and again once it is available
    const whilePending = await errorOf(launch());
    await waitUntilImageAvailable({ client: ec2(), ...FAST_WAIT }, { ImageIds: [imageId] });
    const launched = await launch();

    // THEN the first launch is refused and the second runs the image with a root volume of its size
    expect(whilePending.name).toBe('InvalidAMIID.Unavailable');
    const instance = fake().ec2.instance(launched.Instances![0]!.InstanceId!);
    expect(instance.imageId).toBe(imageId);
    expect(fake().ec2.volume(instance.blockDevices[0]!.volumeId).sizeGb).toBe(50);
  });

  it('refuses a malformed or taken name, an instance that is not running or stopped, and other tag types', async () => {
    // GIVEN an image made of a stopped instance, and a terminated instance
    fake().latency.instanceTerminate = 0;
    const instanceId = await stoppedInstance();
    const existing = await createImage(instanceId);
    const gone = await runningInstance();
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [gone] }));
    await waitUntilInstanceTerminated({ client: ec2(), ...FAST_WAIT }, { InstanceIds: [gone] });

    // WHEN images are asked for with each problem
    const malformed = await errorOf(createImage(instanceId, { Name: 'demo:gitlab' }));
    const tooShort = await errorOf(createImage(instanceId, { Name: 'ab' }));
    const taken = await errorOf(createImage(instanceId));
    const terminated = await errorOf(createImage(gone, { Name: 'other-name' }));
    const wrongTagType = await errorOf(
      createImage(instanceId, { Name: 'third-name', TagSpecifications: tagSpec('instance', IMAGE_TAGS) }),
    );
    const unknown = await errorOf(createImage('i-0123456789abcdef0', { Name: 'fourth-name' }));

    // THEN each is refused with EC2's code, and only the first image exists
    expect(malformed.name).toBe('InvalidAMIName.Malformed');
    expect(tooShort.name).toBe('InvalidAMIName.Malformed');
    expect(taken).toMatchObject({
      name: 'InvalidAMIName.Duplicate',
      message: `AMI name demo-gitlab-ee-18.5.1-20260102-030405 is already in use by AMI ${existing}`,
    });
    expect(terminated.name).toBe('IncorrectInstanceState');
    expect(wrongTagType.name).toBe('InvalidParameterValue');
    expect(unknown.name).toBe('InvalidInstanceID.NotFound');
    expect([...fake().ec2.images.values()].filter((i) => i.ownerId === fake().account)).toHaveLength(1);
  });
});

describe('fake EC2: finding and removing images', () => {
  it('finds the account’s images by owner self and tag, name and state filters, without public ones', async () => {
    // GIVEN two images of the deployment (18.5.1 available, 18.6.0 pending) and another deployment's
    fake().latency.imageCreate = 0;
    const instanceId = await stoppedInstance();
    const current = await createImage(instanceId);
    fake().latency.imageCreate = 5;
    const newer = await createImage(instanceId, {
      Name: 'demo-gitlab-ee-18.6.0-20260201-000000',
      TagSpecifications: tagSpec('image', { ...IMAGE_TAGS, 'gitlab-ha:gitlab-version': '18.6.0' }),
    });
    await createImage(instanceId, {
      Name: 'other-gitlab-ee-18.5.1-20260102-030405',
      TagSpecifications: tagSpec('image', { ...IMAGE_TAGS, 'gitlab-ha:deployment': 'other' }),
    });
    const find = async (filters: { Name: string; Values: string[] }[]) =>
      ((await ec2().send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }))).Images ?? [])
        .map((i) => i.ImageId)
        .sort();

    // WHEN they are looked up by owner and filters
    const ofDeployment = await find([
      { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
      { Name: 'tag:gitlab-ha:resource', Values: ['image/ami'] },
    ]);
    const ofVersion = await find([
      { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
      { Name: 'tag:gitlab-ha:gitlab-version', Values: ['18.5.1'] },
    ]);
    const byName = await find([{ Name: 'name', Values: ['demo-gitlab-ee-*'] }]);
    const available = await find([
      { Name: 'tag:gitlab-ha:deployment', Values: ['demo'] },
      { Name: 'state', Values: ['available'] },
    ]);
    const all = await find([]);

    // THEN each filter selects what it names, and owner self leaves Canonical's public image out
    expect(ofDeployment).toEqual([current, newer].sort());
    expect(ofVersion).toEqual([current]);
    expect(byName).toEqual([current, newer].sort());
    expect(available).toEqual([current]);
    expect(all).toHaveLength(3);
    expect(all).not.toContain(FAKE_UBUNTU_AMI);
  });

  it('keeps a snapshot in use while its image is registered, and frees it on DeregisterImage', async () => {
    // GIVEN an available image and its snapshot
    fake().latency.imageCreate = 0;
    const imageId = await createImage(await stoppedInstance());
    const snapshotId = (await describeImage(imageId)).BlockDeviceMappings![0]!.Ebs!.SnapshotId!;

    // WHEN the snapshot is deleted first, then the image is deregistered and the snapshot deleted
    const inUse = await errorOf(ec2().send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
    const deregistered = await ec2().send(new DeregisterImageCommand({ ImageId: imageId }));
    const imageGone = await errorOf(describeImage(imageId));
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));

    // THEN the first delete is refused naming the image; afterwards image and snapshot are gone
    expect(inUse).toMatchObject({
      name: 'InvalidSnapshot.InUse',
      message: `The snapshot ${snapshotId} is currently in use by ${imageId}`,
    });
    expect(deregistered.Return).toBe(true);
    expect(imageGone.name).toBe('InvalidAMIID.NotFound');
    expect(fake().ec2.snapshots.has(snapshotId)).toBe(false);
  });

  it('deletes the snapshots with the image when DeregisterImage asks for it', async () => {
    // GIVEN an available image
    fake().latency.imageCreate = 0;
    const imageId = await createImage(await stoppedInstance());
    const snapshotId = fake().ec2.image(imageId).blockDevices![0]!.snapshotId;

    // WHEN it is deregistered with DeleteAssociatedSnapshots
    const out = await ec2().send(
      new DeregisterImageCommand({ ImageId: imageId, DeleteAssociatedSnapshots: true }),
    );

    // THEN the snapshot went with it
    expect(out.DeleteSnapshotResults).toEqual([{ SnapshotId: snapshotId, ReturnCode: 'success' }]);
    expect(fake().ec2.snapshots.size).toBe(0);
  });

  it("refuses to deregister an unknown image or someone else's public one", async () => {
    // GIVEN only Canonical's seeded image
    // WHEN an unknown id and Canonical's image are deregistered
    const unknown = await errorOf(
      ec2().send(new DeregisterImageCommand({ ImageId: 'ami-0123456789abcdef0' })),
    );
    const foreign = await errorOf(ec2().send(new DeregisterImageCommand({ ImageId: FAKE_UBUNTU_AMI })));

    // THEN not found, and not authorized; Canonical's image stays
    expect(unknown.name).toBe('InvalidAMIID.NotFound');
    expect(foreign.name).toBe('AuthFailure');
    expect(fake().ec2.images.has(FAKE_UBUNTU_AMI)).toBe(true);
  });

  it('lists the image and its snapshot in the tagging API until they are removed', async () => {
    // GIVEN an image of the deployment
    fake().latency.imageCreate = 0;
    const imageId = await createImage(await stoppedInstance());
    const snapshotId = fake().ec2.image(imageId).blockDevices![0]!.snapshotId;
    const tagged = async () =>
      (
        await aws().tagging.send(
          new GetResourcesCommand({ TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }] }),
        )
      )
        .ResourceTagMappingList!.map((m) => m.ResourceARN)
        .sort();

    // WHEN the tagged resources are listed before and after removal
    const before = await tagged();
    await ec2().send(new DeregisterImageCommand({ ImageId: imageId }));
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    const after = await tagged();

    // THEN both were listed with account-less ARNs, and nothing is left
    expect(before).toEqual([
      `arn:aws:ec2:eu-west-1::image/${imageId}`,
      `arn:aws:ec2:eu-west-1::snapshot/${snapshotId}`,
    ]);
    expect(after).toEqual([]);
  });

  it('lets the SDK waiter fail on an image that failed, with its reason', async () => {
    // GIVEN an image that will fail instead of becoming available (tampered in the store)
    fake().latency.imageCreate = 2;
    const imageId = await createImage(await stoppedInstance());
    const record = fake().ec2.image(imageId);
    record.transition = { to: 'failed', pollsLeft: 1 };
    record.stateReason = { code: 'Client.InternalError', message: 'snapshot creation failed' };

    // WHEN the SDK waiter waits for it
    const error = await errorOf(
      waitUntilImageAvailable({ client: ec2(), ...FAST_WAIT }, { ImageIds: [imageId] }),
    );
    const snapshots = await ec2().send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:gitlab-ha:deployment', Values: ['demo'] }],
      }),
    );

    // THEN it ends in failure naming the reason, and the snapshot is still there to clean up
    expect(error.message).toContain('snapshot creation failed');
    expect((await describeImage(imageId)).StateReason).toEqual({
      Code: 'Client.InternalError',
      Message: 'snapshot creation failed',
    });
    expect(snapshots.Snapshots).toHaveLength(1);
  });
});
