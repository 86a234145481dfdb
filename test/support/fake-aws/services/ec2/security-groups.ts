import type {
  AuthorizeSecurityGroupEgressCommandInput,
  AuthorizeSecurityGroupEgressCommandOutput,
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput,
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  DeleteSecurityGroupCommandInput,
  DeleteSecurityGroupCommandOutput,
  DescribeSecurityGroupRulesCommandInput,
  DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  IpPermission,
  RevokeSecurityGroupEgressCommandInput,
  RevokeSecurityGroupEgressCommandOutput,
  RevokeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandOutput,
  SecurityGroup,
  SecurityGroupRule,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList, type TagMap } from '../../core/tags.js';
import { parseCidr } from './cidr.js';
import { page, select } from './describe.js';
import { dependencyViolation, ec2Error, invalidParameterValue, notFound } from './errors.js';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** A rule before it gets an id: what makes two rules "the same" for InvalidPermission.Duplicate. */
type RuleShape = Omit<SecurityGroupRuleRecord, 'id' | 'tags' | 'description'> & {
  description?: string | undefined;
};

/**
 * A new group with AWS's default egress rule (all traffic to 0.0.0.0/0). A VPC's `default` group
 * also lets its own members in, as AWS sets it up.
 */
export function createSecurityGroupRecord(
  store: Ec2Store,
  group: Omit<SecurityGroupRecord, 'id'>,
): SecurityGroupRecord {
  const record: SecurityGroupRecord = { id: store.env.ids.next('sg'), ...group };
  store.securityGroups.set(record.id, record);
  const all = { groupId: record.id, ipProtocol: '-1', fromPort: -1, toPort: -1, tags: {} };
  addRule(store, { ...all, isEgress: true, cidrIpv4: '0.0.0.0/0' });
  if (group.name === 'default') addRule(store, { ...all, isEgress: false, referencedGroupId: record.id });
  return record;
}

export function isDefaultGroup(group: SecurityGroupRecord): boolean {
  return group.name === 'default';
}

/** Deletes a group and its rules. */
export function removeSecurityGroup(store: Ec2Store, group: SecurityGroupRecord): void {
  for (const rule of [...store.securityGroupRules.values()]) {
    if (rule.groupId === group.id) store.securityGroupRules.delete(rule.id);
  }
  store.securityGroups.delete(group.id);
}

function addRule(store: Ec2Store, rule: Omit<SecurityGroupRuleRecord, 'id'>): SecurityGroupRuleRecord {
  const record: SecurityGroupRuleRecord = { id: store.env.ids.next('sgr'), ...rule };
  store.securityGroupRules.set(record.id, record);
  return record;
}

const PROTOCOL_ALIASES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  all: '-1',
};

/** The single-peer rules an IpPermission stands for, validated like AWS does. */
function expandPermission(
  store: Ec2Store,
  groupId: string,
  isEgress: boolean,
  permission: IpPermission,
): RuleShape[] {
  const raw = (permission.IpProtocol ?? '').toLowerCase();
  const ipProtocol = PROTOCOL_ALIASES[raw] ?? raw;
  let fromPort = permission.FromPort ?? -1;
  let toPort = permission.ToPort ?? -1;
  if (ipProtocol === '-1') {
    fromPort = -1;
    toPort = -1;
  } else if (ipProtocol === 'tcp' || ipProtocol === 'udp') {
    const valid = (p: number | undefined) => p !== undefined && p >= 0 && p <= 65535;
    if (!valid(permission.FromPort) || !valid(permission.ToPort) || fromPort > toPort) {
      throw invalidParameterValue(
        `Invalid value for portRange. Must specify both from and to ports with TCP/UDP (got ${permission.FromPort}-${permission.ToPort}).`,
      );
    }
  } else if (ipProtocol !== 'icmp') {
    throw invalidParameterValue(
      `Invalid value '${permission.IpProtocol ?? ''}' for IP protocol. Unknown protocol.`,
    );
  }
  if (permission.Ipv6Ranges?.length || permission.PrefixListIds?.length) {
    throw invalidParameterValue(
      'fake-aws models IPv4 CIDR and security group peers only (no Ipv6Ranges or PrefixListIds)',
    );
  }
  const base = { groupId, isEgress, ipProtocol, fromPort, toPort };
  const cidrRules = (permission.IpRanges ?? []).map((range): RuleShape => {
    const cidr = range.CidrIp ?? '';
    if (!parseCidr(cidr)) throw invalidParameterValue(`CIDR block ${cidr} is malformed`);
    return { ...base, cidrIpv4: cidr, description: range.Description };
  });
  const groupRules = (permission.UserIdGroupPairs ?? []).map((pair): RuleShape => {
    const referenced = store.securityGroup(pair.GroupId);
    return { ...base, referencedGroupId: referenced.id, description: pair.Description };
  });
  const rules = [...cidrRules, ...groupRules];
  if (rules.length === 0)
    throw ec2Error('MissingParameter', 'The request must contain at least one IP range or group pair');
  return rules;
}

