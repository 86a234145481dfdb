import type {
  AttachVolumeCommandInput,
  AttachVolumeCommandOutput,
  CreateVolumeCommandInput,
  CreateVolumeCommandOutput,
  DeleteVolumeCommandInput,
  DeleteVolumeCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  DetachVolumeCommandInput,
  DetachVolumeCommandOutput,
  Volume,
  VolumeAttachment,
  VolumeType,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue } from './errors.js';
import type { InstanceRecord, VolumeRecord, VolumeStateName } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** Size limits (GiB) per volume type, as EC2 enforces them. */
const SIZE_LIMITS: Readonly<Record<string, { min: number; max: number }>> = {
  gp2: { min: 1, max: 16384 },
  gp3: { min: 1, max: 16384 },
  io1: { min: 4, max: 16384 },
  io2: { min: 4, max: 65536 },
  st1: { min: 125, max: 16384 },
  sc1: { min: 125, max: 16384 },
  standard: { min: 1, max: 1024 },
};
const GP3_IOPS = { min: 3000, max: 16000, baseline: 3000 };
const PROVISIONED_IOPS_PER_GB: Readonly<Record<string, number>> = { io1: 50, io2: 1000 };

/** What CreateVolume and RunInstances' BlockDeviceMappings say about a new volume. */
export interface VolumeShape {
  sizeGb: number | undefined;
  volumeType: string | undefined;
  iops: number | undefined;
  throughput: number | undefined;
  encrypted: boolean | undefined;
  kmsKeyId: string | undefined;
}

/** Applies EC2's defaults and limits to a new volume's shape; throws what EC2 would answer. */
export function checkVolumeShape(
  store: Ec2Store,
  shape: VolumeShape,
  minimumGb = 1,
): Pick<VolumeRecord, 'sizeGb' | 'volumeType' | 'iops' | 'throughput' | 'encrypted' | 'kmsKeyId'> {
  const volumeType = shape.volumeType ?? 'gp2';
  const limits = SIZE_LIMITS[volumeType];
  if (!limits) throw invalidParameterValue(`Value (${volumeType}) for parameter volumeType is invalid.`);
  const sizeGb = shape.sizeGb ?? minimumGb;
  if (!Number.isInteger(sizeGb) || sizeGb < Math.max(limits.min, minimumGb) || sizeGb > limits.max) {
    throw invalidParameterValue(
      `Volume of size ${sizeGb} GiB is invalid for type ${volumeType}: it must be ${Math.max(limits.min, minimumGb)} to ${limits.max} GiB.`,
    );
  }
  const iops = volumeIops(volumeType, sizeGb, shape.iops);
  if (shape.throughput !== undefined && volumeType !== 'gp3') {
    throw ec2Error(
      'InvalidParameterCombination',
      `The parameter throughput is not supported for ${volumeType} volumes.`,
    );
  }
  if (shape.kmsKeyId !== undefined && shape.encrypted !== true) {
    throw ec2Error(
      'InvalidParameterDependency',
      'The parameter KmsKeyId requires the parameter Encrypted to be set.',
    );
  }
  const encrypted = shape.encrypted ?? false;
  return {
    sizeGb,
    volumeType,
    iops,
    throughput: volumeType === 'gp3' ? (shape.throughput ?? 125) : undefined,
    encrypted,
    // Without a key, EC2 uses the account's AWS-managed EBS key.
    kmsKeyId: encrypted
      ? (shape.kmsKeyId ?? `arn:aws:kms:${store.env.region}:${store.env.account}:alias/aws/ebs`)
      : undefined,
  };
}

function volumeIops(volumeType: string, sizeGb: number, iops: number | undefined): number | undefined {
  if (volumeType === 'gp3') {
    const value = iops ?? GP3_IOPS.baseline;
    if (value < GP3_IOPS.min || value > GP3_IOPS.max) {
      throw invalidParameterValue(
        `Iops ${value} is invalid for gp3: it must be ${GP3_IOPS.min} to ${GP3_IOPS.max}.`,
      );
    }
    return value;
  }
  const perGb = PROVISIONED_IOPS_PER_GB[volumeType];
  if (perGb !== undefined) {
    if (iops === undefined) {
      throw ec2Error('MissingParameter', `The parameter iops must be specified for ${volumeType} volumes.`);
    }
    if (iops < 100 || iops > perGb * sizeGb) {
      throw invalidParameterValue(
        `Iops ${iops} is invalid for a ${sizeGb} GiB ${volumeType} volume: at most ${perGb} IOPS per GiB.`,
      );
    }
    return iops;
  }
  if (iops !== undefined) {
    throw ec2Error(
      'InvalidParameterCombination',
      `The parameter iops is not supported for ${volumeType} volumes.`,
    );
  }
  return undefined;
}

