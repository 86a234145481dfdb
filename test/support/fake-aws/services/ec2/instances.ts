import type {
  BlockDeviceMapping,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  GetConsoleOutputCommandInput,
  GetConsoleOutputCommandOutput,
  Instance,
  InstanceStateChange,
  _InstanceType,
  Reservation,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  TagSpecification,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import { poll, startTransition } from '../../core/latency.js';
import type { Result } from '../../core/service.js';
import { toTagList, type TagMap } from '../../core/tags.js';
import { advanceBoot, startBoot } from './boot.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue, notFound } from './errors.js';
import type {
  ImageRecord,
  InstanceRecord,
  InstanceStateName,
  SubnetRecord,
  VolumeRecord,
} from './records.js';
import { isDefaultGroup } from './security-groups.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';
import { attachAtLaunch, checkVolumeShape, releaseVolumesOf } from './volumes.js';

const STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Raw user data (before base64) is limited to 16 KB. */
const USER_DATA_LIMIT_BYTES = 16384;
const TAGGABLE_AT_LAUNCH = ['instance', 'volume', 'network-interface'];

function privateDnsName(store: Ec2Store, ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}.${store.env.region}.compute.internal`;
}

function describeInstance(store: Ec2Store, instance: InstanceRecord): Instance {
  const live = instance.state !== 'terminated';
  return {
    InstanceId: instance.id,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType as _InstanceType,
    State: { Code: STATE_CODES[instance.state], Name: instance.state },
    StateTransitionReason: instance.stateTransitionReason,
    // A terminated instance has left its subnet.
    SubnetId: live ? instance.subnetId : undefined,
    VpcId: live ? instance.vpcId : undefined,
    Placement: { AvailabilityZone: instance.availabilityZone, Tenancy: 'default' },
    PrivateIpAddress: live ? instance.privateIp : undefined,
    PrivateDnsName: live ? privateDnsName(store, instance.privateIp) : '',
    SecurityGroups: live
      ? instance.securityGroupIds.map((id) => ({
          GroupId: id,
          GroupName: store.securityGroups.get(id)?.name,
        }))
      : [],
    IamInstanceProfile: instance.iamInstanceProfileArn
      ? { Arn: instance.iamInstanceProfileArn, Id: `AIPA${instance.id.slice(2, 19).toUpperCase()}` }
      : undefined,
    MetadataOptions: {
      State: 'applied',
      HttpTokens: instance.metadataOptions.httpTokens,
      HttpPutResponseHopLimit: instance.metadataOptions.httpPutResponseHopLimit,
      HttpEndpoint: instance.metadataOptions.httpEndpoint as 'enabled' | 'disabled',
    },
    RootDeviceName: instance.rootDeviceName,
    RootDeviceType: 'ebs',
    BlockDeviceMappings: instance.blockDevices.map((d) => ({
      DeviceName: d.deviceName,
      Ebs: {
        VolumeId: d.volumeId,
        Status: store.volumes.get(d.volumeId)?.attachment?.state ?? 'attached',
        AttachTime: store.volumes.get(d.volumeId)?.attachment?.attachTime,
        DeleteOnTermination: d.deleteOnTermination,
      },
    })),
    Architecture: store.images.get(instance.imageId)?.architecture ?? 'x86_64',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    EbsOptimized: true,
    KeyName: instance.keyName,
    ClientToken: instance.clientToken ?? '',
    LaunchTime: instance.launchTime,
    Tags: toTagList(instance.tags),
  };
}

function instanceFilters(store: Ec2Store): FilterSpec<InstanceRecord> {
  return {
    fields: {
      'instance-id': (i) => i.id,
      'instance-state-name': (i) => i.state,
      'instance-state-code': (i) => STATE_CODES[i.state],
      'instance-type': (i) => i.instanceType,
      'image-id': (i) => i.imageId,
      'subnet-id': (i) => (i.state === 'terminated' ? undefined : i.subnetId),
      'vpc-id': (i) => (i.state === 'terminated' ? undefined : i.vpcId),
      'availability-zone': (i) => i.availabilityZone,
      'private-ip-address': (i) => i.privateIp,
      'private-dns-name': (i) => privateDnsName(store, i.privateIp),
      'instance.group-id': (i) => i.securityGroupIds,
      'iam-instance-profile.arn': (i) => i.iamInstanceProfileArn,
      'client-token': (i) => i.clientToken,
      'reservation-id': (i) => i.reservationId,
      'metadata-options.http-tokens': (i) => i.metadataOptions.httpTokens,
    },
    tags: (i) => i.tags,
  };
}

/** Instances grouped into their reservations, in order. */
function reservations(store: Ec2Store, instances: readonly InstanceRecord[]): Reservation[] {
  const byId = new Map<string, Reservation>();
  for (const instance of instances) {
    let reservation = byId.get(instance.reservationId);
    if (!reservation) {
      reservation = {
        ReservationId: instance.reservationId,
        OwnerId: store.env.account,
        Groups: [],
        Instances: [],
      };
      byId.set(instance.reservationId, reservation);
    }
    reservation.Instances!.push(describeInstance(store, instance));
  }
  return [...byId.values()];
}

/** Tags per resource type from RunInstances' TagSpecifications (instance, volume, network-interface). */
function launchTags(specifications: readonly TagSpecification[] | undefined): Record<string, TagMap> {
  for (const specification of specifications ?? []) {
    if (!TAGGABLE_AT_LAUNCH.includes(specification.ResourceType ?? '')) {
      throw invalidParameterValue(
        `'${specification.ResourceType ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
  }
  return Object.fromEntries(
    TAGGABLE_AT_LAUNCH.map((type) => [
      type,
      tagsFromSpecifications(
        (specifications ?? []).filter((s) => s.ResourceType === type),
        type as 'instance',
      ),
    ]),
  );
}

