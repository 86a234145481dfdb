/**
 * One command-line flag per wizard question, so `gitlab-ha init` runs without a terminal. The
 * table drives both the commander options (src/cli/commands/init.ts) and the reading of their
 * values; `--region` and `--profile` are the CLI's global options, shared with every command.
 */
import type { InputIssue } from '../engine/errors.js';
import type { AnswerKey, WizardAnswers } from './answers.js';

export type FlagKind = 'text' | 'number' | 'list' | 'boolean';

export interface InitFlag {
  key: AnswerKey;
  /** Commander's flag syntax, e.g. `--vpc-cidr <cidr>`. */
  flags: string;
  description: string;
  kind: FlagKind;
  /** Allowed values, for enums (shown in --help and checked by commander). */
  choices?: readonly string[];
  /** Defined by the CLI for every command (not registered again on init). */
  global?: boolean;
}

export const INIT_FLAGS: readonly InitFlag[] = [
  {
    key: 'name',
    flags: '--name <name>',
    description: 'deployment name (3-22 lowercase letters, digits, hyphens)',
    kind: 'text',
  },
  { key: 'profile', flags: '--profile <name>', description: 'AWS profile', kind: 'text', global: true },
  { key: 'region', flags: '--region <region>', description: 'AWS region', kind: 'text', global: true },
  { key: 'vpcCidr', flags: '--vpc-cidr <cidr>', description: 'VPC CIDR block', kind: 'text' },
  {
    key: 'availabilityZones',
    flags: '--azs <zones>',
    description: 'availability zones, comma-separated (at least 2)',
    kind: 'list',
  },
  {
    key: 'publicSubnetCidrs',
    flags: '--public-subnets <cidrs>',
    description: 'public subnet CIDRs, one per zone, comma-separated',
    kind: 'list',
  },
  {
    key: 'privateSubnetCidrs',
    flags: '--private-subnets <cidrs>',
    description: 'private subnet CIDRs, one per zone, comma-separated',
    kind: 'list',
  },
  {
    key: 'natGateways',
    flags: '--nat <mode>',
    description: 'NAT gateways',
    kind: 'text',
    choices: ['single', 'per-az'],
  },
  { key: 'dbVersion', flags: '--db-version <version>', description: 'PostgreSQL version', kind: 'text' },
  { key: 'dbClass', flags: '--db-class <class>', description: 'RDS instance class', kind: 'text' },
  {
    key: 'dbMultiAz',
    flags: '--db-multi-az',
    description: 'RDS Multi-AZ standby (--no-db-multi-az: none)',
    kind: 'boolean',
  },
  {
    key: 'dbStorageType',
    flags: '--db-storage-type <type>',
    description: 'RDS storage type',
    kind: 'text',
    choices: ['io1', 'io2', 'gp3'],
  },
  {
    key: 'dbStorageGb',
    flags: '--db-storage-gb <gb>',
    description: 'RDS storage size in GB',
    kind: 'number',
  },
  {
    key: 'dbIops',
    flags: '--db-iops <iops>',
    description: 'RDS provisioned IOPS (io1/io2, or gp3 from 400 GB)',
    kind: 'number',
  },
  {
    key: 'redisNodeType',
    flags: '--redis-node-type <type>',
    description: 'ElastiCache node type',
    kind: 'text',
  },
  {
    key: 'redisReplicas',
    flags: '--redis-replicas <count>',
    description: 'Redis read replicas (at least 1)',
    kind: 'number',
  },
  {
    key: 'storageInstanceType',
    flags: '--storage-instance-type <type>',
    description: 'storage node (Gitaly + NFS) instance type',
    kind: 'text',
  },
  {
    key: 'storageVolumeGb',
    flags: '--storage-volume-gb <gb>',
    description: 'storage node data volume size in GB',
    kind: 'number',
  },
  {
    key: 'gitlabEdition',
    flags: '--gitlab-edition <edition>',
    description: 'GitLab edition',
    kind: 'text',
    choices: ['ee', 'ce'],
  },
  {
    key: 'gitlabVersion',
    flags: '--gitlab-version <version>',
    description: 'GitLab package version, e.g. 18.5.1',
    kind: 'text',
  },
  {
    key: 'externalUrl',
    flags: '--external-url <url>',
    description: 'the URL users type, http:// or https://',
    kind: 'text',
  },
  {
    key: 'instanceType',
    flags: '--instance-type <type>',
    description: 'GitLab (Rails) node instance type',
    kind: 'text',
  },
  {
    key: 'sshAccessCidr',
    flags: '--ssh-cidr <cidr>',
    description: 'admin SSH from this CIDR (optional; none when left out)',
    kind: 'text',
  },
  {
    key: 'keyPair',
    flags: '--key-pair <name>',
    description: 'EC2 key pair for admin SSH (optional)',
    kind: 'text',
  },
  {
    key: 'certificateArn',
    flags: '--certificate-arn <arn>',
    description: 'ACM certificate for HTTPS (required for an https URL)',
    kind: 'text',
  },
  { key: 'min', flags: '--min <count>', description: 'Auto Scaling minimum GitLab nodes', kind: 'number' },
  {
    key: 'desired',
    flags: '--desired <count>',
    description: 'Auto Scaling desired GitLab nodes',
    kind: 'number',
  },
  { key: 'max', flags: '--max <count>', description: 'Auto Scaling maximum GitLab nodes', kind: 'number' },
  {
    key: 'scaleOutCpu',
    flags: '--scale-out-cpu <percent>',
    description: 'add a node above this average CPU %',
    kind: 'number',
  },
  {
    key: 'scaleInCpu',
    flags: '--scale-in-cpu <percent>',
    description: 'remove a node below this average CPU %',
    kind: 'number',
  },
];

