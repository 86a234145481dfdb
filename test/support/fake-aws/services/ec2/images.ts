/**
 * EC2 images: DescribeImages over the seeded public images and the account's own, CreateImage from an
 * instance (an encrypted volume gives an encrypted snapshot), and DeregisterImage.
 *
 * CreateImage snapshots every EBS volume of the instance: the image is `pending` and becomes
 * `available` after `latency.imageCreate` DescribeImages polls that select it; its snapshots are
 * `completed` by then. A snapshot stays "in use" (DeleteSnapshot refuses it) while a registered image
 * maps it, as on AWS. Deregistered images are gone at once (the fake keeps no `deregistered` state).
 */
import type {
  BlockDeviceMapping,
  CreateImageCommandInput,
  CreateImageCommandOutput,
  DeregisterImageCommandInput,
  DeregisterImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  Image,
  VolumeType,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue, notFound } from './errors.js';
import type { ImageBlockDeviceRecord, ImageRecord, InstanceRecord, SnapshotRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** What EC2 accepts in an AMI name: 3-128 of letters, digits and ( ) [ ] space . / - ' @ _ */
const IMAGE_NAME = /^[A-Za-z0-9()[\] ./'@_-]{3,128}$/;
const DESCRIPTION_MAX_LENGTH = 255;
const TAGGABLE_AT_CREATE_IMAGE = ['image', 'snapshot'];

function blockDeviceMappings(image: ImageRecord): BlockDeviceMapping[] {
  if (!image.blockDevices) {
    return [
      {
        DeviceName: image.rootDeviceName,
        Ebs: {
          VolumeSize: image.rootVolumeSizeGb,
          VolumeType: 'gp3',
          DeleteOnTermination: true,
          Encrypted: false,
        },
      },
    ];
  }
  return image.blockDevices.map((device) => ({
    DeviceName: device.deviceName,
    Ebs: {
      SnapshotId: device.snapshotId,
      VolumeSize: device.volumeSizeGb,
      VolumeType: device.volumeType as VolumeType,
      DeleteOnTermination: device.deleteOnTermination,
      Encrypted: device.encrypted,
    },
  }));
}

function describeImage(image: ImageRecord): Image {
  return {
    ImageId: image.id,
    Name: image.name,
    Description: image.description,
    OwnerId: image.ownerId,
    Public: image.isPublic,
    Architecture: image.architecture,
    CreationDate: image.creationDate,
    State: image.state,
    StateReason: image.stateReason
      ? { Code: image.stateReason.code, Message: image.stateReason.message }
      : undefined,
    ImageType: 'machine',
    RootDeviceName: image.rootDeviceName,
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    PlatformDetails: 'Linux/UNIX',
    SourceInstanceId: image.sourceInstanceId,
    BlockDeviceMappings: blockDeviceMappings(image),
    Tags: toTagList(image.tags),
  };
}

function imageFilters(store: Ec2Store): FilterSpec<ImageRecord> {
  return {
    fields: {
      'image-id': (i) => i.id,
      name: (i) => i.name,
      description: (i) => i.description,
      architecture: (i) => i.architecture,
      state: (i) => i.state,
      'owner-id': (i) => i.ownerId,
      'is-public': (i) => String(i.isPublic),
      'root-device-type': () => 'ebs',
      'root-device-name': (i) => i.rootDeviceName,
      'virtualization-type': () => 'hvm',
      'image-type': () => 'machine',
      'creation-date': (i) => i.creationDate,
      'owner-alias': (i) => (i.ownerId === store.env.account ? 'self' : undefined),
      'block-device-mapping.snapshot-id': (i) => i.blockDevices?.map((d) => d.snapshotId),
    },
    tags: (i) => i.tags,
  };
}

/** The registered image of the account that maps this snapshot, if any (it keeps the snapshot in use). */
export function imageUsingSnapshot(store: Ec2Store, snapshotId: string): ImageRecord | undefined {
  return [...store.images.values()].find(
    (image) =>
      image.ownerId === store.env.account && image.blockDevices?.some((d) => d.snapshotId === snapshotId),
  );
}

function checkImageName(store: Ec2Store, name: string | undefined): string {
  if (!name || !IMAGE_NAME.test(name)) {
    throw ec2Error(
      'InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_' (got '${name ?? ''}')`,
    );
  }
  const taken = [...store.images.values()].find(
    (image) => image.ownerId === store.env.account && image.name === name,
  );
  if (taken)
    throw ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${taken.id}`);
  return name;
}

/** Only a running or stopped instance can be imaged. */
function imageableInstance(store: Ec2Store, instanceId: string | undefined): InstanceRecord {
  const instance = store.instance(instanceId);
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw ec2Error(
      'IncorrectInstanceState',
      `The instance '${instance.id}' is not in a state from which it can be imaged (${instance.state}).`,
    );
  }
  return instance;
}

/** One snapshot per EBS volume of the instance, encrypted like the volume, tagged by the snapshot TagSpecifications. */
function snapshotVolumes(
  store: Ec2Store,
  instance: InstanceRecord,
  imageId: string,
  tags: ReturnType<typeof tagsFromSpecifications>,
): { device: ImageBlockDeviceRecord; snapshot: SnapshotRecord }[] {
  return instance.blockDevices.map((blockDevice) => {
    const volume = store.volume(blockDevice.volumeId);
    const snapshot: SnapshotRecord = {
      id: store.env.ids.next('snap'),
      volumeId: volume.id,
      volumeSizeGb: volume.sizeGb,
      description: `Created by CreateImage(${instance.id}) for ${imageId}`,
      encrypted: volume.encrypted,
      kmsKeyId: volume.kmsKeyId,
      ownerId: store.env.account,
      state: 'pending',
      startTime: new Date(),
      tags: { ...tags },
    };
    startTransition(snapshot, 'completed', store.env.latency.snapshotCreate);
    const device: ImageBlockDeviceRecord = {
      deviceName: blockDevice.deviceName,
      snapshotId: snapshot.id,
      volumeSizeGb: volume.sizeGb,
      volumeType: volume.volumeType,
      encrypted: volume.encrypted,
      deleteOnTermination: blockDevice.deleteOnTermination,
    };
    return { device, snapshot };
  });
}

export function imageHandlers(store: Ec2Store) {
  /** Public images and the account's own; private images of other accounts are invisible. */
  const visible = (image: ImageRecord) => image.isPublic || image.ownerId === store.env.account;
  const ownedBy = (owners: readonly string[] | undefined) => (image: ImageRecord) =>
    !owners?.length || owners.some((o) => (o === 'self' ? store.env.account : o) === image.ownerId);
  /** An image that just became available: its snapshots are complete (AWS finishes them first). */
  const settle = (image: ImageRecord) => {
    if (!poll(image) || image.state !== 'available') return;
    for (const device of image.blockDevices ?? []) {
      const snapshot = store.snapshots.get(device.snapshotId);
      if (!snapshot) continue;
      snapshot.state = 'completed';
      snapshot.transition = undefined;
    }
  };

  return {
    /** By ids (each must be visible), owners and filters; pending images settle as they are polled. */
    DescribeImages(input: DescribeImagesCommandInput): Result<DescribeImagesCommandOutput> {
      const images = select({
        byIds: {
          ids: input.ImageIds,
          lookup: (id) => {
            const image = store.images.get(id);
            if (!image || !visible(image)) throw notFound.image(id);
            return image;
          },
        },
        all: () => [...store.images.values()].filter(visible),
        filters: input.Filters,
        spec: imageFilters(store),
        settle: { names: ['state'], poll: settle },
      }).filter(ownedBy(input.Owners));
      const { page: shown, nextToken } = page(images, input);
      return { Images: shown.map(describeImage), NextToken: nextToken };
    },

    /**
     * A private image of a running or stopped instance, `pending` then `available` after imageCreate
     * polls, with one snapshot per EBS volume. TagSpecifications may tag the image and the snapshots.
     * (A running instance is not rebooted here, whatever NoReboot says.)
     */
    CreateImage(input: CreateImageCommandInput): Result<CreateImageCommandOutput> {
      const name = checkImageName(store, input.Name);
      if ((input.Description ?? '').length > DESCRIPTION_MAX_LENGTH) {
        throw invalidParameterValue(`The description is longer than ${DESCRIPTION_MAX_LENGTH} characters.`);
      }
      for (const specification of input.TagSpecifications ?? []) {
        if (!TAGGABLE_AT_CREATE_IMAGE.includes(specification.ResourceType ?? '')) {
          throw invalidParameterValue(
            `'${specification.ResourceType ?? ''}' is not a valid taggable resource type for this operation.`,
          );
        }
      }
      const ofType = (type: 'image' | 'snapshot') =>
        tagsFromSpecifications(
          (input.TagSpecifications ?? []).filter((s) => s.ResourceType === type),
          type,
        );
      const imageTags = ofType('image');
      const snapshotTags = ofType('snapshot');
      const instance = imageableInstance(store, input.InstanceId);
      const id = store.env.ids.next('ami');
      const taken = snapshotVolumes(store, instance, id, snapshotTags);
      const root = taken.find((t) => t.device.deviceName === instance.rootDeviceName)?.device;
      const image: ImageRecord = {
        id,
        name,
        description: input.Description,
        ownerId: store.env.account,
        isPublic: false,
        architecture: store.images.get(instance.imageId)?.architecture ?? 'x86_64',
        creationDate: new Date().toISOString(),
        state: 'pending',
        rootDeviceName: instance.rootDeviceName,
        rootVolumeSizeGb: root?.volumeSizeGb ?? 8,
        blockDevices: taken.map((t) => t.device),
        sourceInstanceId: instance.id,
        tags: imageTags,
      };
      for (const { snapshot } of taken) store.snapshots.set(snapshot.id, snapshot);
      store.images.set(id, image);
      startTransition(image, 'available', store.env.latency.imageCreate);
      return { ImageId: id };
    },

    /**
     * Removes one of the account's images (pending ones too). Its snapshots stay, and become
     * deletable, unless DeleteAssociatedSnapshots asks for them to go as well.
     */
    DeregisterImage(input: DeregisterImageCommandInput): Result<DeregisterImageCommandOutput> {
      const image = store.images.get(input.ImageId ?? '');
      if (!image || !visible(image)) throw notFound.image(input.ImageId ?? '');
      if (image.ownerId !== store.env.account) {
        throw ec2Error('AuthFailure', `Not authorized for image:${image.id}`);
      }
      store.images.delete(image.id);
      const deleted = input.DeleteAssociatedSnapshots
        ? (image.blockDevices ?? []).map((device) => {
            store.snapshots.delete(device.snapshotId);
            return { SnapshotId: device.snapshotId, ReturnCode: 'success' as const };
          })
        : undefined;
      return { Return: true, ...(deleted ? { DeleteSnapshotResults: deleted } : {}) };
    },
  };
}
