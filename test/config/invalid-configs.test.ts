import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { InvalidInputError } from '../../src/engine/errors.js';

/**
 * A valid config with known line numbers. Cases replace one line (`onLine`) or append lines after
 * line 8 (`plus`), so the expected line:column of each problem can be read off this listing.
 */
const MINIMAL = [
  'name: acme-gitlab', // 1
  'region: eu-west-1', // 2
  'network:', // 3
  '  availabilityZones: [eu-west-1a, eu-west-1b]', // 4
  '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]', // 5
  '  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]', // 6
  'gitlab:', // 7
  '  externalUrl: http://gitlab.example.com', // 8
];

function onLine(line: number, text: string): string {
  return MINIMAL.map((original, index) => (index === line - 1 ? text : original)).join('\n') + '\n';
}

function withoutLine(line: number): string {
  return MINIMAL.filter((_, index) => index !== line - 1).join('\n') + '\n';
}

function plus(...lines: string[]): string {
  return [...MINIMAL, ...lines].join('\n') + '\n';
}

interface InvalidCase {
  name: string;
  yaml: string;
  code: 'CONFIG_YAML' | 'CONFIG_INVALID';
  /** Dotted path of the expected issue ('' for the document). */
  path: string;
  /** A fragment of the expected issue's message. */
  message: string;
  /** Expected 1-based position; both omitted when the issue has none. */
  line?: number;
  column?: number;
}