function sameRule(a: RuleShape, b: RuleShape): boolean {
  return (
    a.groupId === b.groupId &&
    a.isEgress === b.isEgress &&
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.referencedGroupId === b.referencedGroupId
  );
}

function duplicate(rule: RuleShape): Error {
  const peer = rule.cidrIpv4 ?? rule.referencedGroupId ?? '';
  const protocol = rule.ipProtocol === '-1' ? 'ALL' : rule.ipProtocol.toUpperCase();
  const ports = rule.ipProtocol === '-1' ? '' : `, from port: ${rule.fromPort}, to port: ${rule.toPort}`;
  return ec2Error(
    'InvalidPermission.Duplicate',
    `the specified rule "peer: ${peer}, ${protocol}${ports}, ALLOW" already exists`,
  );
}

export function describeSecurityGroupRule(store: Ec2Store, rule: SecurityGroupRuleRecord): SecurityGroupRule {
  return {
    SecurityGroupRuleId: rule.id,
    GroupId: rule.groupId,
    GroupOwnerId: store.env.account,
    IsEgress: rule.isEgress,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    CidrIpv4: rule.cidrIpv4,
    ReferencedGroupInfo: rule.referencedGroupId
      ? { GroupId: rule.referencedGroupId, UserId: store.env.account }
      : undefined,
    Description: rule.description,
    Tags: toTagList(rule.tags),
    SecurityGroupRuleArn: store.arn('security-group-rule', rule.id),
  };
}

/** AWS groups rules with the same protocol and ports into one IpPermission with several peers. */
function permissionsOf(store: Ec2Store, group: SecurityGroupRecord, isEgress: boolean): IpPermission[] {
  const permissions = new Map<string, IpPermission>();
  for (const rule of store.securityGroupRules.values()) {
    if (rule.groupId !== group.id || rule.isEgress !== isEgress) continue;
    const key = `${rule.ipProtocol}:${rule.fromPort}:${rule.toPort}`;
    let permission = permissions.get(key);
    if (!permission) {
      const ports = rule.ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort };
      permission = {
        IpProtocol: rule.ipProtocol,
        ...ports,
        IpRanges: [],
        UserIdGroupPairs: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      };
      permissions.set(key, permission);
    }
    if (rule.cidrIpv4) permission.IpRanges?.push({ CidrIp: rule.cidrIpv4, Description: rule.description });
    if (rule.referencedGroupId) {
      permission.UserIdGroupPairs?.push({
        GroupId: rule.referencedGroupId,
        UserId: store.env.account,
        Description: rule.description,
      });
    }
  }
  return [...permissions.values()];
}

function describeSecurityGroup(store: Ec2Store, group: SecurityGroupRecord): SecurityGroup {
  return {
    GroupId: group.id,
    GroupName: group.name,
    Description: group.description,
    VpcId: group.vpcId,
    OwnerId: store.env.account,
    SecurityGroupArn: store.arn('security-group', group.id),
    IpPermissions: permissionsOf(store, group, false),
    IpPermissionsEgress: permissionsOf(store, group, true),
    Tags: toTagList(group.tags),
  };
}

