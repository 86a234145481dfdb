import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { securityLayout } from '../../src/steps/security/layout.js';
import type { IngressRuleLayout } from '../../src/steps/security/layout.js';
import { describeLiveRule, diffIngress, ipPermission } from '../../src/steps/security/rule-diff.js';

function config(
  overrides: { gitlab?: Partial<ConfigInput['gitlab']>; certificateArn?: string } = {},
): Config {
  return configSchema.parse({
    name: 'demo',
    region: 'eu-west-1',
    network: {
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
      privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
    },
    gitlab: { externalUrl: 'https://gitlab.example.com', ...overrides.gitlab },
    ...(overrides.certificateArn ? { loadBalancer: { certificateArn: overrides.certificateArn } } : {}),
  });
}

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** `group: TCP port from source` for compact comparisons. */
function summary(rules: IngressRuleLayout[]): string[] {
  return rules.map(
    (r) => `${r.group}: ${r.protocol} ${r.port} from ${'cidr' in r.source ? r.source.cidr : r.source.group}`,
  );
}

describe('securityLayout', () => {
  it('names one group per role after the deployment, with a fixed description', () => {
    // GIVEN the default config of deployment "demo"
    // WHEN the layout is derived
    const { groups } = securityLayout(config());
    // THEN there are six groups named <deployment>-sg-<role>, each saying what it is for
    expect(groups.map((g) => [g.role, g.groupName])).toEqual([
      ['sg/lb', 'demo-sg-lb'],
      ['sg/app', 'demo-sg-app'],
      ['sg/builder', 'demo-sg-builder'],
      ['sg/db', 'demo-sg-db'],
      ['sg/redis', 'demo-sg-redis'],
      ['sg/storage', 'demo-sg-storage'],
    ]);
    expect(groups.find((g) => g.name === 'app')?.description).toBe(
      'gitlab-ha demo: GitLab application nodes, reachable only through the load balancer',
    );
    // AND descriptions use only characters EC2 accepts in a group description
    for (const g of groups) expect(g.description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]+$/);
  });

  it('opens HTTP and git SSH by default, HTTPS only with a certificate, and no admin SSH', () => {
    // GIVEN the defaults (gitSsh on, no certificate, no sshAccessCidr)
    // WHEN the layout is derived
    const { rules } = securityLayout(config());
    // THEN exactly these ingress rules are desired
    expect(summary(rules)).toEqual([
      'lb: tcp 80 from 0.0.0.0/0',
      'lb: tcp 22 from 0.0.0.0/0',
      'app: tcp 80 from lb',
      'app: tcp 22 from lb',
      'db: tcp 5432 from app',
      'db: tcp 5432 from builder',
      'redis: tcp 6379 from app',
      'redis: tcp 6379 from builder',
      'storage: tcp 2049 from app',
      'storage: tcp 2049 from builder',
      'storage: tcp 8075 from app',
      'storage: tcp 8075 from builder',
    ]);
    // AND the builder accepts nothing
    expect(rules.filter((r) => r.group === 'builder')).toEqual([]);
  });

  it('adds HTTPS with a certificate and admin SSH from sshAccessCidr, and drops git SSH when disabled', () => {
    // GIVEN a certificate, an admin CIDR and git over SSH switched off
    const cfg = config({ certificateArn: CERT, gitlab: { gitSsh: false, sshAccessCidr: '203.0.113.0/24' } });
    // WHEN the layout is derived
    const { rules } = securityLayout(cfg);
    // THEN the load balancer takes 80 and 443 only, and the nodes take HTTP from it plus admin SSH from the CIDR
    expect(summary(rules.filter((r) => r.group === 'lb' || r.group === 'app'))).toEqual([
      'lb: tcp 80 from 0.0.0.0/0',
      'lb: tcp 443 from 0.0.0.0/0',
      'app: tcp 80 from lb',
      'app: tcp 22 from 203.0.113.0/24',
    ]);
    expect(rules.find((r) => r.port === 22)).toMatchObject({
      role: 'sg/app/ingress/admin-ssh',
      description: 'Admin SSH from gitlab.sshAccessCidr',
    });
  });

  it('gives every rule a unique role and a description EC2 accepts', () => {
    // GIVEN a config that turns every optional rule on
    const { rules } = securityLayout(
      config({ certificateArn: CERT, gitlab: { sshAccessCidr: '198.51.100.7/32' } }),
    );
    // WHEN the roles and descriptions are collected
    const roles = rules.map((r) => r.role);
    // THEN the roles are unique and each description is in EC2's allowed character set
    expect(new Set(roles).size).toBe(roles.length);
    expect(rules.find((r) => r.role === 'sg/app/ingress/http-from-lb')?.description).toBe(
      'HTTP from the load balancer',
    );
    for (const r of rules) expect(r.description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
  });
});