export function describeVolume(volume: VolumeRecord): Volume {
  const attachment = volume.attachment;
  return {
    VolumeId: volume.id,
    AvailabilityZone: volume.availabilityZone,
    Size: volume.sizeGb,
    VolumeType: volume.volumeType as VolumeType,
    Iops: volume.iops,
    Throughput: volume.throughput,
    Encrypted: volume.encrypted,
    KmsKeyId: volume.kmsKeyId,
    SnapshotId: volume.snapshotId ?? '',
    State: volume.state,
    CreateTime: volume.createTime,
    MultiAttachEnabled: false,
    Attachments: attachment
      ? [
          {
            VolumeId: volume.id,
            InstanceId: attachment.instanceId,
            Device: attachment.device,
            State: attachment.state,
            AttachTime: attachment.attachTime,
            DeleteOnTermination: attachment.deleteOnTermination,
          },
        ]
      : [],
    Tags: toTagList(volume.tags),
  };
}

const volumeFilters: FilterSpec<VolumeRecord> = {
  fields: {
    'volume-id': (v) => v.id,
    status: (v) => v.state,
    'availability-zone': (v) => v.availabilityZone,
    'volume-type': (v) => v.volumeType,
    size: (v) => v.sizeGb,
    encrypted: (v) => String(v.encrypted),
    'snapshot-id': (v) => v.snapshotId,
    'attachment.instance-id': (v) => v.attachment?.instanceId,
    'attachment.status': (v) => v.attachment?.state,
    'attachment.device': (v) => v.attachment?.device,
    'attachment.delete-on-termination': (v) =>
      v.attachment ? String(v.attachment.deleteOnTermination) : undefined,
  },
  tags: (v) => v.tags,
};

/** A volume attached to an instance at launch (its root volume, or an extra mapping). */
export function attachAtLaunch(
  store: Ec2Store,
  instance: InstanceRecord,
  volume: VolumeRecord,
  device: string,
  deleteOnTermination: boolean,
): void {
  volume.state = 'in-use';
  volume.attachment = {
    instanceId: instance.id,
    device,
    state: 'attached',
    attachTime: instance.launchTime,
    deleteOnTermination,
  };
  instance.blockDevices.push({ deviceName: device, volumeId: volume.id, deleteOnTermination });
  store.volumes.set(volume.id, volume);
}

/** The instance is terminated: volumes marked DeleteOnTermination go, the others are detached. */
export function releaseVolumesOf(store: Ec2Store, instance: InstanceRecord): void {
  for (const device of instance.blockDevices) {
    const volume = store.volumes.get(device.volumeId);
    if (!volume) continue;
    if (device.deleteOnTermination) {
      store.volumes.delete(volume.id);
    } else {
      volume.attachment = undefined;
      volume.state = 'available';
      volume.transition = undefined;
    }
  }
  instance.blockDevices = [];
}

