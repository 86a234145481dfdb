/**
 * Auto Scaling groups: Create, Describe (each call is a poll that moves the group along, see
 * simulation.ts), Update, Delete (ForceDelete terminates the instances; the group is gone once they
 * are), and the group tags (CreateOrUpdateTags, DeleteTags, DescribeTags). Only launch-template
 * groups in VPC subnets are modelled.
 */
import type {
  AutoScalingGroup,
  CreateAutoScalingGroupCommandInput,
  CreateAutoScalingGroupCommandOutput,
  CreateOrUpdateTagsCommandInput,
  CreateOrUpdateTagsCommandOutput,
  DeleteAutoScalingGroupCommandInput,
  DeleteAutoScalingGroupCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  LaunchTemplateSpecification,
  Tag,
  UpdateAutoScalingGroupCommandInput,
  UpdateAutoScalingGroupCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import { matchesFilters, validateFilters, type FilterSpec } from '../../core/filters.js';
import { paginate } from '../../core/pagination.js';
import type { Result } from '../../core/service.js';
import { MAX_TAGS_PER_RESOURCE, tagProblem } from '../../core/tags.js';
import { findTemplate, resolveVersion } from '../ec2/launch-templates.js';
import { reconcileCapacity, terminate } from './capacity.js';
import { autoScalingError, validationError } from './errors.js';
import type { AutoScalingGroupRecord, GroupTagRecord } from './records.js';
import { tick } from './simulation.js';
import type { AutoScalingStore } from './store.js';

const HEALTH_CHECK_TYPES = ['EC2', 'ELB', 'VPC_LATTICE', 'EBS'];
const TERMINATION_POLICIES = [
  'Default',
  'AllocationStrategy',
  'OldestLaunchTemplate',
  'OldestLaunchConfiguration',
  'ClosestToNextInstanceHour',
  'NewestInstance',
  'OldestInstance',
];
const CREATE_FIELDS = new Set([
  'AutoScalingGroupName',
  'LaunchTemplate',
  'MinSize',
  'MaxSize',
  'DesiredCapacity',
  'DefaultCooldown',
  'LoadBalancerNames',
  'HealthCheckType',
  'HealthCheckGracePeriod',
  'VPCZoneIdentifier',
  'TerminationPolicies',
  'Tags',
]);
const UPDATE_FIELDS = new Set([
  'AutoScalingGroupName',
  'LaunchTemplate',
  'MinSize',
  'MaxSize',
  'DesiredCapacity',
  'DefaultCooldown',
  'HealthCheckType',
  'HealthCheckGracePeriod',
  'VPCZoneIdentifier',
  'TerminationPolicies',
]);

function refuseUnmodelled(command: string, input: object, modelled: ReadonlySet<string>): void {
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined && !modelled.has(field)) {
      throw validationError(`fake-aws does not model ${command}.${field}; add it to autoscaling/groups.ts`);
    }
  }
}

function checkSizes(min: number, max: number, desired: number): void {
  if (min > max)
    throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validationError(
      `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
    );
  }
}

/** The template the group names, with its version as given (`$Default` when left out). */
function launchTemplateOf(store: AutoScalingStore, spec: LaunchTemplateSpecification | undefined) {
  if (!spec)
    throw validationError(
      'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.',
    );
  if (!spec.LaunchTemplateId === !spec.LaunchTemplateName) {
    throw validationError('Valid requests must contain either launchTemplateId or LaunchTemplateName');
  }
  const label = spec.LaunchTemplateId
    ? `template ID ${spec.LaunchTemplateId}`
    : `template name ${spec.LaunchTemplateName}`;
  let template;
  try {
    template = findTemplate(store.ec2, spec);
  } catch {
    throw validationError(
      `You must use a valid fully-formed launch template. The specified launch template, with ${label}, does not exist.`,
    );
  }
  const version = spec.Version ?? '$Default';
  try {
    resolveVersion(template, version);
  } catch {
    throw validationError(
      `You must use a valid fully-formed launch template. The specified launch template version ${version} does not exist.`,
    );
  }
  return { id: template.id, name: template.name, version };
}

function subnetsOf(store: AutoScalingStore, vpcZoneIdentifier: string | undefined): string[] {
  const ids = (vpcZoneIdentifier ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0) throw validationError('At least one Availability Zone or VPC Subnet is required.');
  for (const id of ids) {
    if (!store.ec2.subnets.has(id)) throw validationError(`The subnet ID '${id}' does not exist`);
  }
  return ids;
}

function checkChoice(value: string | undefined, allowed: readonly string[], field: string): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw validationError(
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must be one of ${allowed.join(', ')}`,
    );
  }
}

