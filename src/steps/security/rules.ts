/**
 * Ingress rules are parts of their group rather than resources of their own: they are converged by
 * reading the group's rules and adding or revoking the difference. A crash after an authorize just
 * finds the rules there on the next run; nothing needs to be recorded in state.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { AwsErrorCode, awsCall, failedWith } from '../../aws/errors.js';
import type { IngressRuleLayout } from './layout.js';
import type { SecurityCtx } from './groups.js';
import type { GroupIds } from './rule-diff.js';
import { describeLiveRule, describeRule, diffIngress, ipPermission, ruleMatches } from './rule-diff.js';

export const SECURITY_GROUP_RULE_TYPE = 'ec2:security-group-rule';

/** A group of the deployment as the rule functions need it. */
export interface GroupRef {
  role: string;
  id: string;
}

/** Codes that mean another writer changed the rules between our read and our write. */
const RACE_CODES = [
  AwsErrorCode.permissionDuplicate,
  AwsErrorCode.permissionNotFound,
  'InvalidSecurityGroupRuleId.NotFound',
];
const CONVERGE_ROUNDS = 3;

/** Every rule (ingress and egress) of a security group. */
export async function readRules(
  ctx: Pick<SecurityCtx, 'aws'>,
  groupId: string,
): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(
      'describing the rules of EC2 security group',
      () =>
        ctx.aws.ec2.send(
          new DescribeSecurityGroupRulesCommand({
            Filters: [{ Name: 'group-id', Values: [groupId] }],
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      groupId,
    );
    rules.push(...(page.SecurityGroupRules ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return rules;
}

/**
 * Makes the group's ingress exactly `desired`: authorizes what is missing (one call), then revokes
 * what is not desired, so a changed rule never leaves a moment without access. Nothing is called
 * when the rules already match.
 */
export async function convergeIngress(
  ctx: SecurityCtx,
  group: GroupRef,
  desired: IngressRuleLayout[],
  groupIds: GroupIds,
): Promise<void> {
  for (let round = 1; ; round += 1) {
    const { missing, extra } = diffIngress(desired, await readRules(ctx, group.id), groupIds);
    try {
      if (missing.length > 0) await authorize(ctx, group, missing, groupIds);
      if (extra.length > 0)
        await revoke(
          ctx,
          group,
          extra,
          'it is not among the rules gitlab-ha manages for this group and config',
        );
      return;
    } catch (error) {
      // e.g. InvalidPermission.Duplicate: a concurrent run (or one that crashed before it saw the
      // answer) added a rule after we read. Read again and do what is still left.
      if (round >= CONVERGE_ROUNDS || !failedWith(error, ...RACE_CODES)) throw error;
      ctx.events.debug('note', `rules of ${group.id} changed while being converged; reading them again`, {
        id: group.id,
      });
    }
  }
}

async function authorize(
  ctx: SecurityCtx,
  group: GroupRef,
  rules: IngressRuleLayout[],
  groupIds: GroupIds,
): Promise<void> {
  const out = await awsCall(
    `authorizing ${rules.length} ingress rule(s) on EC2 security group`,
    () =>
      ctx.aws.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.id,
          IpPermissions: rules.map((rule) => ipPermission(rule, groupIds)),
          // Tags apply to every rule the call creates, hence one role for the group's ingress.
          TagSpecifications: [
            { ResourceType: 'security-group-rule', Tags: ctx.tags(`${group.role}/ingress`) },
          ],
        }),
      ),
    group.id,
  );
  for (const rule of rules) {
    const created = out.SecurityGroupRules?.find((r) => ruleMatches(rule, r, groupIds));
    ctx.events.info('resource.create', `allowed ${describeRule(rule)} into ${group.id}`, {
      type: SECURITY_GROUP_RULE_TYPE,
      role: rule.role,
      id: created?.SecurityGroupRuleId ?? group.id,
      groupId: group.id,
    });
  }
}

/** Revokes rules of one group by id (ingress and egress alike), saying why in a `resource.update` event per rule. */
export async function revoke(
  ctx: SecurityCtx,
  group: GroupRef,
  rules: SecurityGroupRule[],
  why: string,
): Promise<void> {
  const ids = (egress: boolean) =>
    rules.filter((r) => Boolean(r.IsEgress) === egress).map((r) => r.SecurityGroupRuleId!);
  const ingress = ids(false);
  const egress = ids(true);
  if (ingress.length > 0) {
    await awsCall(
      `revoking ingress rule(s) ${ingress.join(', ')} of EC2 security group`,
      () =>
        ctx.aws.ec2.send(
          new RevokeSecurityGroupIngressCommand({ GroupId: group.id, SecurityGroupRuleIds: ingress }),
        ),
      group.id,
    );
  }
  if (egress.length > 0) {
    await awsCall(
      `revoking egress rule(s) ${egress.join(', ')} of EC2 security group`,
      () =>
        ctx.aws.ec2.send(
          new RevokeSecurityGroupEgressCommand({ GroupId: group.id, SecurityGroupRuleIds: egress }),
        ),
      group.id,
    );
  }
  for (const rule of rules) {
    ctx.events.info(
      'resource.update',
      `revoked ${describeLiveRule(rule)} (${rule.SecurityGroupRuleId}) of ${group.id}: ${why}`,
      {
        type: SECURITY_GROUP_RULE_TYPE,
        role: group.role,
        id: rule.SecurityGroupRuleId,
        groupId: group.id,
        reason: why,
      },
    );
  }
}

/**
 * Revokes the rules of a group that reference any of `doomed` (groups about to be deleted): while a
 * rule references a group, DeleteSecurityGroup of that group fails with DependencyViolation. A rule
 * revoked by someone else meanwhile is re-read, like in convergeIngress.
 */
export async function revokeReferencesTo(
  ctx: SecurityCtx,
  group: GroupRef,
  doomed: ReadonlySet<string>,
): Promise<void> {
  for (let round = 1; ; round += 1) {
    const references = (await readRules(ctx, group.id)).filter((r) =>
      doomed.has(r.ReferencedGroupInfo?.GroupId ?? ''),
    );
    if (references.length === 0) return;
    try {
      await revoke(ctx, group, references, 'it references a security group that is being deleted');
      return;
    } catch (error) {
      if (round >= CONVERGE_ROUNDS || !failedWith(error, ...RACE_CODES)) throw error;
    }
  }
}