function groupFilters(store: Ec2Store): FilterSpec<SecurityGroupRecord> {
  const rulesOf = (g: SecurityGroupRecord, isEgress: boolean) =>
    [...store.securityGroupRules.values()].filter((r) => r.groupId === g.id && r.isEgress === isEgress);
  return {
    fields: {
      'group-id': (g) => g.id,
      'group-name': (g) => g.name,
      'vpc-id': (g) => g.vpcId,
      description: (g) => g.description,
      'owner-id': () => store.env.account,
      'ip-permission.cidr': (g) => rulesOf(g, false).map((r) => r.cidrIpv4),
      'ip-permission.group-id': (g) => rulesOf(g, false).map((r) => r.referencedGroupId),
      'ip-permission.protocol': (g) => rulesOf(g, false).map((r) => r.ipProtocol),
      'ip-permission.from-port': (g) => rulesOf(g, false).map((r) => String(r.fromPort)),
      'ip-permission.to-port': (g) => rulesOf(g, false).map((r) => String(r.toPort)),
      'egress.ip-permission.cidr': (g) => rulesOf(g, true).map((r) => r.cidrIpv4),
      'egress.ip-permission.group-id': (g) => rulesOf(g, true).map((r) => r.referencedGroupId),
    },
    tags: (g) => g.tags,
  };
}

const ruleFilters: FilterSpec<SecurityGroupRuleRecord> = {
  fields: {
    'group-id': (r) => r.groupId,
    'security-group-rule-id': (r) => r.id,
  },
  tags: (r) => r.tags,
};