function groupTags(name: string, tags: readonly Tag[] | undefined): GroupTagRecord[] {
  const records: GroupTagRecord[] = [];
  for (const tag of tags ?? []) {
    if (tag.ResourceId !== undefined && tag.ResourceId !== name) {
      throw validationError(`Tag ResourceId ${tag.ResourceId} does not name the group ${name}`);
    }
    records.push({
      key: tag.Key ?? '',
      value: tag.Value ?? '',
      propagateAtLaunch: tag.PropagateAtLaunch ?? false,
    });
  }
  checkTags(records);
  return records;
}

function checkTags(tags: readonly GroupTagRecord[]): void {
  const problem = tagProblem(Object.fromEntries(tags.map((t) => [t.key, t.value])));
  if (problem) throw validationError(problem);
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    throw validationError(`The number of tags exceeds the limit of ${MAX_TAGS_PER_RESOURCE}`);
  }
}

export function describeGroup(store: AutoScalingStore, group: AutoScalingGroupRecord): AutoScalingGroup {
  const zones = [...new Set(group.subnetIds.map((id) => store.ec2.subnets.get(id)?.availabilityZone ?? ''))];
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchTemplate: {
      LaunchTemplateId: group.launchTemplate.id,
      LaunchTemplateName: group.launchTemplate.name,
      Version: group.launchTemplate.version,
    },
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldown,
    AvailabilityZones: zones,
    LoadBalancerNames: [...group.loadBalancerNames],
    TargetGroupARNs: [],
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: group.healthCheckGracePeriod,
    Instances: group.instances.map((i) => ({
      InstanceId: i.instanceId,
      InstanceType: store.ec2.instances.get(i.instanceId)?.instanceType,
      AvailabilityZone: i.availabilityZone,
      LifecycleState: i.lifecycleState,
      HealthStatus: i.healthStatus,
      LaunchTemplate: {
        LaunchTemplateId: group.launchTemplate.id,
        LaunchTemplateName: group.launchTemplate.name,
        Version: i.launchTemplateVersion,
      },
      ProtectedFromScaleIn: false,
    })),
    CreatedTime: group.createdTime,
    VPCZoneIdentifier: group.subnetIds.join(','),
    TerminationPolicies: [...group.terminationPolicies],
    Tags: group.tags.map((t) => tagDescription(group, t)),
    Status: group.deleting ? 'Delete in progress' : undefined,
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${store.env.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  };
}

function tagDescription(group: AutoScalingGroupRecord, tag: GroupTagRecord) {
  return {
    ResourceId: group.name,
    ResourceType: 'auto-scaling-group',
    Key: tag.key,
    Value: tag.value,
    PropagateAtLaunch: tag.propagateAtLaunch,
  };
}

const groupFilters: FilterSpec<AutoScalingGroupRecord> = {
  fields: {},
  tags: (g) => Object.fromEntries(g.tags.map((t) => [t.key, t.value])),
};

type TagEntry = { group: AutoScalingGroupRecord; tag: GroupTagRecord };
const tagFilters: FilterSpec<TagEntry> = {
  fields: {
    'auto-scaling-group': (e) => e.group.name,
    key: (e) => e.tag.key,
    value: (e) => e.tag.value,
    'propagate-at-launch': (e) => String(e.tag.propagateAtLaunch),
  },
};