/** Which image RunInstances may launch: it must exist, be visible to the account and be available. */
function launchableImage(store: Ec2Store, imageId: string | undefined): ImageRecord {
  const image = imageId ? store.images.get(imageId) : undefined;
  if (!image || (!image.isPublic && image.ownerId !== store.env.account)) throw notFound.image(imageId ?? '');
  if (image.state !== 'available') {
    throw ec2Error('InvalidAMIID.Unavailable', `AMI '${image.id}' is ${image.state}, and cannot be run`);
  }
  return image;
}

function checkUserData(userData: string | undefined): void {
  if (userData === undefined) return;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 !== 0) {
    throw invalidParameterValue('Invalid BASE64 encoding of user data.');
  }
  const bytes = Buffer.from(userData, 'base64').length;
  if (bytes > USER_DATA_LIMIT_BYTES) {
    throw invalidParameterValue(`User data is limited to ${USER_DATA_LIMIT_BYTES} bytes (got ${bytes}).`);
  }
}

function launchGroups(store: Ec2Store, subnet: SubnetRecord, ids: readonly string[] | undefined): string[] {
  if (!ids?.length) {
    const fallback = [...store.securityGroups.values()].find(
      (g) => g.vpcId === subnet.vpcId && isDefaultGroup(g),
    );
    return fallback ? [fallback.id] : [];
  }
  return ids.map((id) => {
    const group = store.securityGroup(id);
    if (group.vpcId !== subnet.vpcId) {
      throw ec2Error(
        'InvalidParameter',
        `Security group ${group.id} and subnet ${subnet.id} belong to different networks.`,
      );
    }
    return group.id;
  });
}