export function volumeHandlers(store: Ec2Store) {
  /** Attachment state follows the volume: attached once in-use, gone once available again. */
  const settled = (volume: VolumeRecord) => {
    const attachment = volume.attachment;
    if (!attachment) return;
    if (volume.state === 'in-use') attachment.state = 'attached';
    if (volume.state === 'available' && attachment.state === 'detaching') {
      const instance = store.instances.get(attachment.instanceId);
      if (instance) instance.blockDevices = instance.blockDevices.filter((d) => d.volumeId !== volume.id);
      volume.attachment = undefined;
    }
  };
  const moveTo = (volume: VolumeRecord, to: VolumeStateName, polls: number) => {
    startTransition(volume, to, polls);
    if (!volume.transition) settled(volume);
  };

  return {
    /**
     * `creating`, then `available` after volumeCreate polls. The same ClientToken with the same
     * parameters answers with the volume made the first time, even after it was deleted (then in
     * state `deleted`), as AWS keeps tokens for a while.
     */
    CreateVolume(input: CreateVolumeCommandInput): Result<CreateVolumeCommandOutput> {
      const earlier = store.clientTokens.recall('CreateVolume', input, () =>
        ec2Error(
          'IdempotentParameterMismatch',
          `Client token ${input.ClientToken} was used with other parameters`,
        ),
      );
      if (earlier) {
        const live = store.volumes.get(earlier);
        if (live) return describeVolume(live);
        const gone = store.deletedVolumes.get(earlier);
        if (gone) return { ...describeVolume(gone), State: 'deleted', Attachments: [] };
      }
      const zone = input.AvailabilityZone;
      if (!zone)
        throw ec2Error('MissingParameter', 'The request must contain the parameter availabilityZone');
      if (!store.env.availabilityZones.includes(zone)) {
        throw invalidParameterValue(`Invalid availability zone: [${zone}]`);
      }
      const snapshot = input.SnapshotId ? store.snapshot(input.SnapshotId) : undefined;
      if (snapshot && snapshot.state !== 'completed') {
        throw ec2Error('IncorrectState', `Snapshot '${snapshot.id}' is not 'completed'.`);
      }
      if (input.Size === undefined && !snapshot) {
        throw ec2Error('MissingParameter', 'The request must contain the parameter size or snapshotId');
      }
      const shape = checkVolumeShape(
        store,
        {
          sizeGb: input.Size ?? snapshot?.volumeSizeGb,
          volumeType: input.VolumeType,
          iops: input.Iops,
          throughput: input.Throughput,
          // A volume made from an encrypted snapshot is encrypted too.
          encrypted: input.Encrypted ?? snapshot?.encrypted,
          kmsKeyId: input.KmsKeyId,
        },
        snapshot?.volumeSizeGb,
      );
      const volume: VolumeRecord = {
        id: store.env.ids.next('vol'),
        availabilityZone: zone,
        ...shape,
        snapshotId: snapshot?.id,
        state: 'creating',
        createTime: new Date(),
        tags: tagsFromSpecifications(input.TagSpecifications, 'volume'),
      };
      store.volumes.set(volume.id, volume);
      moveTo(volume, 'available', store.env.latency.volumeCreate);
      store.clientTokens.remember('CreateVolume', input, volume.id);
      return describeVolume(volume);
    },

    DescribeVolumes(input: DescribeVolumesCommandInput): Result<DescribeVolumesCommandOutput> {
      const volumes = select({
        byIds: { ids: input.VolumeIds, lookup: (id) => store.volume(id) },
        all: () => store.volumes.values(),
        filters: input.Filters,
        spec: volumeFilters,
        settle: {
          names: ['status', 'attachment.status'],
          poll: (volume) => {
            if (poll(volume)) settled(volume);
          },
        },
      });
      const { page: shown, nextToken } = page(volumes, input);
      return { Volumes: shown.map(describeVolume), NextToken: nextToken };
    },

    /** `attaching` until the volume is `in-use` (volumeAttach polls); both must be in one AZ. */
    AttachVolume(input: AttachVolumeCommandInput): Result<AttachVolumeCommandOutput> {
      const volume = store.volume(input.VolumeId);
      const instance = store.instance(input.InstanceId);
      const device = input.Device;
      if (!device) throw ec2Error('MissingParameter', 'The request must contain the parameter device');
      if (instance.state !== 'running' && instance.state !== 'stopped') {
        throw ec2Error('IncorrectInstanceState', `Instance '${instance.id}' is not 'running'.`);
      }
      if (volume.availabilityZone !== instance.availabilityZone) {
        throw ec2Error(
          'InvalidVolume.ZoneMismatch',
          `The volume '${volume.id}' is not in the same availability zone as instance '${instance.id}'`,
        );
      }
      if (volume.attachment) throw ec2Error('VolumeInUse', `${volume.id} is already attached to an instance`);
      if (volume.state !== 'available') throw ec2Error('IncorrectState', `${volume.id} is not 'available'.`);
      if (instance.blockDevices.some((d) => d.deviceName === device)) {
        throw invalidParameterValue(
          `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`,
        );
      }
      const attachTime = new Date();
      volume.attachment = {
        instanceId: instance.id,
        device,
        state: 'attaching',
        attachTime,
        deleteOnTermination: false,
      };
      instance.blockDevices.push({ deviceName: device, volumeId: volume.id, deleteOnTermination: false });
      moveTo(volume, 'in-use', store.env.latency.volumeAttach);
      return attachmentOutput(volume);
    },

    /** `detaching` until the volume is `available` again (volumeAttach polls). */
    DetachVolume(input: DetachVolumeCommandInput): Result<DetachVolumeCommandOutput> {
      const volume = store.volume(input.VolumeId);
      const attachment = volume.attachment;
      if (!attachment) throw ec2Error('IncorrectState', `Volume '${volume.id}' is in the 'available' state.`);
      if (input.InstanceId !== undefined && input.InstanceId !== attachment.instanceId) {
        throw ec2Error(
          'InvalidAttachment.NotFound',
          `The volume '${volume.id}' is not attached to instance '${input.InstanceId}'`,
        );
      }
      const instance = store.instances.get(attachment.instanceId);
      if (instance && attachment.device === instance.rootDeviceName && instance.state !== 'stopped') {
        throw ec2Error(
          'OperationNotPermitted',
          `The root volume ${volume.id} of instance ${instance.id} can only be detached while the instance is stopped.`,
        );
      }
      if (attachment.state !== 'detaching') {
        attachment.state = 'detaching';
        moveTo(volume, 'available', store.env.latency.volumeAttach);
      }
      return attachmentOutput(volume, attachment);
    },

    /** Refused while attached (VolumeInUse); gone at once otherwise. */
    DeleteVolume(input: DeleteVolumeCommandInput): Result<DeleteVolumeCommandOutput> {
      const volume = store.volume(input.VolumeId);
      if (volume.attachment) {
        throw ec2Error(
          'VolumeInUse',
          `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`,
        );
      }
      store.volumes.delete(volume.id);
      store.deletedVolumes.set(volume.id, volume);
      return {};
    },
  };
}

function attachmentOutput(
  volume: VolumeRecord,
  attachment = volume.attachment,
): Result<AttachVolumeCommandOutput> & VolumeAttachment {
  return {
    VolumeId: volume.id,
    InstanceId: attachment?.instanceId,
    Device: attachment?.device,
    State: attachment?.state,
    AttachTime: attachment?.attachTime,
    DeleteOnTermination: attachment?.deleteOnTermination,
  };
}
