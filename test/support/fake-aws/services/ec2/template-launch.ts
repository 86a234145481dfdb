/**
 * Launching EC2 instances on another service's behalf: Auto Scaling launches its instances from a
 * launch template version, polls them along, and terminates them. It goes through the same RunInstances
 * and TerminateInstances code as the tool's own calls (validation, ENIs, volumes, profile propagation),
 * but without a call of its own in the call log, as AWS's internal launches do not show up there either.
 */
import type {
  BlockDeviceMapping,
  RequestLaunchTemplateData,
  RunInstancesCommandInput,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import { toTagList, toTagMap, type TagMap } from '../../core/tags.js';
import { resolveVersion } from './launch-templates.js';
import type { InstanceRecord } from './records.js';
import type { Ec2Store } from './store.js';

/** The instance calls other services make, wired by createEc2Service to the instance handlers. */
export interface InstanceOps {
  /** RunInstances (one instance); returns its id. Throws EC2's errors, as the handler does. */
  run(input: RunInstancesCommandInput): string;
  /** One DescribeInstances poll of the instance: moves it along (pending -> running...). */
  poll(id: string): void;
  terminate(id: string): void;
}

interface InstanceHandlerSubset {
  RunInstances(input: RunInstancesCommandInput): {
    Instances?: { InstanceId?: string | undefined }[] | undefined;
  };
  DescribeInstances(input: { InstanceIds: string[] }): object;
  TerminateInstances(input: { InstanceIds: string[] }): object;
}

export function instanceOpsOf(handlers: InstanceHandlerSubset): InstanceOps {
  return {
    run: (input) => handlers.RunInstances(input).Instances?.[0]?.InstanceId ?? '',
    poll: (id) => void handlers.DescribeInstances({ InstanceIds: [id] }),
    terminate: (id) => void handlers.TerminateInstances({ InstanceIds: [id] }),
  };
}

export interface TemplateLaunch {
  launchTemplateId: string;
  /** A version number, `$Latest` or `$Default`. */
  version: string;
  subnetId: string;
  /** Tags laid over the template's instance tags (an Auto Scaling group's propagated tags win). */
  instanceTags: TagMap;
  /** Tags only AWS may set (`aws:autoscaling:groupName`), added once the instance exists. */
  systemTags?: TagMap;
}

function blockDeviceMappings(data: RequestLaunchTemplateData): BlockDeviceMapping[] | undefined {
  return data.BlockDeviceMappings?.map((m) => ({
    DeviceName: m.DeviceName,
    ...(m.NoDevice !== undefined ? { NoDevice: m.NoDevice } : {}),
    ...(m.Ebs
      ? {
          Ebs: {
            DeleteOnTermination: m.Ebs.DeleteOnTermination,
            Encrypted: m.Ebs.Encrypted,
            Iops: m.Ebs.Iops,
            KmsKeyId: m.Ebs.KmsKeyId,
            SnapshotId: m.Ebs.SnapshotId,
            VolumeSize: m.Ebs.VolumeSize,
            VolumeType: m.Ebs.VolumeType,
            Throughput: m.Ebs.Throughput,
          },
        }
      : {}),
  }));
}

function tagSpecifications(data: RequestLaunchTemplateData, instanceTags: TagMap): TagSpecification[] {
  const ofType = (type: string) =>
    toTagMap(
      (data.TagSpecifications ?? []).filter((s) => s.ResourceType === type).flatMap((s) => s.Tags ?? []),
    );
  const specifications: TagSpecification[] = [
    { ResourceType: 'instance', Tags: toTagList({ ...ofType('instance'), ...instanceTags }) },
  ];
  for (const type of ['volume', 'network-interface'] as const) {
    const tags = ofType(type);
    if (Object.keys(tags).length > 0) specifications.push({ ResourceType: type, Tags: toTagList(tags) });
  }
  return specifications;
}

/** The RunInstances request a launch template version makes in one subnet. */
export function runInstancesInputOf(
  data: RequestLaunchTemplateData,
  request: TemplateLaunch,
): RunInstancesCommandInput {
  return {
    MinCount: 1,
    MaxCount: 1,
    SubnetId: request.subnetId,
    ImageId: data.ImageId,
    InstanceType: data.InstanceType,
    KeyName: data.KeyName,
    UserData: data.UserData,
    SecurityGroupIds: data.SecurityGroupIds,
    IamInstanceProfile: data.IamInstanceProfile,
    EbsOptimized: data.EbsOptimized,
    Monitoring: data.Monitoring ? { Enabled: data.Monitoring.Enabled ?? false } : undefined,
    MetadataOptions: data.MetadataOptions
      ? {
          HttpTokens: data.MetadataOptions.HttpTokens,
          HttpPutResponseHopLimit: data.MetadataOptions.HttpPutResponseHopLimit,
          HttpEndpoint: data.MetadataOptions.HttpEndpoint,
        }
      : undefined,
    BlockDeviceMappings: blockDeviceMappings(data),
    TagSpecifications: tagSpecifications(data, request.instanceTags),
  };
}

/**
 * Launches one instance from a launch template version; returns it and the version number used.
 * Throws what RunInstances would (a missing AMI, a profile EC2 cannot see yet...).
 */
export function launchFromTemplate(
  store: Ec2Store,
  request: TemplateLaunch,
): { instance: InstanceRecord; version: number } {
  const ops = store.instanceOps;
  if (!ops) throw new Error('fake-aws: Ec2Store.instanceOps is not wired (createEc2Service does it)');
  const template = store.launchTemplate(request.launchTemplateId);
  const version = resolveVersion(template, request.version);
  const instance = store.instance(ops.run(runInstancesInputOf(version.data, request)));
  // A node launched by Auto Scaling does not signal a bootstrap: the load balancer's health check is its signal.
  instance.booted = true;
  Object.assign(instance.tags, request.systemTags);
  return { instance, version: version.number };
}
