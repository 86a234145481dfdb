/**
 * Simple scaling policies: PutScalingPolicy (create or update by group and name; the ARN stays),
 * DescribePolicies and DeletePolicy. A policy goes with its group. `executePolicy` is what a
 * CloudWatch alarm action does (FakeAws wires the CloudWatch fake's alarm actions to it).
 */
import type {
  DeletePolicyCommandInput,
  DeletePolicyCommandOutput,
  DescribePoliciesCommandInput,
  DescribePoliciesCommandOutput,
  PutScalingPolicyCommandInput,
  PutScalingPolicyCommandOutput,
  ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { paginate } from '../../core/pagination.js';
import type { Result } from '../../core/service.js';
import { reconcileCapacity } from './capacity.js';
import { autoScalingError, validationError } from './errors.js';
import type { ScalingPolicyRecord } from './records.js';
import type { AutoScalingStore } from './store.js';

const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'] as const;
type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];

function isAdjustmentType(value: string | undefined): value is AdjustmentType {
  return (ADJUSTMENT_TYPES as readonly string[]).includes(value ?? '');
}

function describePolicy(policy: ScalingPolicyRecord): ScalingPolicy {
  return {
    AutoScalingGroupName: policy.groupName,
    PolicyName: policy.name,
    PolicyARN: policy.arn,
    PolicyType: policy.policyType,
    AdjustmentType: policy.adjustmentType,
    ScalingAdjustment: policy.scalingAdjustment,
    Cooldown: policy.cooldown,
    MinAdjustmentMagnitude: policy.minAdjustmentMagnitude,
    StepAdjustments: [],
    Alarms: [],
    Enabled: true,
  };
}

/** The desired capacity a policy asks for, within the group's bounds. */
function adjusted(policy: ScalingPolicyRecord, desired: number, min: number, max: number): number {
  let next: number;
  if (policy.adjustmentType === 'ExactCapacity') next = policy.scalingAdjustment;
  else if (policy.adjustmentType === 'ChangeInCapacity') next = desired + policy.scalingAdjustment;
  else {
    const change = Math.trunc((desired * policy.scalingAdjustment) / 100);
    const magnitude = Math.max(Math.abs(change), policy.minAdjustmentMagnitude ?? 0);
    next = desired + Math.sign(policy.scalingAdjustment) * magnitude;
  }
  return Math.min(Math.max(next, min), max);
}

export function policyHandlers(store: AutoScalingStore) {
  const policyOf = (groupName: string | undefined, nameOrArn: string | undefined) =>
    [...store.policies.values()].find(
      (p) => p.arn === nameOrArn || (p.groupName === groupName && p.name === nameOrArn),
    );

  return {
    PutScalingPolicy(input: PutScalingPolicyCommandInput): Result<PutScalingPolicyCommandOutput> {
      const group = store.group(input.AutoScalingGroupName);
      const policyType = input.PolicyType ?? 'SimpleScaling';
      if (policyType !== 'SimpleScaling') {
        throw validationError(`fake-aws models only SimpleScaling policies (got ${policyType})`);
      }
      if (!isAdjustmentType(input.AdjustmentType)) {
        throw validationError(
          `Invalid adjustment type ${input.AdjustmentType ?? '(none)'}; use one of ${ADJUSTMENT_TYPES.join(', ')}`,
        );
      }
      if (input.ScalingAdjustment === undefined) {
        throw validationError('ScalingAdjustment is required for a SimpleScaling policy');
      }
      const name = input.PolicyName ?? '';
      if (name.length < 1 || name.length > 255)
        throw validationError('PolicyName must be 1 to 255 characters long');
      const existing = policyOf(group.name, name);
      const policy: ScalingPolicyRecord = {
        arn: existing?.arn ?? store.policyArn(group.name, name),
        name,
        groupName: group.name,
        policyType,
        adjustmentType: input.AdjustmentType,
        scalingAdjustment: input.ScalingAdjustment,
        cooldown: input.Cooldown,
        minAdjustmentMagnitude: input.MinAdjustmentMagnitude,
      };
      store.policies.set(policy.arn, policy);
      return { PolicyARN: policy.arn, Alarms: [] };
    },

    /** Naming a group that does not exist is a ValidationError, as on AWS. */
    DescribePolicies(input: DescribePoliciesCommandInput): Result<DescribePoliciesCommandOutput> {
      const groupName = input.AutoScalingGroupName;
      if (groupName !== undefined && !store.groups.has(groupName)) {
        throw validationError(`Group ${groupName} not found`);
      }
      const names = input.PolicyNames ?? [];
      const types = input.PolicyTypes ?? [];
      const selected = [...store.policies.values()].filter(
        (p) =>
          (groupName === undefined || p.groupName === groupName) &&
          (names.length === 0 || names.includes(p.name) || names.includes(p.arn)) &&
          (types.length === 0 || types.includes(p.policyType)),
      );
      const { page, nextToken } = paginate(selected, input.MaxRecords, input.NextToken, (token) =>
        autoScalingError('InvalidNextToken', `The token '${token}' is invalid.`),
      );
      return { ScalingPolicies: page.map(describePolicy), NextToken: nextToken };
    },

    DeletePolicy(input: DeletePolicyCommandInput): Result<DeletePolicyCommandOutput> {
      const nameOrArn = input.PolicyName ?? '';
      const byArn = nameOrArn.startsWith('arn:');
      if (!byArn) store.group(input.AutoScalingGroupName);
      const policy = policyOf(input.AutoScalingGroupName, nameOrArn);
      if (!policy) {
        throw validationError(
          `Policy ${nameOrArn} not found${input.AutoScalingGroupName ? ` in AutoScalingGroup '${input.AutoScalingGroupName}'` : ''}`,
        );
      }
      store.policies.delete(policy.arn);
      return {};
    },
  };
}

/** What a CloudWatch alarm action does with a policy: the group's desired capacity moves (within min/max). */
export function executePolicy(store: AutoScalingStore, policyArn: string): void {
  const policy = store.policies.get(policyArn);
  if (!policy) return;
  const group = store.groups.get(policy.groupName);
  if (!group || group.deleting) return;
  group.desiredCapacity = adjusted(policy, group.desiredCapacity, group.minSize, group.maxSize);
  reconcileCapacity(store, group);
}
