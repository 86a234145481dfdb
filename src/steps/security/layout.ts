/**
 * What the security step builds, derived from the config alone: one security group per role and the
 * ingress rules each must have. Pure, so plan (offline) and ensure agree. Egress is left at AWS's
 * default (allow all): the nodes need the internet for packages, and the data services answer only.
 */
import type { Config } from '../../config/schema.js';

export const SECURITY_GROUP_NAMES = ['lb', 'app', 'builder', 'db', 'redis', 'storage'] as const;
export type SecurityGroupName = (typeof SECURITY_GROUP_NAMES)[number];

export interface SecurityGroupLayout {
  name: SecurityGroupName;
  /** Role in state and tags: `sg/<name>`. */
  role: `sg/${SecurityGroupName}`;
  /** EC2 GroupName, unique in the VPC: `<deployment>-sg-<name>` (the same as the Name tag). */
  groupName: string;
  /** Fixed per role: EC2 cannot change a group's description without replacing the group. */
  description: string;
}

export type RuleSource = { cidr: string } | { group: SecurityGroupName };

export interface IngressRuleLayout {
  /** `sg/<group>/ingress/<purpose>`: names the rule in tags, plans and events. */
  role: string;
  /** The group the rule belongs to. */
  group: SecurityGroupName;
  protocol: 'tcp';
  port: number;
  source: RuleSource;
  /** Rule description shown in the EC2 console (EC2 allows only a limited character set: no quotes). */
  description: string;
}

export interface SecurityLayout {
  groups: SecurityGroupLayout[];
  rules: IngressRuleLayout[];
}

export const ANYWHERE = '0.0.0.0/0';

const PORTS = {
  ssh: 22,
  http: 80,
  https: 443,
  postgres: 5432,
  redis: 6379,
  nfs: 2049,
  gitaly: 8075,
} as const;

const PURPOSES: Record<SecurityGroupName, string> = {
  lb: 'load balancer, open to the internet on its listener ports',
  app: 'GitLab application nodes, reachable only through the load balancer',
  builder: 'GitLab image builder, no inbound access',
  db: 'PostgreSQL (RDS), reachable from GitLab nodes and the image builder',
  redis: 'Redis (ElastiCache), reachable from GitLab nodes and the image builder',
  storage: 'storage node (NFS and Gitaly), reachable from GitLab nodes and the image builder',
};

export function groupRole(name: SecurityGroupName): `sg/${SecurityGroupName}` {
  return `sg/${name}`;
}

/** Where a rule lets traffic in from, for plans and messages: `sg/lb` or a CIDR. */
export function describeSource(source: RuleSource): string {
  return 'cidr' in source ? source.cidr : groupRole(source.group);
}

export function securityLayout(config: Config): SecurityLayout {
  const groups = SECURITY_GROUP_NAMES.map((name) => ({
    name,
    role: groupRole(name),
    groupName: `${config.name}-sg-${name}`,
    description: `gitlab-ha ${config.name}: ${PURPOSES[name]}`,
  }));
  const rule = (
    group: SecurityGroupName,
    purpose: string,
    port: number,
    source: RuleSource,
    description: string,
  ) => ({
    role: `${groupRole(group)}/ingress/${purpose}`,
    group,
    protocol: 'tcp' as const,
    port,
    source,
    description,
  });
  const fromNodes = (
    group: SecurityGroupName,
    service: string,
    port: number,
    label: string,
  ): IngressRuleLayout[] => [
    rule(group, `${service}-from-app`, port, { group: 'app' }, `${label} from GitLab nodes`),
    rule(group, `${service}-from-builder`, port, { group: 'builder' }, `${label} from the image builder`),
  ];
  const anywhere = { cidr: ANYWHERE };
  const { gitSsh, sshAccessCidr } = config.gitlab;
  const rules: IngressRuleLayout[] = [
    rule('lb', 'http', PORTS.http, anywhere, 'HTTP from anywhere'),
    ...(config.loadBalancer.certificateArn
      ? [rule('lb', 'https', PORTS.https, anywhere, 'HTTPS from anywhere')]
      : []),
    ...(gitSsh ? [rule('lb', 'git-ssh', PORTS.ssh, anywhere, 'Git over SSH from anywhere')] : []),
    rule('app', 'http-from-lb', PORTS.http, { group: 'lb' }, 'HTTP from the load balancer'),
    ...(gitSsh
      ? [rule('app', 'git-ssh-from-lb', PORTS.ssh, { group: 'lb' }, 'Git over SSH from the load balancer')]
      : []),
    ...(sshAccessCidr
      ? [rule('app', 'admin-ssh', PORTS.ssh, { cidr: sshAccessCidr }, 'Admin SSH from gitlab.sshAccessCidr')]
      : []),
    ...fromNodes('db', 'postgres', PORTS.postgres, 'PostgreSQL'),
    ...fromNodes('redis', 'redis', PORTS.redis, 'Redis'),
    ...fromNodes('storage', 'nfs', PORTS.nfs, 'NFS'),
    ...fromNodes('storage', 'gitaly', PORTS.gitaly, 'Gitaly'),
  ];
  return { groups, rules };
}
