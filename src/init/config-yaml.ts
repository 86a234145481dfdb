/**
 * The gitlab-ha.yaml `init` writes: the answers as YAML (through yaml's Document API, so every
 * section and key carries a comment saying what it is and why the default is what it is), with
 * the editor modeline pointing at the JSON schema on the first line.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import { toConfigInput, type WizardAnswers } from './answers.js';

/** The schema file shipped in the package (schema/ sits beside src/ and dist/). */
export const PACKAGE_SCHEMA_PATH = fileURLToPath(
  new URL('../../schema/gitlab-ha.schema.json', import.meta.url),
);

/**
 * The `$schema=` reference for a config written to `configPath`: the package's schema file,
 * relative to the config's folder (forward slashes, as yaml-language-server expects), or absolute
 * when there is no relative path (another drive on Windows).
 */
export function schemaReference(configPath: string, schemaPath = PACKAGE_SCHEMA_PATH): string {
  const relative = path.relative(path.dirname(path.resolve(configPath)), schemaPath);
  if (relative === '' || path.isAbsolute(relative)) return schemaPath.split(path.sep).join('/');
  return relative.split(path.sep).join('/');
}

/** Comments above each key, by dotted path. Sections get a blank line before them. */
const COMMENTS: Readonly<Record<string, string>> = {
  name: [
    'Deployment name. It prefixes every AWS resource name and goes into the gitlab-ha:deployment',
    'tag that finds them again, so changing it later means a new deployment.',
  ].join('\n'),
  region: 'The AWS region for everything. The availability zones below must belong to it.',
  aws: 'How gitlab-ha reaches AWS.',
  'aws.profile': 'Named profile from ~/.aws/config; --profile and AWS_PROFILE take precedence.',
  network: 'VPC, subnets, internet gateway, NAT gateways and route tables.',
  'network.vpcCidr': 'A /16 leaves room for more subnets later. AWS allows /16 to /28.',
  'network.availabilityZones':
    'At least two zones: RDS Multi-AZ, ElastiCache failover and the load balancer all need two.',
  'network.publicSubnetCidrs':
    'One public subnet per zone, in the same order as availabilityZones: load balancer and NAT.',
  'network.privateSubnetCidrs':
    'One private subnet per zone, same order: GitLab nodes, RDS, ElastiCache, the storage node.',
  'network.natGateways': [
    "per-az: one NAT gateway per zone, as GitLab's AWS guide recommends, so losing a zone does not",
    "cut the other zone's egress. single: one NAT gateway, cheaper, but a single point of failure.",
  ].join('\n'),
  database: 'RDS PostgreSQL: encrypted, private, password generated and kept in SSM Parameter Store.',
  'database.engineVersion':
    'PostgreSQL major (or major.minor). GitLab 18.x needs 16 or newer, GitLab 19.x 17. Keep the quotes.',
  'database.instanceClass': 'GitLab advises against burstable (db.t*) classes for production.',
  'database.multiAz': 'A standby in another zone with automatic failover.',
  'database.storage': [
    "io1 (Provisioned IOPS) is what GitLab's AWS guide uses; gp3 is cheaper. RDS gp3 below 400 GB",
    'has a fixed 3000 IOPS baseline, so iops is left out then. io1 allows at most 50 IOPS per GB.',
  ].join('\n'),
  redis: 'ElastiCache Redis, cluster mode disabled, encrypted, AUTH token kept in SSM.',
  'redis.nodeType': 'One node type for the primary and its replicas.',
  'redis.replicas': 'Read replicas beside the primary; at least one for automatic failover across zones.',
  storage: [
    'The storage node: Gitaly for Git repositories (NFS for Git data is unsupported since GitLab',
    '15.6) and an NFS export for uploads, shared files and CI build data.',
  ].join('\n'),
  'storage.instanceType': 'Runs Gitaly and the NFS server; size it for your repositories and CI load.',
  'storage.dataVolume': 'Encrypted EBS volume (gp3) holding the repositories and shared data.',
  gitlab: 'The GitLab nodes, baked into an AMI and run by the Auto Scaling group.',
  'gitlab.edition': 'ee runs without a license as the free tier and can be upgraded to a paid tier in place.',
  'gitlab.version': 'Exact package version, pinned so every node (and every rebuild) runs the same GitLab.',
  'gitlab.externalUrl':
    'The URL users type. https needs loadBalancer.certificateArn: TLS ends at the load balancer.',
  'gitlab.instanceType':
    "Rails nodes. GitLab's AWS guide: c5.2xlarge minimum; burstable types are not recommended.",
  'gitlab.sshAccessCidr': 'Admin SSH to the nodes from this CIDR only (otherwise use SSM Session Manager).',
  'gitlab.keyPair': 'EC2 key pair installed on the nodes for admin SSH.',
  loadBalancer: 'The classic load balancer in front of the GitLab nodes.',
  'loadBalancer.certificateArn': 'ACM certificate for HTTPS on 443, in the same region as the deployment.',
  autoScaling: 'GitLab nodes in an Auto Scaling group across the private subnets.',
  'autoScaling.min': "GitLab's AWS guide: min 2, desired 2, max 4.",
  'autoScaling.scaleOut':
    'Add a node when the average CPU stays above this (two one-minute periods by default).',
  'autoScaling.scaleIn':
    'Remove a node below this; it must stay under scaleOut, or the alarms undo each other.',
};

const HEADER = [
  'gitlab-ha deployment, written by `gitlab-ha init`. Keys left out keep their defaults (see',
  'examples/gitlab-ha.yaml in the gitlab-ha package for every option). Next: `gitlab-ha plan`.',
].join('\n');

export function renderConfigYaml(answers: WizardAnswers, options: { schemaReference: string }): string {
  const document = new Document(toConfigInput(answers));
  document.commentBefore = ` yaml-language-server: $schema=${options.schemaReference}\n\n${prefix(HEADER)}`;
  if (isMap(document.contents)) annotate(document.contents, []);
  return document.toString({ singleQuote: true, lineWidth: 0 });
}

function annotate(map: YAMLMap, parents: string[]): void {
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const keyPath = [...parents, String(pair.key.value)];
    const comment = COMMENTS[keyPath.join('.')];
    if (comment !== undefined) pair.key.commentBefore = prefix(comment);
    // A blank line between the top-level sections (the first one follows the header's own gap).
    if (parents.length === 0 && map.items.indexOf(pair) > 0) pair.key.spaceBefore = true;
    if (isMap(pair.value)) annotate(pair.value, keyPath);
  }
}

/** yaml writes `#` + each line; a leading space makes `# text`. */
function prefix(text: string): string {
  return text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
}
