/**
 * Step `security` (security groups, spread over the classic guide): one group per role in the VPC,
 * each with exactly the ingress rules layout.ts derives from the config. The groups are
 * authoritative: ingress rules that are not desired are revoked. Egress stays at AWS's default.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { readOnlyStepContext } from '../../engine/context.js';
import { ProvisioningError } from '../../engine/errors.js';
import type {
  DestroyContext,
  PlanAction,
  PlanContext,
  PlannedResource,
  ResourceStatus,
  Step,
  StepContext,
  StepOutputs,
  StepPlan,
  StepResult,
  StepStatus,
} from '../../engine/step.js';
import { destroyDeletes, destroyResource, ensureResource, findLive, planResource } from '../resource.js';
import type { SecurityCtx, SecurityGroupSpec } from './groups.js';
import { SECURITY_GROUP_TYPE, securityGroupSpec } from './groups.js';
import type { IngressRuleLayout, SecurityGroupLayout, SecurityGroupName, SecurityLayout } from './layout.js';
import { describeSource, securityLayout } from './layout.js';
import type { GroupIds } from './rule-diff.js';
import { describeLiveRule, describeRule, diffIngress } from './rule-diff.js';
import { SECURITY_GROUP_RULE_TYPE, convergeIngress, readRules, revokeReferencesTo } from './rules.js';

export interface SecurityOutputs {
  /** Group id by role name without `sg/`: lb, app, builder, db, redis, storage. */
  securityGroupIds: Record<SecurityGroupName, string>;
}

function rulesOf(layout: SecurityLayout, group: SecurityGroupName): IngressRuleLayout[] {
  return layout.rules.filter((r) => r.group === group);
}

/** The network step's VPC; the groups live in it. */
function networkVpcId(outputs: StepOutputs): string {
  const vpcId = outputs.vpcId;
  if (typeof vpcId !== 'string') throw new Error('security: the network step recorded no vpcId output');
  return vpcId;
}

/** Inspect and destroy find groups, never create them, so they need no VPC. */
function noVpc(): string {
  throw new Error('security: creating a security group needs the network VPC');
}

function specFor(
  ctx: SecurityCtx,
  group: SecurityGroupLayout,
  vpcId: () => string = noVpc,
): SecurityGroupSpec {
  return securityGroupSpec(ctx, group, vpcId);
}

/** A security group cannot move between VPCs, so one found elsewhere cannot be used. */
function assertInVpc(group: SecurityGroup, layout: SecurityGroupLayout, vpcId: string): void {
  if (group.VpcId === vpcId) return;
  throw new ProvisioningError(
    `Security group ${layout.role} (${group.GroupId}) is in ${group.VpcId ?? 'no VPC'}, but the deployment's VPC is ${vpcId}; a security group cannot move between VPCs`,
    {
      code: 'RESOURCE_IN_WRONG_VPC',
      resourceId: group.GroupId!,
      hint: `Delete ${group.GroupId} (or remove its gitlab-ha:* tags) and run again; gitlab-ha then creates ${layout.groupName} in ${vpcId}.`,
    },
  );
}

async function ensureSecurity(ctx: StepContext): Promise<StepResult> {
  const vpcId = networkVpcId(ctx.outputsOf('network'));
  const layout = securityLayout(ctx.config);
  const ids: GroupIds = {};
  // One group and one group's rules at a time: these calls return at once (nothing to wait for), and
  // a failure then leaves no other request of this step still running.
  for (const group of layout.groups) {
    const { resource } = await ensureResource(
      ctx,
      specFor(ctx, group, () => vpcId),
    );
    assertInVpc(resource, group, vpcId);
    ids[group.name] = resource.GroupId!;
  }
  // Rules reference other groups by id, so every group exists before any rule is converged.
  for (const group of layout.groups) {
    await convergeIngress(ctx, { role: group.role, id: ids[group.name]! }, rulesOf(layout, group.name), ids);
  }
  const securityGroupIds = Object.fromEntries(
    layout.groups.map((g) => [g.name, ids[g.name]!]),
  ) as SecurityOutputs['securityGroupIds'];
  return { outputs: { securityGroupIds } };
}

function groupDetails(group: SecurityGroupLayout): PlannedResource['details'] {
  return { name: group.groupName, description: group.description };
}

function ruleDetails(rule: IngressRuleLayout): PlannedResource['details'] {
  return {
    group: rule.group,
    protocol: rule.protocol,
    port: rule.port,
    source: describeSource(rule.source),
    description: rule.description,
  };
}

function ruleToCreate(rule: IngressRuleLayout, reason: string | undefined): PlannedResource {
  return {
    role: rule.role,
    type: SECURITY_GROUP_RULE_TYPE,
    action: 'create',
    ...(reason ? { reason } : {}),
    details: ruleDetails(rule),
  };
}

/** Everything as a create; `reason` is given when AWS was read (offline plans say so once, in a header). */
function offlinePlan(layout: SecurityLayout, reason?: string): PlannedResource[] {
  return layout.groups.flatMap((group) => [
    {
      role: group.role,
      type: SECURITY_GROUP_TYPE,
      action: 'create' as const,
      ...(reason ? { reason } : {}),
      details: groupDetails(group),
    },
    ...rulesOf(layout, group.name).map((rule) => ruleToCreate(rule, reason)),
  ]);
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  const groups = resources.filter((r) => r.type === SECURITY_GROUP_TYPE);
  if (groups.some((r) => r.action === 'create')) return 'create';
  if (groups.some((r) => r.action === 'adopt')) return 'adopt';
  return resources.every((r) => r.action === 'noop') ? 'noop' : 'update';
}