/** The flag that answers `key`, as typed: `--vpc-cidr`. */
export function flagFor(key: AnswerKey): string {
  const flag = INIT_FLAGS.find((entry) => entry.key === key);
  return flag ? flag.flags.split(' ')[0]! : key;
}

/** Commander's attribute name for a flag: `--db-multi-az` -> `dbMultiAz`. */
export function attributeName(flag: InitFlag): string {
  const long = flag.flags.split(' ')[0]!.replace(/^--/, '');
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export interface ParsedFlags {
  answers: Partial<WizardAnswers>;
  /** Values that are not even the right kind (a number flag given "ten"). */
  issues: InputIssue[];
}

/** The answers given as flags, from commander's parsed option values (absent flags are left out). */
export function answersFromFlags(values: Readonly<Record<string, unknown>>): ParsedFlags {
  const answers: Record<string, unknown> = {};
  const issues: InputIssue[] = [];
  for (const flag of INIT_FLAGS) {
    const raw = values[attributeName(flag)];
    if (raw === undefined) continue;
    const parsed = parseFlagValue(flag, raw);
    if (parsed.ok) answers[flag.key] = parsed.value;
    else issues.push({ path: flagFor(flag.key), message: parsed.problem });
  }
  return { answers: answers as Partial<WizardAnswers>, issues };
}

type FlagValue = { ok: true; value: unknown } | { ok: false; problem: string };

function parseFlagValue(flag: InitFlag, raw: unknown): FlagValue {
  if (flag.kind === 'boolean') return { ok: true, value: raw === true };
  const text = String(raw).trim();
  switch (flag.kind) {
    case 'number': {
      const value = Number(text);
      return text !== '' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, problem: `expected a number, got "${text}"` };
    }
    case 'list':
      return { ok: true, value: splitList(text) };
    case 'text':
      // An empty value says "none" for the optional questions; the rules judge it for the others.
      return { ok: true, value: text === '' ? undefined : text };
  }
}

/** `a, b,c` -> [a, b, c]: commas and/or spaces separate list entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