const cases: InvalidCase[] = [
  // --- YAML syntax -----------------------------------------------------------------------------
  {
    name: 'unclosed quote',
    yaml: onLine(1, 'name: "acme-gitlab'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'unclosed quote: the string that starts here has no closing "',
    line: 1,
    column: 7,
  },
  {
    name: 'bad indentation',
    yaml: onLine(5, '   publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'all mapping items must start at the same column; check the indentation',
    line: 5,
    column: 1,
  },
  {
    name: 'tab used for indentation',
    yaml: onLine(5, '\tpublicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'tabs are not allowed for indentation in YAML; indent with spaces',
    line: 5,
    column: 1,
  },
  {
    name: 'unclosed flow list',
    yaml: onLine(4, '  availabilityZones: [eu-west-1a, eu-west-1b'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'is its closing bracket missing?',
    line: 5,
    column: 3,
  },
  {
    name: 'duplicate key',
    yaml: plus('name: other-gitlab'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'duplicate key "name" (first at line 1); each key may appear only once',
    line: 9,
    column: 1,
  },
  {
    name: 'two YAML documents',
    yaml: plus('---', 'name: other-gitlab'),
    code: 'CONFIG_YAML',
    path: '',
    message: 'more than one YAML document',
    line: 9,
    column: 1,
  },
  // --- document shape ---------------------------------------------------------------------------
  {
    name: 'empty file',
    yaml: '',
    code: 'CONFIG_INVALID',
    path: '',
    message: 'the file has no settings; it needs at least name, region, network and gitlab',
  },
  {
    name: 'only comments',
    yaml: '# gitlab-ha config\n# (to do)\n',
    code: 'CONFIG_INVALID',
    path: '',
    message: 'the file has no settings',
  },
  {
    name: 'top-level list',
    yaml: '- name: acme-gitlab\n- region: eu-west-1\n',
    code: 'CONFIG_INVALID',
    path: '',
    message: 'the top level must be a mapping of keys (name:, region:, network:, ...), but it is a list',
    line: 1,
    column: 1,
  },
  {
    name: 'top-level scalar',
    yaml: 'acme-gitlab\n',
    code: 'CONFIG_INVALID',
    path: '',
    message: 'but it is a single value ("acme-gitlab")',
    line: 1,
    column: 1,
  },
  // --- unknown keys -----------------------------------------------------------------------------
  {
    name: 'unknown top-level key with suggestion',
    yaml: onLine(2, 'regoin: eu-west-1'),
    code: 'CONFIG_INVALID',
    path: 'regoin',
    message: 'unknown key "regoin" at the top level; did you mean "region"?',
    line: 2,
    column: 1,
  },
  {
    name: 'unknown nested key with suggestion',
    yaml: onLine(3, 'network:\n  vpcCdir: 10.0.0.0/16'),
    code: 'CONFIG_INVALID',
    path: 'network.vpcCdir',
    message: 'unknown key "vpcCdir" in network; did you mean "vpcCidr"?',
    line: 4,
    column: 3,
  },
  {
    name: 'unknown deeply nested key with suggestion',
    yaml: plus('database:', '  storage:', '    szeGb: 200'),
    code: 'CONFIG_INVALID',
    path: 'database.storage.szeGb',
    message: 'unknown key "szeGb" in database.storage; did you mean "sizeGb"?',
    line: 11,
    column: 5,
  },
  {
    name: 'unknown key without a close match lists the known keys',
    yaml: plus('  colour: blue'),
    code: 'CONFIG_INVALID',
    path: 'gitlab.colour',
    message: 'unknown key "colour" in gitlab; known keys are: edition, version, externalUrl,',
    line: 9,
    column: 3,
  },
  // --- types and required keys -------------------------------------------------------------------
  {
    name: 'missing top-level key',
    yaml: withoutLine(1),
    code: 'CONFIG_INVALID',
    path: 'name',
    message: 'required',
  },
  {
    name: 'missing nested key points at its parent',
    yaml: withoutLine(6),
    code: 'CONFIG_INVALID',
    path: 'network.privateSubnetCidrs',
    message: 'required',
    line: 3,
    column: 1,
  },
  {
    name: 'number where a string is expected',
    yaml: plus('database:', '  engineVersion: 16'),
    code: 'CONFIG_INVALID',
    path: 'database.engineVersion',
    message: 'expected a string, got a number (16); put it in quotes: "16"',
    line: 10,
    column: 18,
  },
  {
    name: 'string where a number is expected',
    yaml: plus('autoScaling:', '  max: four'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.max',
    message: 'expected a number, got a string ("four")',
    line: 10,
    column: 8,
  },
  {
    name: 'yes where a boolean is expected',
    yaml: plus('database:', '  multiAz: yes'),
    code: 'CONFIG_INVALID',
    path: 'database.multiAz',
    message: 'expected true or false, got a string ("yes"); write true or false without quotes',
    line: 10,
    column: 12,
  },
  {
    name: 'fraction where a whole number is expected',
    yaml: plus('autoScaling:', '  max: 2.5'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.max',
    message: 'expected a whole number, got a number (2.5)',
    line: 10,
    column: 8,
  },
  {
    name: 'list where a mapping is expected',
    yaml: plus('redis: [primary, replica]'),
    code: 'CONFIG_INVALID',
    path: 'redis',
    message: 'expected a mapping (key: value lines), got a list',
    line: 9,
    column: 8,
  },
  {
    name: 'key without a value',
    yaml: onLine(4, '  availabilityZones:'),
    code: 'CONFIG_INVALID',
    path: 'network.availabilityZones',
    message: 'expected a list, got nothing (the key has no value)',
    line: 4,
    column: 3,
  },
  {
    name: 'negative number',
    yaml: plus('autoScaling:', '  min: -1'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.min',
    message: 'must be at least 1, got -1',
    line: 10,
    column: 8,
  },
  {
    name: 'negative volume size',
    yaml: plus('storage:', '  dataVolume:', '    sizeGb: -5'),
    code: 'CONFIG_INVALID',
    path: 'storage.dataVolume.sizeGb',
    message: 'must be at least 10, got -5',
    line: 11,
    column: 13,
  },
  {
    name: 'bad natGateways value',
    yaml: onLine(3, 'network:\n  natGateways: both'),
    code: 'CONFIG_INVALID',
    path: 'network.natGateways',
    message: 'must be one of: single, per-az (got a string ("both"))',
    line: 4,
    column: 16,
  },
  {
    name: 'health check path without a leading slash',
    yaml: plus('loadBalancer:', '  healthCheck:', '    path: -/readiness'),
    code: 'CONFIG_INVALID',
    path: 'loadBalancer.healthCheck.path',
    message: 'must start with "/"',
    line: 11,
    column: 11,
  },
  // --- names, ids, URLs -------------------------------------------------------------------------
  {
    name: 'name with uppercase letters',
    yaml: onLine(1, 'name: Acme-Gitlab'),
    code: 'CONFIG_INVALID',
    path: 'name',
    message: 'must be 3-22 characters of lowercase letters, digits and single hyphens',
    line: 1,
    column: 7,
  },
  {
    name: 'name too long',
    yaml: onLine(1, 'name: acme-gitlab-production-eu'),
    code: 'CONFIG_INVALID',
    path: 'name',
    message: 'must be 3-22 characters',
    line: 1,
    column: 7,
  },
  {
    name: 'name with a trailing hyphen',
    yaml: onLine(1, 'name: acme-gitlab-'),
    code: 'CONFIG_INVALID',
    path: 'name',
    message: 'not end with a hyphen',
    line: 1,
    column: 7,
  },
  {
    name: 'bad region',
    yaml: onLine(2, 'region: europe-west'),
    code: 'CONFIG_INVALID',
    path: 'region',
    message: 'must be an AWS region like eu-west-1',
    line: 2,
    column: 9,
  },
  {
    name: 'bad AMI id',
    yaml: plus('storage:', '  baseAmi: ami-XYZ'),
    code: 'CONFIG_INVALID',
    path: 'storage.baseAmi',
    message: 'must be an AMI id like ami-0123456789abcdef0',
    line: 10,
    column: 12,
  },
  {
    name: 'reserved tag key',
    yaml: plus('tags:', '  aws:owner: platform'),
    code: 'CONFIG_INVALID',
    path: 'tags["aws:owner"]',
    message: 'tag keys starting with aws: or gitlab-ha: are reserved',
    line: 10,
    column: 3,
  },
  {
    name: 'externalUrl that is not http(s)',
    yaml: onLine(8, '  externalUrl: ftp://gitlab.example.com'),
    code: 'CONFIG_INVALID',
    path: 'gitlab.externalUrl',
    message: 'must be an http:// or https:// URL',
    line: 8,
    column: 16,
  },
  {
    name: 'https externalUrl without a certificate',
    yaml: onLine(8, '  externalUrl: https://gitlab.example.com'),
    code: 'CONFIG_INVALID',
    path: 'gitlab.externalUrl',
    message:
      'TLS terminates at the load balancer, so an https URL needs an ACM certificate ARN there (or use http://)',
    line: 8,
    column: 16,
  },
  {
    name: 'externalUrl with a port',
    yaml: onLine(8, '  externalUrl: http://gitlab.example.com:8080'),
    code: 'CONFIG_INVALID',
    path: 'gitlab.externalUrl',
    message: 'must not name a port (:8080)',
    line: 8,
    column: 16,
  },
  {
    name: 'bad certificate ARN',
    yaml: plus('loadBalancer:', '  certificateArn: arn:aws:acm:eu-west-1:1234:certificate/abc'),
    code: 'CONFIG_INVALID',
    path: 'loadBalancer.certificateArn',
    message: 'must be an ACM certificate ARN',
    line: 10,
    column: 19,
  },
  {
    name: 'certificate from another region',
    yaml: plus('loadBalancer:', '  certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc'),
    code: 'CONFIG_INVALID',
    path: 'loadBalancer.certificateArn',
    message: 'the certificate is in us-east-1 but the deployment is in eu-west-1',
    line: 10,
    column: 19,
  },
  // --- network rules ----------------------------------------------------------------------------
  {
    name: 'CIDR without a prefix',
    yaml: onLine(5, '  publicSubnetCidrs: [10.0.0.0, 10.0.1.0/24]'),
    code: 'CONFIG_INVALID',
    path: 'network.publicSubnetCidrs[0]',
    message: 'must be an IPv4 CIDR block like 10.0.0.0/16',
    line: 5,
    column: 23,
  },
  {
    name: 'CIDR octet over 255',
    yaml: onLine(5, '  publicSubnetCidrs: [10.0.0.0/24, 10.0.300.0/24]'),
    code: 'CONFIG_INVALID',
    path: 'network.publicSubnetCidrs[1]',
    message: '10.0.300.0/24 has octet 300; each octet must be 0-255',
    line: 5,
    column: 36,
  },
  {
    name: 'VPC CIDR prefix over 32',
    yaml: onLine(3, 'network:\n  vpcCidr: 10.0.0.0/33'),
    code: 'CONFIG_INVALID',
    path: 'network.vpcCidr',
    message: 'has prefix /33; an IPv4 prefix is at most /32',
    line: 4,
    column: 12,
  },
  {
    name: 'VPC CIDR larger than AWS allows',
    yaml: onLine(3, 'network:\n  vpcCidr: 10.0.0.0/8'),
    code: 'CONFIG_INVALID',
    path: 'network.vpcCidr',
    message: 'the VPC CIDR 10.0.0.0/8 has prefix /8; AWS allows /16 to /28',
    line: 4,
    column: 12,
  },
  {
    name: 'subnet smaller than AWS allows',
    yaml: onLine(5, '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/29]'),
    code: 'CONFIG_INVALID',
    path: 'network.publicSubnetCidrs[1]',
    message: 'subnet 10.0.1.0/29 has prefix /29; AWS allows /16 to /28',
    line: 5,
    column: 36,
  },
  {
    name: 'subnet CIDR with host bits set',
    yaml: onLine(5, '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.5/24]'),
    code: 'CONFIG_INVALID',
    path: 'network.publicSubnetCidrs[1]',
    message: '10.0.1.5/24 has host bits set; did you mean 10.0.1.0/24?',
    line: 5,
    column: 36,
  },
  {
    name: 'subnet outside the VPC',
    yaml: onLine(6, '  privateSubnetCidrs: [10.1.10.0/24, 10.0.11.0/24]'),
    code: 'CONFIG_INVALID',
    path: 'network.privateSubnetCidrs[0]',
    message: 'subnet 10.1.10.0/24 is outside the VPC CIDR 10.0.0.0/16',
    line: 6,
    column: 24,
  },
  {
    name: 'overlapping subnets',
    yaml: onLine(6, '  privateSubnetCidrs: [10.0.10.0/24, 10.0.0.0/23]'),
    code: 'CONFIG_INVALID',
    path: 'network.privateSubnetCidrs[1]',
    message:
      'network.privateSubnetCidrs[1] (10.0.0.0/23) overlaps network.publicSubnetCidrs[0] (10.0.0.0/24); subnets must not share addresses',
    line: 6,
    column: 38,
  },
  {
    name: 'only one availability zone',
    yaml: [
      ...MINIMAL.slice(0, 3),
      '  availabilityZones: [eu-west-1a]',
      '  publicSubnetCidrs: [10.0.0.0/24]',
      '  privateSubnetCidrs: [10.0.10.0/24]',
      ...MINIMAL.slice(6),
    ].join('\n'),
    code: 'CONFIG_INVALID',
    path: 'network.availabilityZones',
    message: 'needs at least 2 availability zones for high availability, got 1',
    line: 4,
    column: 22,
  },
  {
    name: 'duplicate availability zone',
    yaml: onLine(4, '  availabilityZones: [eu-west-1a, eu-west-1a]'),
    code: 'CONFIG_INVALID',
    path: 'network.availabilityZones[1]',
    message: 'eu-west-1a is listed twice (also network.availabilityZones[0])',
    line: 4,
    column: 35,
  },
  {
    name: 'availability zone of another region',
    yaml: onLine(4, '  availabilityZones: [eu-west-1a, eu-central-1b]'),
    code: 'CONFIG_INVALID',
    path: 'network.availabilityZones[1]',
    message: 'eu-central-1b is not an availability zone of region eu-west-1',
    line: 4,
    column: 35,
  },
  {
    name: 'availability zone ID instead of name',
    yaml: onLine(4, '  availabilityZones: [euw1-az1, euw1-az2]'),
    code: 'CONFIG_INVALID',
    path: 'network.availabilityZones[0]',
    message: 'euw1-az1 is an availability zone ID; use the zone name instead, e.g. eu-west-1a',
    line: 4,
    column: 23,
  },
  {
    name: 'more public subnets than availability zones',
    yaml: onLine(5, '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24]'),
    code: 'CONFIG_INVALID',
    path: 'network.publicSubnetCidrs',
    message:
      'has 3 entries but network.availabilityZones has 2; give exactly one public subnet per availability zone',
    line: 5,
    column: 22,
  },
  // --- auto scaling, load balancer ----------------------------------------------------------------
  {
    name: 'min greater than max',
    yaml: plus('autoScaling:', '  min: 5', '  max: 4'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.min',
    message: 'min (5) is greater than max (4)',
    line: 10,
    column: 8,
  },
  {
    name: 'desired greater than max',
    yaml: plus('autoScaling:', '  desired: 6', '  max: 4'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.desired',
    message: 'desired (6) is greater than max (4)',
    line: 10,
    column: 12,
  },
  {
    name: 'defaulted desired below min points at the parent',
    yaml: plus('autoScaling:', '  min: 3'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.desired',
    message: 'desired (2) is less than min (3)',
    line: 9,
    column: 1,
  },
  {
    name: 'scale-in threshold not below scale-out',
    yaml: plus('autoScaling:', '  scaleIn:', '    cpuPercent: 60'),
    code: 'CONFIG_INVALID',
    path: 'autoScaling.scaleIn.cpuPercent',
    message: 'scale-in CPU threshold (60 %) must be below the scale-out threshold (60 %)',
    line: 11,
    column: 17,
  },
  {
    name: 'health check timeout not below interval',
    yaml: plus('loadBalancer:', '  healthCheck:', '    intervalSeconds: 10', '    timeoutSeconds: 10'),
    code: 'CONFIG_INVALID',
    path: 'loadBalancer.healthCheck.timeoutSeconds',
    message: 'timeoutSeconds (10) must be less than intervalSeconds (10)',
    line: 12,
    column: 21,
  },
  // --- database, redis, storage -------------------------------------------------------------------
  {
    name: 'io1 IOPS above 50 per GB',
    yaml: plus('database:', '  storage:', '    sizeGb: 100', '    iops: 6000'),
    code: 'CONFIG_INVALID',
    path: 'database.storage.iops',
    message: '6000 IOPS is too many for 100 GB of RDS io1: at most 50 IOPS per GB, so 5000',
    line: 12,
    column: 11,
  },
  {
    name: 'io1 storage below the RDS minimum size',
    yaml: plus('database:', '  storage:', '    sizeGb: 50'),
    code: 'CONFIG_INVALID',
    path: 'database.storage.sizeGb',
    message: 'RDS io1 storage must be at least 100 GB, got 50',
    line: 11,
    column: 13,
  },
  {
    name: 'gp3 IOPS under 400 GB',
    yaml: plus('database:', '  storage:', '    type: gp3', '    iops: 12000'),
    code: 'CONFIG_INVALID',
    path: 'database.storage.iops',
    message: 'RDS gp3 storage under 400 GB has a fixed 3000 IOPS baseline',
    line: 12,
    column: 11,
  },
  {
    name: 'PostgreSQL 15 with GitLab 18',
    yaml: plus('database:', '  engineVersion: "15"'),
    code: 'CONFIG_INVALID',
    path: 'database.engineVersion',
    message: 'GitLab 18.x needs PostgreSQL 16 or newer; set engineVersion to "16" or a later major',
    line: 10,
    column: 18,
  },
  {
    name: 'PostgreSQL 16 with GitLab 19',
    yaml: plus('  version: 19.0.0', 'database:', '  engineVersion: "16"'),
    code: 'CONFIG_INVALID',
    path: 'database.engineVersion',
    message: 'GitLab 19.x needs PostgreSQL 17 or newer',
    line: 11,
    column: 18,
  },
  {
    name: 'PostgreSQL 13 with GitLab 17',
    yaml: plus('  version: 17.11.0', 'database:', '  engineVersion: "13"'),
    code: 'CONFIG_INVALID',
    path: 'database.engineVersion',
    message: 'PostgreSQL 13 is too old: GitLab needs PostgreSQL 14 or newer',
    line: 11,
    column: 18,
  },
  {
    name: 'Redis older than 6',
    yaml: plus('redis:', '  engineVersion: "5.0"'),
    code: 'CONFIG_INVALID',
    path: 'redis.engineVersion',
    message: 'Redis 5.0 is too old: GitLab needs Redis 6 or newer',
    line: 10,
    column: 18,
  },
  {
    name: 'io1 data volume without IOPS points at the parent',
    yaml: plus('storage:', '  dataVolume:', '    type: io1'),
    code: 'CONFIG_INVALID',
    path: 'storage.dataVolume.iops',
    message: 'io1 volumes need provisioned IOPS: set iops (e.g. 3000), or use type gp3',
    line: 10,
    column: 3,
  },
  {
    name: 'gp3 data volume IOPS above 16000',
    yaml: plus('storage:', '  dataVolume:', '    iops: 20000'),
    code: 'CONFIG_INVALID',
    path: 'storage.dataVolume.iops',
    message: 'gp3 volumes support 3000 to 16000 IOPS, got 20000',
    line: 11,
    column: 11,
  },
];

function parseError(yaml: string): InvalidInputError {
  try {
    parseConfig(yaml, 'gitlab-ha.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw InvalidInputError, but it returned a config');
}

describe('parseConfig rejects invalid configs', () => {
  it('has a case for every kind of mistake the brief lists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  it.each(cases)('$name', ({ yaml, code, path, message, line, column }) => {
    // GIVEN a config text with one mistake
    // WHEN it is parsed
    const error = parseError(yaml);

    // THEN it is an input error (exit 2) naming the file, with an issue at the offending node
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe(code);
    expect(error.source).toBe('gitlab-ha.yaml');
    expect(error.message).toMatch(/^gitlab-ha\.yaml is (not valid|empty)/);
    const issue = error.issues.find((candidate) => candidate.message.includes(message));
    expect(issue, `issues were: ${JSON.stringify(error.issues, null, 2)}`).toBeDefined();
    expect(issue?.path).toBe(path);
    expect(issue?.line).toBe(line);
    expect(issue?.column).toBe(column);
  });
});
