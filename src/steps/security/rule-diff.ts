/**
 * Compares the desired ingress rules of a group with the rules EC2 reports for it. Pure: ensure,
 * plan and inspect all decide "missing" and "unexpected" the same way.
 */
import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { IngressRuleLayout, SecurityGroupName } from './layout.js';
import { describeSource } from './layout.js';

/** Ids of the deployment's groups known so far (a group not created yet has none). */
export type GroupIds = Partial<Record<SecurityGroupName, string>>;

export interface IngressDiff {
  /** Desired rules EC2 does not have. */
  missing: IngressRuleLayout[];
  /** Ingress rules EC2 has that are not desired: our groups are authoritative, so these go. */
  extra: SecurityGroupRule[];
}

// EC2 reports TCP as "tcp"; "6" is the protocol number a caller may have used instead.
const isTcp = (protocol: string | undefined) => protocol === 'tcp' || protocol === '6';

export function ruleMatches(
  desired: IngressRuleLayout,
  live: SecurityGroupRule,
  groupIds: GroupIds,
): boolean {
  if (
    live.IsEgress ||
    !isTcp(live.IpProtocol) ||
    live.FromPort !== desired.port ||
    live.ToPort !== desired.port
  )
    return false;
  if ('cidr' in desired.source) {
    return live.CidrIpv4 === desired.source.cidr && !live.ReferencedGroupInfo?.GroupId && !live.PrefixListId;
  }
  const peer = groupIds[desired.source.group];
  return peer !== undefined && live.ReferencedGroupInfo?.GroupId === peer;
}

export function diffIngress(
  desired: IngressRuleLayout[],
  live: SecurityGroupRule[],
  groupIds: GroupIds,
): IngressDiff {
  const ingress = live.filter((r) => !r.IsEgress);
  const matched = new Set<SecurityGroupRule>();
  const missing: IngressRuleLayout[] = [];
  for (const rule of desired) {
    const hit = ingress.find((r) => !matched.has(r) && ruleMatches(rule, r, groupIds));
    if (hit) matched.add(hit);
    else missing.push(rule);
  }
  return { missing, extra: ingress.filter((r) => !matched.has(r)) };
}

/** The AuthorizeSecurityGroupIngress permission for one desired rule, its source resolved to an id. */
export function ipPermission(rule: IngressRuleLayout, groupIds: GroupIds): IpPermission {
  const base = { IpProtocol: rule.protocol, FromPort: rule.port, ToPort: rule.port };
  if ('cidr' in rule.source)
    return { ...base, IpRanges: [{ CidrIp: rule.source.cidr, Description: rule.description }] };
  const peer = groupIds[rule.source.group];
  if (!peer)
    throw new Error(
      `security: ${describeSource(rule.source)} must exist before ${rule.role} can reference it`,
    );
  return { ...base, UserIdGroupPairs: [{ GroupId: peer, Description: rule.description }] };
}

/** `TCP 80 from sg/lb (HTTP from the load balancer)`. */
export function describeRule(rule: IngressRuleLayout): string {
  return `${rule.protocol.toUpperCase()} ${rule.port} from ${describeSource(rule.source)} (${rule.description})`;
}

/** `TCP 22 from 0.0.0.0/0`, `all traffic from sg-0abc`, `UDP 1000-2000 from pl-0abc` for a live rule. */
export function describeLiveRule(rule: SecurityGroupRule): string {
  const protocol = rule.IpProtocol === '-1' ? 'all traffic' : (rule.IpProtocol ?? '?').toUpperCase();
  const ports =
    rule.IpProtocol === '-1' || rule.FromPort === undefined || rule.FromPort === -1
      ? ''
      : rule.FromPort === rule.ToPort
        ? ` ${rule.FromPort}`
        : ` ${rule.FromPort}-${rule.ToPort}`;
  const peer =
    rule.ReferencedGroupInfo?.GroupId ??
    rule.CidrIpv4 ??
    rule.CidrIpv6 ??
    rule.PrefixListId ??
    'an unknown source';
  const direction = rule.IsEgress ? 'to' : 'from';
  return `${protocol}${ports} ${direction} ${peer}`;
}