/** The instance profile's ARN, after the (optional) IAM propagation check. */
function launchProfile(store: Ec2Store, input: RunInstancesCommandInput): string | undefined {
  const profile = input.IamInstanceProfile;
  const nameOrArn = profile?.Arn ?? profile?.Name;
  if (!nameOrArn) return undefined;
  if (store.isInstanceProfileUsable && !store.isInstanceProfileUsable(nameOrArn)) {
    // What EC2 answers while a new profile has not reached it yet (IAM is eventually consistent).
    throw invalidParameterValue(
      `Value (${nameOrArn}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
    );
  }
  return profile?.Arn ?? `arn:aws:iam::${store.env.account}:instance-profile/${profile?.Name}`;
}

/** The volumes RunInstances makes: the image's root volume (shaped by its mapping) and extra EBS mappings. */
function launchVolumes(
  store: Ec2Store,
  image: ImageRecord,
  zone: string,
  mappings: readonly BlockDeviceMapping[] | undefined,
  tags: TagMap,
): { device: string; volume: VolumeRecord; deleteOnTermination: boolean }[] {
  const all = mappings ?? [];
  const root = all.find((m) => m.DeviceName === image.rootDeviceName);
  const extra = all.filter((m) => m !== root && m.Ebs);
  const make = (mapping: BlockDeviceMapping | undefined, minimumGb: number, device: string) => {
    const ebs = mapping?.Ebs;
    const shape = checkVolumeShape(
      store,
      {
        sizeGb: ebs?.VolumeSize ?? (minimumGb > 1 ? minimumGb : undefined),
        volumeType: ebs?.VolumeType ?? 'gp3',
        iops: ebs?.Iops,
        throughput: ebs?.Throughput,
        encrypted: ebs?.Encrypted,
        kmsKeyId: ebs?.KmsKeyId,
      },
      minimumGb,
    );
    const volume: VolumeRecord = {
      id: store.env.ids.next('vol'),
      availabilityZone: zone,
      ...shape,
      state: 'in-use',
      createTime: new Date(),
      tags: { ...tags },
    };
    return { device, volume, deleteOnTermination: ebs?.DeleteOnTermination ?? true };
  };
  return [
    make(root, image.rootVolumeSizeGb, image.rootDeviceName),
    ...extra.map((m) => make(m, 1, m.DeviceName ?? '')),
  ];
}

export function instanceHandlers(store: Ec2Store) {
  /** What happens when an instance settles in a state. */
  const settled = (instance: InstanceRecord) => {
    if (instance.state === 'running') startBoot(store, instance);
    if (instance.state === 'terminated') {
      releaseVolumesOf(store, instance);
      store.removeNetworkInterface(instance.networkInterfaceId);
    }
  };
  const moveTo = (instance: InstanceRecord, to: InstanceStateName, polls: number) => {
    startTransition(instance, to, polls);
    if (!instance.transition) settled(instance);
  };
  const change = (instance: InstanceRecord, apply: () => void): InstanceStateChange => {
    const previous = instance.state;
    apply();
    return {
      InstanceId: instance.id,
      PreviousState: { Code: STATE_CODES[previous], Name: previous },
      CurrentState: { Code: STATE_CODES[instance.state], Name: instance.state },
    };
  };
  const incorrectState = (instance: InstanceRecord, action: string) =>
    ec2Error(
      'IncorrectInstanceState',
      `The instance '${instance.id}' is not in a state from which it can be ${action}.`,
    );

  return {
    /**
     * One instance per call, `pending` then `running` after instanceRun polls. The same ClientToken
     * with the same parameters answers with the first reservation, even after its instance was
     * terminated (AWS keeps RunInstances tokens long after termination).
     */
    RunInstances(input: RunInstancesCommandInput): Result<RunInstancesCommandOutput> {
      const earlier = store.clientTokens.recall('RunInstances', input, () =>
        ec2Error(
          'IdempotentParameterMismatch',
          `Client token ${input.ClientToken} was used with other parameters`,
        ),
      );
      if (earlier) return reservations(store, [store.instance(earlier)])[0]!;

      if (input.MinCount === undefined || input.MaxCount === undefined) {
        throw ec2Error('MissingParameter', 'The request must contain the parameters MinCount and MaxCount');
      }
      if (input.MinCount !== 1 || input.MaxCount !== 1) {
        throw invalidParameterValue(
          'fake-aws models one instance per RunInstances call (MinCount = MaxCount = 1)',
        );
      }
      const image = launchableImage(store, input.ImageId);
      const instanceType = input.InstanceType ?? 'm1.small';
      if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
        throw invalidParameterValue(`Invalid value '${instanceType}' for InstanceType.`);
      }
      if (!input.SubnetId) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user.');
      const subnet = store.subnet(input.SubnetId);
      const securityGroupIds = launchGroups(store, subnet, input.SecurityGroupIds);
      const iamInstanceProfileArn = launchProfile(store, input);
      checkUserData(input.UserData);
      const hopLimit = input.MetadataOptions?.HttpPutResponseHopLimit ?? 1;
      if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) {
        throw invalidParameterValue(`Value (${hopLimit}) for parameter httpPutResponseHopLimit is invalid.`);
      }
      const tags = launchTags(input.TagSpecifications);
      const volumes = launchVolumes(
        store,
        image,
        subnet.availabilityZone,
        input.BlockDeviceMappings,
        tags.volume!,
      );

      const id = store.env.ids.next('i');
      const eni = store.addNetworkInterface({
        subnetId: subnet.id,
        groupIds: securityGroupIds,
        description: '',
        tags: tags['network-interface'],
      });
      const instance: InstanceRecord = {
        id,
        reservationId: store.env.ids.next('r'),
        imageId: image.id,
        instanceType,
        subnetId: subnet.id,
        vpcId: subnet.vpcId,
        availabilityZone: subnet.availabilityZone,
        privateIp: eni.privateIp,
        networkInterfaceId: eni.id,
        securityGroupIds,
        iamInstanceProfileArn,
        metadataOptions: {
          httpTokens: input.MetadataOptions?.HttpTokens ?? 'optional',
          httpPutResponseHopLimit: hopLimit,
          httpEndpoint: input.MetadataOptions?.HttpEndpoint ?? 'enabled',
        },
        userData: input.UserData,
        keyName: input.KeyName,
        clientToken: input.ClientToken,
        rootDeviceName: image.rootDeviceName,
        blockDevices: [],
        state: 'pending',
        launchTime: new Date(),
        stateTransitionReason: '',
        booted: false,
        tags: tags.instance!,
      };
      store.instances.set(id, instance);
      for (const { device, volume, deleteOnTermination } of volumes) {
        attachAtLaunch(store, instance, volume, device, deleteOnTermination);
      }
      moveTo(instance, 'running', store.env.latency.instanceRun);
      store.clientTokens.remember('RunInstances', input, id);
      return reservations(store, [instance])[0]!;
    },

    /** Each poll moves selected instances along, and running ones through their first boot. */
    DescribeInstances(input: DescribeInstancesCommandInput): Result<DescribeInstancesCommandOutput> {
      const instances = select({
        byIds: { ids: input.InstanceIds, lookup: (id) => store.instance(id) },
        all: () => store.instances.values(),
        filters: input.Filters,
        spec: instanceFilters(store),
        settle: {
          names: ['instance-state-name', 'instance-state-code'],
          poll: (instance) => {
            const wasRunning = instance.state === 'running' && !instance.transition;
            if (poll(instance)) settled(instance);
            else if (wasRunning) advanceBoot(store, instance);
          },
        },
      });
      const { page: shown, nextToken } = page(instances, input);
      return { Reservations: reservations(store, shown), NextToken: nextToken };
    },

    /** `stopping`, then `stopped` after instanceStop polls. */
    StopInstances(input: StopInstancesCommandInput): Result<StopInstancesCommandOutput> {
      const instances = (input.InstanceIds ?? []).map((id) => store.instance(id));
      for (const instance of instances) {
        if (!['running', 'stopping', 'stopped'].includes(instance.state))
          throw incorrectState(instance, 'stopped');
      }
      return {
        StoppingInstances: instances.map((instance) =>
          change(instance, () => {
            if (instance.state !== 'running') return;
            instance.state = 'stopping';
            instance.stateTransitionReason = `User initiated (${new Date().toISOString()})`;
            moveTo(instance, 'stopped', store.env.latency.instanceStop);
          }),
        ),
      };
    },

    /** `pending`, then `running` after instanceRun polls (no second first boot). */
    StartInstances(input: StartInstancesCommandInput): Result<StartInstancesCommandOutput> {
      const instances = (input.InstanceIds ?? []).map((id) => store.instance(id));
      for (const instance of instances) {
        if (!['pending', 'running', 'stopped'].includes(instance.state))
          throw incorrectState(instance, 'started');
      }
      return {
        StartingInstances: instances.map((instance) =>
          change(instance, () => {
            if (instance.state !== 'stopped') return;
            instance.state = 'pending';
            moveTo(instance, 'running', store.env.latency.instanceRun);
          }),
        ),
      };
    },

    /**
     * `shutting-down`, then `terminated` after instanceTerminate polls: its root volume is deleted,
     * other volumes are detached, its network interface is released. It stays visible, terminated.
     */
    TerminateInstances(input: TerminateInstancesCommandInput): Result<TerminateInstancesCommandOutput> {
      const instances = (input.InstanceIds ?? []).map((id) => store.instance(id));
      return {
        TerminatingInstances: instances.map((instance) =>
          change(instance, () => {
            if (instance.state === 'terminated' || instance.state === 'shutting-down') return;
            instance.state = 'shutting-down';
            instance.stateTransitionReason = `User initiated (${new Date().toISOString()})`;
            moveTo(instance, 'terminated', store.env.latency.instanceTerminate);
          }),
        ),
      };
    },

    /** Base64 console output, as set by the boot simulation or `store.setConsoleOutput`. */
    GetConsoleOutput(input: GetConsoleOutputCommandInput): Result<GetConsoleOutputCommandOutput> {
      const instance = store.instance(input.InstanceId);
      return { InstanceId: instance.id, Output: instance.consoleOutput, Timestamp: new Date() };
    },
  };
}