async function planSecurity(ctx: PlanContext): Promise<StepPlan> {
  const layout = securityLayout(ctx.config);
  const network = ctx.outputsOfIfDone('network');
  if (!ctx.aws || !network) {
    const reason = ctx.aws ? 'the network is not deployed yet' : undefined;
    return {
      step: 'security',
      action: 'create',
      resources: offlinePlan(layout, reason),
      live: Boolean(ctx.aws),
    };
  }
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const vpcId = networkVpcId(network);
  const planned = await Promise.all(
    layout.groups.map((group) =>
      planResource(
        ctx,
        specFor(readOnly, group, () => vpcId),
      ),
    ),
  );
  const ids: GroupIds = Object.fromEntries(
    layout.groups.flatMap((g, i) => (planned[i]!.id ? [[g.name, planned[i]!.id]] : [])),
  );
  const perGroup = await Promise.all(
    layout.groups.map(async (group, i): Promise<PlannedResource[]> => {
      const plannedGroup = planned[i]!;
      const desired = rulesOf(layout, group.name);
      if (!plannedGroup.id)
        return [plannedGroup, ...desired.map((rule) => ruleToCreate(rule, 'the group is new'))];
      const { missing, extra } = diffIngress(desired, await readRules(readOnly, plannedGroup.id), ids);
      return [
        plannedGroup,
        ...missing.map((rule) => ruleToCreate(rule, `missing from ${plannedGroup.id}`)),
        ...extra.map((rule): PlannedResource => ({
          role: `${group.role}/ingress/${rule.SecurityGroupRuleId}`,
          type: SECURITY_GROUP_RULE_TYPE,
          action: 'delete',
          id: rule.SecurityGroupRuleId!,
          reason: 'not among the rules gitlab-ha manages for this group',
          details: { group: group.name, rule: describeLiveRule(rule) },
        })),
      ];
    }),
  );
  const resources = perGroup.flat();
  return { step: 'security', action: summaryAction(resources), resources, live: true };
}

async function inspectSecurity(ctx: StepContext): Promise<StepStatus> {
  const layout = securityLayout(ctx.config);
  const live = await Promise.all(
    layout.groups.map(async (group) => {
      const recorded = ctx.recorded(group.role);
      return {
        group,
        recordedId: recorded?.id,
        found: recorded ? await specFor(ctx, group).findById(recorded.id) : undefined,
      };
    }),
  );
  const ids: GroupIds = Object.fromEntries(
    live.flatMap((x) => (x.found ? [[x.group.name, x.found.GroupId!]] : [])),
  );
  const drift: string[] = [];
  const resources: ResourceStatus[] = await Promise.all(
    live.map(async ({ group, recordedId, found }): Promise<ResourceStatus> => {
      const problems: string[] = [];
      if (!recordedId) problems.push(`security group ${group.role} is not recorded in state`);
      else if (!found) problems.push(`security group ${group.role} (${recordedId}) no longer exists`);
      else {
        const { missing, extra } = diffIngress(
          rulesOf(layout, group.name),
          await readRules(ctx, recordedId),
          ids,
        );
        const name = `security group ${group.role} (${recordedId})`;
        problems.push(...missing.map((rule) => `${name} is missing ingress ${describeRule(rule)}`));
        problems.push(
          ...extra.map(
            (rule) =>
              `${name} has an unexpected ingress rule ${rule.SecurityGroupRuleId}: ${describeLiveRule(rule)}`,
          ),
        );
      }
      drift.push(...problems);
      return {
        role: group.role,
        type: SECURITY_GROUP_TYPE,
        ...(recordedId ? { id: recordedId } : {}),
        state: found ? 'available' : 'missing',
        healthy: problems.length === 0,
        ...(problems.length > 0 ? { drift: problems.join('; ') } : {}),
      };
    }),
  );
  const health = live.every((x) => !x.found) ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  return { step: 'security', health, resources, outputs: { securityGroupIds: { ...ids } }, drift };
}

async function destroySecurity(ctx: DestroyContext): Promise<void> {
  const layout = securityLayout(ctx.config);
  const groups = await Promise.all(
    layout.groups.map(async (group) => {
      const spec = specFor(ctx, group);
      return { group, spec, live: await findLive(ctx, spec) };
    }),
  );
  // DeleteSecurityGroup fails with DependencyViolation while another group's rule references the
  // group, so rules referencing any group about to be deleted go first (kept groups included).
  const doomed = new Set(
    groups.flatMap(({ group, live }) =>
      live && destroyDeletes(ctx, group.role, live.Tags) ? [live.GroupId!] : [],
    ),
  );
  for (const { group, live } of groups) {
    if (live) await revokeReferencesTo(ctx, { role: group.role, id: live.GroupId! }, doomed);
  }
  // In parallel: each delete may wait minutes for lingering network interfaces to let go.
  await Promise.all(groups.map(({ spec }) => destroyResource(ctx, spec)));
}

export const securityStep: Step = {
  id: 'security',
  title: 'Security groups (load balancer, nodes, data services)',
  dependsOn: ['network'],
  plan: planSecurity,
  ensure: ensureSecurity,
  inspect: inspectSecurity,
  destroy: destroySecurity,
};