function page<T>(
  items: readonly T[],
  input: { MaxRecords?: number | undefined; NextToken?: string | undefined },
) {
  return paginate(items, input.MaxRecords, input.NextToken, (token) =>
    autoScalingError('InvalidNextToken', `The token '${token}' is invalid.`),
  );
}

export function groupHandlers(store: AutoScalingStore) {
  return {
    /** Launches the desired capacity at once (the instances are Pending). */
    CreateAutoScalingGroup(
      input: CreateAutoScalingGroupCommandInput,
    ): Result<CreateAutoScalingGroupCommandOutput> {
      refuseUnmodelled('CreateAutoScalingGroup', input, CREATE_FIELDS);
      const name = input.AutoScalingGroupName ?? '';
      if (name.length < 1 || name.length > 255) {
        throw validationError('AutoScalingGroupName must be 1 to 255 characters long');
      }
      if (store.groups.has(name)) {
        throw autoScalingError(
          'AlreadyExists',
          `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
        );
      }
      const launchTemplate = launchTemplateOf(store, input.LaunchTemplate);
      const min = input.MinSize ?? 0;
      const max = input.MaxSize ?? 0;
      const desired = input.DesiredCapacity ?? min;
      checkSizes(min, max, desired);
      const subnetIds = subnetsOf(store, input.VPCZoneIdentifier);
      checkChoice(input.HealthCheckType, HEALTH_CHECK_TYPES, 'healthCheckType');
      for (const policy of input.TerminationPolicies ?? [])
        checkChoice(policy, TERMINATION_POLICIES, 'terminationPolicies');
      for (const lb of input.LoadBalancerNames ?? []) {
        if (store.loadBalancerExists && !store.loadBalancerExists(lb)) {
          throw validationError(
            'Provided Load Balancers may not be valid. Please ensure they exist and try again.',
          );
        }
      }
      const group: AutoScalingGroupRecord = {
        name,
        arn: store.groupArn(name),
        launchTemplate,
        minSize: min,
        maxSize: max,
        desiredCapacity: desired,
        defaultCooldown: input.DefaultCooldown ?? 300,
        healthCheckType: input.HealthCheckType ?? 'EC2',
        healthCheckGracePeriod: input.HealthCheckGracePeriod ?? 0,
        subnetIds,
        loadBalancerNames: [...(input.LoadBalancerNames ?? [])],
        terminationPolicies: [...(input.TerminationPolicies ?? ['Default'])],
        tags: groupTags(name, input.Tags),
        instances: [],
        deleting: false,
        createdTime: new Date(),
      };
      store.groups.set(name, group);
      reconcileCapacity(store, group);
      return {};
    },

    /** A poll: every selected group moves along (instances, refresh, capacity, a delete in progress). */
    DescribeAutoScalingGroups(
      input: DescribeAutoScalingGroupsCommandInput,
    ): Result<DescribeAutoScalingGroupsCommandOutput> {
      validateFilters(input.Filters, groupFilters, validationError);
      const names = input.AutoScalingGroupNames ?? [];
      const selected = [...store.groups.values()].filter(
        (g) =>
          (names.length === 0 || names.includes(g.name)) && matchesFilters(g, input.Filters, groupFilters),
      );
      const live = selected.filter((group) => tick(store, group));
      const { page: shown, nextToken } = page(live, input);
      return { AutoScalingGroups: shown.map((g) => describeGroup(store, g)), NextToken: nextToken };
    },

    /**
     * Changes what is given. A new MinSize above the desired capacity (or MaxSize below it) moves the
     * desired capacity with it, as AWS does; the group then launches or terminates to match.
     */
    UpdateAutoScalingGroup(
      input: UpdateAutoScalingGroupCommandInput,
    ): Result<UpdateAutoScalingGroupCommandOutput> {
      refuseUnmodelled('UpdateAutoScalingGroup', input, UPDATE_FIELDS);
      const group = store.group(input.AutoScalingGroupName);
      if (group.deleting) throw validationError(`AutoScalingGroup ${group.name} is pending delete.`);
      const min = input.MinSize ?? group.minSize;
      const max = input.MaxSize ?? group.maxSize;
      const desired = input.DesiredCapacity ?? Math.min(Math.max(group.desiredCapacity, min), max);
      checkSizes(min, max, desired);
      const launchTemplate = input.LaunchTemplate ? launchTemplateOf(store, input.LaunchTemplate) : undefined;
      const subnetIds =
        input.VPCZoneIdentifier !== undefined ? subnetsOf(store, input.VPCZoneIdentifier) : undefined;
      checkChoice(input.HealthCheckType, HEALTH_CHECK_TYPES, 'healthCheckType');
      for (const policy of input.TerminationPolicies ?? [])
        checkChoice(policy, TERMINATION_POLICIES, 'terminationPolicies');
      Object.assign(group, {
        minSize: min,
        maxSize: max,
        desiredCapacity: desired,
        ...(launchTemplate ? { launchTemplate } : {}),
        ...(subnetIds ? { subnetIds } : {}),
        ...(input.HealthCheckType !== undefined ? { healthCheckType: input.HealthCheckType } : {}),
        ...(input.HealthCheckGracePeriod !== undefined
          ? { healthCheckGracePeriod: input.HealthCheckGracePeriod }
          : {}),
        ...(input.DefaultCooldown !== undefined ? { defaultCooldown: input.DefaultCooldown } : {}),
        ...(input.TerminationPolicies !== undefined
          ? { terminationPolicies: [...input.TerminationPolicies] }
          : {}),
      });
      reconcileCapacity(store, group);
      return {};
    },

    /**
     * Without ForceDelete a group with instances is refused. With it, its instances are terminated,
     * its policies deleted and a running refresh cancelled; the group shows `Delete in progress` until
     * its last instance is terminated (a group without instances goes at once).
     */
    DeleteAutoScalingGroup(
      input: DeleteAutoScalingGroupCommandInput,
    ): Result<DeleteAutoScalingGroupCommandOutput> {
      const group = store.group(input.AutoScalingGroupName);
      if (group.deleting) return {};
      if (group.instances.length > 0 && !input.ForceDelete) {
        throw autoScalingError(
          'ResourceInUse',
          'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.',
        );
      }
      const refresh = store.activeRefresh(group.name);
      if (refresh)
        store.endInstanceRefresh(group.name, 'Cancelled', 'The Auto Scaling group is being deleted.');
      for (const [arn, policy] of store.policies)
        if (policy.groupName === group.name) store.policies.delete(arn);
      group.deleting = true;
      terminate(store, group, group.instances);
      if (group.instances.length === 0) store.groups.delete(group.name);
      return {};
    },

    CreateOrUpdateTags(input: CreateOrUpdateTagsCommandInput): Result<CreateOrUpdateTagsCommandOutput> {
      for (const tag of input.Tags ?? []) {
        const group = store.group(tag.ResourceId);
        const next = group.tags.filter((t) => t.key !== tag.Key);
        next.push({
          key: tag.Key ?? '',
          value: tag.Value ?? '',
          propagateAtLaunch: tag.PropagateAtLaunch ?? false,
        });
        checkTags(next);
        group.tags = next;
      }
      return {};
    },

    DeleteTags(input: DeleteTagsCommandInput): Result<DeleteTagsCommandOutput> {
      for (const tag of input.Tags ?? []) {
        const group = store.group(tag.ResourceId);
        group.tags = group.tags.filter((t) => t.key !== tag.Key);
      }
      return {};
    },

    DescribeTags(input: DescribeTagsCommandInput): Result<DescribeTagsCommandOutput> {
      validateFilters(input.Filters, tagFilters, validationError);
      const entries = [...store.groups.values()]
        .flatMap((group) => group.tags.map((tag) => ({ group, tag })))
        .filter((entry) => matchesFilters(entry, input.Filters, tagFilters));
      const { page: shown, nextToken } = page(entries, input);
      return { Tags: shown.map((e) => tagDescription(e.group, e.tag)), NextToken: nextToken };
    },
  };
}