export function securityGroupHandlers(store: Ec2Store) {
  const authorize = (
    isEgress: boolean,
    input: {
      GroupId?: string | undefined;
      IpPermissions?: IpPermission[] | undefined;
      TagSpecifications?: TagSpecification[] | undefined;
    },
  ) => {
    const group = store.securityGroup(input.GroupId);
    const tags: TagMap = tagsFromSpecifications(input.TagSpecifications, 'security-group-rule');
    const wanted = (input.IpPermissions ?? []).flatMap((p) => expandPermission(store, group.id, isEgress, p));
    const existing = [...store.securityGroupRules.values()];
    wanted.forEach((rule, index) => {
      if (existing.some((r) => sameRule(r, rule)) || wanted.slice(0, index).some((r) => sameRule(r, rule))) {
        throw duplicate(rule);
      }
    });
    const added = wanted.map((rule) => addRule(store, { ...rule, tags: { ...tags } }));
    return { Return: true, SecurityGroupRules: added.map((r) => describeSecurityGroupRule(store, r)) };
  };

  const revoke = (
    isEgress: boolean,
    input: {
      GroupId?: string | undefined;
      SecurityGroupRuleIds?: string[] | undefined;
      IpPermissions?: IpPermission[] | undefined;
    },
  ) => {
    const group = store.securityGroup(input.GroupId);
    const ofThisGroup = [...store.securityGroupRules.values()].filter(
      (r) => r.groupId === group.id && r.isEgress === isEgress,
    );
    const byId = (input.SecurityGroupRuleIds ?? []).map((id) => {
      const rule = ofThisGroup.find((r) => r.id === id);
      if (!rule) throw notFound.securityGroupRule(id);
      return rule;
    });
    // Like AWS (VPC groups): permissions that match no rule are reported back, not an error.
    const unknown: IpPermission[] = [];
    const byPermission = (input.IpPermissions ?? []).flatMap((permission) => {
      const matched = expandPermission(store, group.id, isEgress, permission).flatMap((shape) =>
        ofThisGroup.filter((r) => sameRule(r, shape)),
      );
      if (matched.length === 0) unknown.push(permission);
      return matched;
    });
    const revoked = [...new Set([...byId, ...byPermission])];
    for (const rule of revoked) store.securityGroupRules.delete(rule.id);
    return {
      Return: true,
      UnknownIpPermissions: unknown.length ? unknown : undefined,
      RevokedSecurityGroupRules: revoked.map((r) => ({
        SecurityGroupRuleId: r.id,
        GroupId: r.groupId,
        IsEgress: r.isEgress,
        IpProtocol: r.ipProtocol,
        FromPort: r.fromPort,
        ToPort: r.toPort,
        CidrIpv4: r.cidrIpv4,
        ReferencedGroupId: r.referencedGroupId,
        Description: r.description,
      })),
    };
  };

  return {
    CreateSecurityGroup(input: CreateSecurityGroupCommandInput): Result<CreateSecurityGroupCommandOutput> {
      if (!input.VpcId) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
      const vpc = store.vpc(input.VpcId);
      const name = input.GroupName ?? '';
      if (!name || !input.Description) {
        throw ec2Error(
          'MissingParameter',
          'The request must contain the parameters GroupName and GroupDescription',
        );
      }
      if (name === 'default' || name.startsWith('sg-')) {
        throw invalidParameterValue(
          `Invalid security group name '${name}': 'default' and names starting with 'sg-' are reserved`,
        );
      }
      const taken = [...store.securityGroups.values()].some((g) => g.vpcId === vpc.id && g.name === name);
      if (taken)
        throw ec2Error(
          'InvalidGroup.Duplicate',
          `The security group '${name}' already exists for VPC '${vpc.id}'`,
        );
      const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group');
      const group = createSecurityGroupRecord(store, {
        name,
        description: input.Description,
        vpcId: vpc.id,
        tags,
      });
      return {
        GroupId: group.id,
        Tags: toTagList(tags),
        SecurityGroupArn: store.arn('security-group', group.id),
      };
    },

    DescribeSecurityGroups(
      input: DescribeSecurityGroupsCommandInput,
    ): Result<DescribeSecurityGroupsCommandOutput> {
      const groups = select({
        byIds: { ids: input.GroupIds, lookup: (id) => store.securityGroup(id) },
        all: () => store.securityGroups.values(),
        filters: input.Filters,
        spec: groupFilters(store),
      });
      const { page: shown, nextToken } = page(groups, input);
      return { SecurityGroups: shown.map((g) => describeSecurityGroup(store, g)), NextToken: nextToken };
    },

    DeleteSecurityGroup(input: DeleteSecurityGroupCommandInput): Result<DeleteSecurityGroupCommandOutput> {
      const group = store.securityGroup(input.GroupId);
      if (isDefaultGroup(group)) {
        throw ec2Error(
          'CannotDelete',
          `the specified group: "${group.id}" name: "default" cannot be deleted by a user`,
        );
      }
      const referenced = [...store.securityGroupRules.values()].some(
        (r) => r.referencedGroupId === group.id && r.groupId !== group.id,
      );
      const inUse = [...store.networkInterfaces.values()].some((eni) => eni.groupIds.includes(group.id));
      if (referenced || inUse) throw dependencyViolation(`resource ${group.id} has a dependent object`);
      removeSecurityGroup(store, group);
      return { Return: true, GroupId: group.id };
    },

    AuthorizeSecurityGroupIngress(
      input: AuthorizeSecurityGroupIngressCommandInput,
    ): Result<AuthorizeSecurityGroupIngressCommandOutput> {
      return authorize(false, input);
    },

    AuthorizeSecurityGroupEgress(
      input: AuthorizeSecurityGroupEgressCommandInput,
    ): Result<AuthorizeSecurityGroupEgressCommandOutput> {
      return authorize(true, input);
    },

    RevokeSecurityGroupIngress(
      input: RevokeSecurityGroupIngressCommandInput,
    ): Result<RevokeSecurityGroupIngressCommandOutput> {
      return revoke(false, input);
    },

    RevokeSecurityGroupEgress(
      input: RevokeSecurityGroupEgressCommandInput,
    ): Result<RevokeSecurityGroupEgressCommandOutput> {
      return revoke(true, input);
    },

    DescribeSecurityGroupRules(
      input: DescribeSecurityGroupRulesCommandInput,
    ): Result<DescribeSecurityGroupRulesCommandOutput> {
      const rules = select({
        byIds: {
          ids: input.SecurityGroupRuleIds,
          lookup: (id) => {
            const rule = store.securityGroupRules.get(id);
            if (!rule) throw notFound.securityGroupRule(id);
            return rule;
          },
        },
        all: () => store.securityGroupRules.values(),
        filters: input.Filters,
        spec: ruleFilters,
      });
      const { page: shown, nextToken } = page(rules, input);
      return {
        SecurityGroupRules: shown.map((r) => describeSecurityGroupRule(store, r)),
        NextToken: nextToken,
      };
    },
  };
}