describe('diffIngress', () => {
  const ids = { lb: 'sg-lb', app: 'sg-app', builder: 'sg-builder' };
  const desired = securityLayout(config()).rules.filter((r) => r.group === 'app');
  const fromGroup = (id: string, port: number, peer: string): SecurityGroupRule => ({
    SecurityGroupRuleId: id,
    GroupId: 'sg-app',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    ReferencedGroupInfo: { GroupId: peer },
  });

  it('finds nothing to do when the live rules match, ignoring egress', () => {
    // GIVEN the app group's two desired rules and AWS's default egress rule
    const live: SecurityGroupRule[] = [
      fromGroup('sgr-1', 80, 'sg-lb'),
      fromGroup('sgr-2', 22, 'sg-lb'),
      {
        SecurityGroupRuleId: 'sgr-e',
        IsEgress: true,
        IpProtocol: '-1',
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: '0.0.0.0/0',
      },
    ];
    // WHEN compared
    // THEN nothing is missing and nothing is extra
    expect(diffIngress(desired, live, ids)).toEqual({ missing: [], extra: [] });
  });

  it('reports a missing rule and an extra rule (wrong source, wrong port range, or a CIDR instead of a group)', () => {
    // GIVEN HTTP from the wrong group, git SSH from anywhere instead of from lb, and HTTP over a port range
    const live: SecurityGroupRule[] = [
      fromGroup('sgr-1', 80, 'sg-lb'),
      fromGroup('sgr-wrong-peer', 22, 'sg-builder'),
      {
        SecurityGroupRuleId: 'sgr-cidr',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
      },
      { ...fromGroup('sgr-range', 80, 'sg-lb'), ToPort: 81 },
    ];
    // WHEN compared
    const diff = diffIngress(desired, live, ids);
    // THEN git SSH from lb is missing and the three others are extra
    expect(diff.missing.map((r) => r.role)).toEqual(['sg/app/ingress/git-ssh-from-lb']);
    expect(diff.extra.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-wrong-peer', 'sgr-cidr', 'sgr-range']);
  });

  it('counts a rule from a group that does not exist yet as missing', () => {
    // GIVEN the lb group has no id yet (it is about to be created)
    // WHEN the app group's empty rule set is compared
    const diff = diffIngress(desired, [], { app: 'sg-app' });
    // THEN both rules are missing
    expect(diff.missing).toHaveLength(2);
  });
});

describe('ipPermission and describeLiveRule', () => {
  it('builds one permission per rule with the description on the source', () => {
    // GIVEN the lb HTTP rule and the app HTTP-from-lb rule
    const { rules } = securityLayout(config());
    const [lbHttp, appHttp] = [rules[0]!, rules.find((r) => r.role === 'sg/app/ingress/http-from-lb')!];
    // WHEN they become permissions
    // THEN a CIDR source is an IpRange and a group source is a group pair, each described
    expect(ipPermission(lbHttp, {})).toEqual({
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTP from anywhere' }],
    });
    expect(ipPermission(appHttp, { lb: 'sg-lb' })).toEqual({
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      UserIdGroupPairs: [{ GroupId: 'sg-lb', Description: 'HTTP from the load balancer' }],
    });
    // AND a group source without an id is a programming error, said plainly
    expect(() => ipPermission(appHttp, {})).toThrow('sg/lb must exist before sg/app/ingress/http-from-lb');
  });

  it('describes live rules for events and drift lines', () => {
    // GIVEN rules of several shapes
    // WHEN described
    // THEN protocol, ports and peer read naturally
    expect(describeLiveRule({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' })).toBe(
      'TCP 22 from 0.0.0.0/0',
    );
    expect(
      describeLiveRule({
        IpProtocol: '-1',
        FromPort: -1,
        ToPort: -1,
        ReferencedGroupInfo: { GroupId: 'sg-1' },
      }),
    ).toBe('all traffic from sg-1');
    expect(
      describeLiveRule({
        IpProtocol: 'udp',
        FromPort: 1000,
        ToPort: 2000,
        PrefixListId: 'pl-1',
        IsEgress: true,
      }),
    ).toBe('UDP 1000-2000 to pl-1');
  });
});
