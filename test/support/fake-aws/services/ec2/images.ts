import type { DescribeImagesCommandInput, DescribeImagesCommandOutput, Image } from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { notFound } from './errors.js';
import type { ImageRecord } from './records.js';
import type { Ec2Store } from './store.js';

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
    ImageType: 'machine',
    RootDeviceName: image.rootDeviceName,
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    PlatformDetails: 'Linux/UNIX',
    BlockDeviceMappings: [
      {
        DeviceName: image.rootDeviceName,
        Ebs: {
          VolumeSize: image.rootVolumeSizeGb,
          VolumeType: 'gp3',
          DeleteOnTermination: true,
          Encrypted: false,
        },
      },
    ],
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
    },
    tags: (i) => i.tags,
  };
}

export function imageHandlers(store: Ec2Store) {
  /** Public images and the account's own; private images of other accounts are invisible. */
  const visible = (image: ImageRecord) => image.isPublic || image.ownerId === store.env.account;
  const ownedBy = (owners: readonly string[] | undefined) => (image: ImageRecord) =>
    !owners?.length || owners.some((o) => (o === 'self' ? store.env.account : o) === image.ownerId);

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
        settle: { names: ['state'], poll: (image) => void poll(image) },
      }).filter(ownedBy(input.Owners));
      const { page: shown, nextToken } = page(images, input);
      return { Images: shown.map(describeImage), NextToken: nextToken };
    },
  };
}
