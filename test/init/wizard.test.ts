import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import {
  ANSWER_PATHS,
  INIT_FLAGS,
  PACKAGE_SCHEMA_PATH,
  flagFor,
  type AnswerKey,
} from '../../src/init/index.js';
import { runCli } from '../support/cli.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { CTRL_C, ENTER, ScriptedPrompts, type ScriptedAnswer } from '../support/scripted-prompts.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-init-'));
}

async function runInit(args: string[], options: { cwd: string; prompts?: ScriptedPrompts; fake?: FakeAws }) {
  return runCli(['init', ...args], {
    cwd: options.cwd,
    isTTY: options.prompts !== undefined,
    ...(options.prompts ? { prompts: options.prompts } : {}),
    ...(options.fake ? { fake: options.fake } : {}),
  });
}

/** The written file without its first line (the schema modeline, whose path depends on the temp dir). */
async function writtenConfig(
  dir: string,
  file = 'gitlab-ha.yaml',
): Promise<{ modeline: string; body: string }> {
  const text = await readFile(path.join(dir, file), 'utf8');
  const [modeline = '', ...rest] = text.split('\n');
  return { modeline, body: rest.join('\n') };
}

/** One answer per question of an offline run, in the guide's order; Enter takes the default. */
function offlineScript(overrides: Partial<Record<string, ScriptedAnswer[]>> = {}): ScriptedAnswer[] {
  const answers: [question: string, answers: ScriptedAnswer[]][] = [
    ['name', ['acme-gitlab']],
    ['profile', [ENTER]],
    ['region', ['eu-west-1']],
    ['vpcCidr', [ENTER]],
    ['zones', [ENTER]],
    ['public', [ENTER]],
    ['private', [ENTER]],
    ['nat', ['single']],
    ['dbVersion', [ENTER]],
    ['dbClass', [ENTER]],
    ['multiAz', [ENTER]],
    ['storageType', ['gp3']],
    ['storageGb', [ENTER]],
    ['iops', []],
    ['redisNodeType', [ENTER]],
    ['replicas', [ENTER]],
    ['storageInstanceType', [ENTER]],
    ['volumeGb', [200]],
    ['edition', ['ce']],
    ['gitlabVersion', [ENTER]],
    ['url', ['http://gitlab.acme.example']],
    ['instanceType', [ENTER]],
    ['ssh', ['203.0.113.0/24']],
    ['keyPair', [ENTER]],
    ['certificate', [ENTER]],
    ['min', [ENTER]],
    ['desired', [ENTER]],
    ['max', [6]],
    ['scaleOut', [ENTER]],
    ['scaleIn', [ENTER]],
    ['apply', [false]],
  ];
  return answers.flatMap(([question, scripted]) => overrides[question] ?? scripted);
}

describe('gitlab-ha init in a terminal', () => {
  it('walks the guide in order, takes defaults on Enter and writes a commented config that loads', async () => {
    // GIVEN an empty folder and no AWS credentials (the harness refuses to build AWS clients)
    const dir = await tempDir();
    const prompts = new ScriptedPrompts(offlineScript());

    // WHEN the wizard is answered
    const result = await runInit([], { cwd: dir, prompts });

    // THEN it asked the guide's sections in order, every answer used
    expect(result.code).toBe(0);
    expect(prompts.remaining).toBe(0);
    expect(prompts.messages()).toEqual([
      'Deployment name (prefixes every AWS resource)',
      'AWS profile (empty: the default credential chain)',
      'AWS region',
      'VPC CIDR block',
      'Availability zones (space to select, at least 2)',
      'Public subnets, one per zone (eu-west-1a, eu-west-1b) (comma-separated)',
      'Private subnets, one per zone (eu-west-1a, eu-west-1b) (comma-separated)',
      'NAT gateways',
      'PostgreSQL version (GitLab 18 needs 16+)',
      'RDS instance class',
      'Multi-AZ (a standby in another zone with automatic failover)?',
      'Database storage type',
      'Database storage size (GB)',
      'Redis node type',
      'Redis read replicas (at least 1 for automatic failover)',
      'Storage node (Gitaly + NFS) instance type',
      'Storage data volume size (GB)',
      'GitLab edition',
      'GitLab version',
      'External URL (what users type, e.g. https://gitlab.example.com)',
      'GitLab node instance type',
      'Admin SSH to the nodes from CIDR (empty: none, use SSM Session Manager)',
      'EC2 key pair for admin SSH (empty: none)',
      'ACM certificate ARN for HTTPS on 443 (empty: HTTP only)',
      'Minimum GitLab nodes',
      'Desired GitLab nodes',
      'Maximum GitLab nodes',
      'Add a node above average CPU %',
      'Remove a node below average CPU %',
      'Apply now? (creates the AWS resources above; resumable if interrupted)',
    ]);
    // AND without credentials it offered the built-in regions, two zones preselected, subnets computed
    expect(result.stderr).toContain(
      'Using the built-in list of regions; the availability zones will be checked at apply.',
    );
    expect(prompts.question('AWS region').choices).toContain('ap-southeast-2');
    expect(prompts.question('Availability zones').choices).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
    expect(prompts.question('Availability zones').offered).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(prompts.question('Public subnets').offered).toBe('10.0.0.0/24, 10.0.1.0/24');
    expect(prompts.question('Private subnets').offered).toBe('10.0.10.0/24, 10.0.11.0/24');

    // AND the file points editors at the package's schema and holds every answer, commented
    const { modeline, body } = await writtenConfig(dir);
    expect(modeline).toBe(`# yaml-language-server: $schema=${path.relative(dir, PACKAGE_SCHEMA_PATH)}`);
    expect(existsSync(path.resolve(dir, modeline.split('$schema=')[1]!))).toBe(true);
    expect(body).toMatchInlineSnapshot(`
      "
      # gitlab-ha deployment, written by \`gitlab-ha init\`. Keys left out keep their defaults (see
      # examples/gitlab-ha.yaml in the gitlab-ha package for every option). Next: \`gitlab-ha plan\`.

      # Deployment name. It prefixes every AWS resource name and goes into the gitlab-ha:deployment
      # tag that finds them again, so changing it later means a new deployment.
      name: acme-gitlab

      # The AWS region for everything. The availability zones below must belong to it.
      region: eu-west-1

      # VPC, subnets, internet gateway, NAT gateways and route tables.
      network:
        # A /16 leaves room for more subnets later. AWS allows /16 to /28.
        vpcCidr: 10.0.0.0/16
        # At least two zones: RDS Multi-AZ, ElastiCache failover and the load balancer all need two.
        availabilityZones:
          - eu-west-1a
          - eu-west-1b
        # One public subnet per zone, in the same order as availabilityZones: load balancer and NAT.
        publicSubnetCidrs:
          - 10.0.0.0/24
          - 10.0.1.0/24
        # One private subnet per zone, same order: GitLab nodes, RDS, ElastiCache, the storage node.
        privateSubnetCidrs:
          - 10.0.10.0/24
          - 10.0.11.0/24
        # per-az: one NAT gateway per zone, as GitLab's AWS guide recommends, so losing a zone does not
        # cut the other zone's egress. single: one NAT gateway, cheaper, but a single point of failure.
        natGateways: single

      # RDS PostgreSQL: encrypted, private, password generated and kept in SSM Parameter Store.
      database:
        # PostgreSQL major (or major.minor). GitLab 18.x needs 16 or newer, GitLab 19.x 17. Keep the quotes.
        engineVersion: '16'
        # GitLab advises against burstable (db.t*) classes for production.
        instanceClass: db.m6i.large
        # A standby in another zone with automatic failover.
        multiAz: true
        # io1 (Provisioned IOPS) is what GitLab's AWS guide uses; gp3 is cheaper. RDS gp3 below 400 GB
        # has a fixed 3000 IOPS baseline, so iops is left out then. io1 allows at most 50 IOPS per GB.
        storage:
          type: gp3
          sizeGb: 100

      # ElastiCache Redis, cluster mode disabled, encrypted, AUTH token kept in SSM.
      redis:
        # One node type for the primary and its replicas.
        nodeType: cache.m6g.large
        # Read replicas beside the primary; at least one for automatic failover across zones.
        replicas: 1

      # The storage node: Gitaly for Git repositories (NFS for Git data is unsupported since GitLab
      # 15.6) and an NFS export for uploads, shared files and CI build data.
      storage:
        # Runs Gitaly and the NFS server; size it for your repositories and CI load.
        instanceType: m6i.large
        # Encrypted EBS volume (gp3) holding the repositories and shared data.
        dataVolume:
          sizeGb: 200

      # The GitLab nodes, baked into an AMI and run by the Auto Scaling group.
      gitlab:
        # ee runs without a license as the free tier and can be upgraded to a paid tier in place.
        edition: ce
        # Exact package version, pinned so every node (and every rebuild) runs the same GitLab.
        version: 18.5.1
        # The URL users type. https needs loadBalancer.certificateArn: TLS ends at the load balancer.
        externalUrl: http://gitlab.acme.example
        # Rails nodes. GitLab's AWS guide: c5.2xlarge minimum; burstable types are not recommended.
        instanceType: c5.2xlarge
        # Admin SSH to the nodes from this CIDR only (otherwise use SSM Session Manager).
        sshAccessCidr: 203.0.113.0/24

      # GitLab nodes in an Auto Scaling group across the private subnets.
      autoScaling:
        # GitLab's AWS guide: min 2, desired 2, max 4.
        min: 2
        desired: 2
        max: 6
        # Add a node when the average CPU stays above this (two one-minute periods by default).
        scaleOut:
          cpuPercent: 60
        # Remove a node below this; it must stay under scaleOut, or the alarms undo each other.
        scaleIn:
          cpuPercent: 45
      "
    `);

    // AND it loads with the config loader, as apply will read it
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config.network.natGateways).toBe('single');
    expect(config.database.storage).toEqual({ type: 'gp3', sizeGb: 100 });
    expect(config.autoScaling.max).toBe(6);

    // AND the end shows what will be built and what it costs, and the next commands
    expect(result.stdout).toContain('Wrote gitlab-ha.yaml');
    expect(result.stdout).toContain('What gitlab-ha will build for acme-gitlab in eu-west-1:');
    expect(result.stdout).toContain('1 NAT gateway (single)');
    expect(result.stdout).toMatch(/Total\s+\$[\d,]+\.\d\d\s+\$[\d,]+\.\d\d/);
    expect(result.stdout).toContain('Next: gitlab-ha plan, then gitlab-ha apply');
  });

  it('re-asks a wrong answer with the reason and never writes it', async () => {
    // GIVEN answers that break the config rules before the right ones
    const dir = await tempDir();
    const prompts = new ScriptedPrompts(
      offlineScript({
        name: ['Acme', 'acme-gitlab'],
        region: ['us-east-1'],
        vpcCidr: ['10.0.0.0/33', '10.1.0.0/16'],
        zones: [['us-east-1a'], ['us-east-1a', 'us-east-1c']],
        public: ['10.0.0.0/24, 10.0.1.0/24', ENTER],
        private: ['10.1.0.0/24, 10.1.11.0/24', ENTER],
        dbVersion: ['12', '17'],
        storageType: ['io1'],
        storageGb: [50, 100],
        iops: [60000, ENTER],
        volumeGb: [ENTER],
        edition: [ENTER],
        url: ['https://gitlab.acme.example:8443', 'https://gitlab.acme.example'],
        certificate: [
          '',
          'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
          'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
        ],
        min: [3],
        desired: [2, ENTER],
        max: [ENTER],
        scaleOut: [50],
        scaleIn: [55, ENTER],
      }),
    );

    // WHEN the wizard runs
    const result = await runInit([], { cwd: dir, prompts });

    // THEN each wrong answer was refused with the rule's own reason
    expect(result.code).toBe(0);
    expect(prompts.remaining).toBe(0);
    expect(prompts.question('Deployment name').refused).toEqual([
      'must be 3-22 characters of lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen',
    ]);
    expect(prompts.question('VPC CIDR').refused).toEqual([
      '10.0.0.0/33 has prefix /33; an IPv4 prefix is at most /32',
    ]);
    expect(prompts.question('Availability zones').refused).toEqual([
      'needs at least 2 availability zones for high availability, got 1; e.g. [us-east-1a, us-east-1b]',
    ]);
    expect(prompts.question('Public subnets').refused).toEqual([
      'entry 1: subnet 10.0.0.0/24 is outside the VPC CIDR 10.1.0.0/16 (network.vpcCidr); every subnet must lie inside it; entry 2: subnet 10.0.1.0/24 is outside the VPC CIDR 10.1.0.0/16 (network.vpcCidr); every subnet must lie inside it',
    ]);
    expect(prompts.question('Private subnets').refused).toEqual([
      'entry 1: network.privateSubnetCidrs[0] (10.1.0.0/24) overlaps network.publicSubnetCidrs[0] (10.1.0.0/24); subnets must not share addresses',
    ]);
    expect(prompts.question('PostgreSQL version').refused).toEqual([
      'PostgreSQL 12 is not supported by GitLab 18.5.1: GitLab 18.x needs PostgreSQL 16 or newer; set engineVersion to "16" or a later major',
    ]);
    expect(prompts.question('Database storage size').refused).toEqual([
      'RDS io1 storage must be at least 100 GB, got 50; raise sizeGb or use type gp3',
    ]);
    expect(prompts.question('Provisioned IOPS').refused).toEqual([
      '60000 IOPS is too many for 100 GB of RDS io1: at most 50 IOPS per GB, so 5000; lower iops or raise sizeGb to 1200',
    ]);
    expect(prompts.question('External URL').refused).toEqual([
      'must not name a port (:8443): the load balancer listens on 80 (http) and 443 (https) only',
    ]);
    expect(prompts.question('ACM certificate ARN').refused).toEqual([
      'an https URL needs a certificate: TLS ends at the load balancer',
      'the certificate is in eu-west-1 but the deployment is in us-east-1; a load balancer can only use ACM certificates from its own region',
    ]);
    expect(prompts.question('Desired GitLab nodes').refused).toEqual([
      'desired (2) is less than min (3); need min <= desired <= max',
    ]);
    expect(prompts.question('Remove a node below').refused).toEqual([
      'scale-in CPU threshold (55 %) must be below the scale-out threshold (50 %), or the two alarms keep undoing each other',
    ]);
    // AND defaults after a correction follow it: subnets from the new VPC, desired from min, scale-in below scale-out
    expect(prompts.question('Public subnets').offered).toBe('10.1.0.0/24, 10.1.1.0/24');
    expect(prompts.question('Desired GitLab nodes').offered).toBe(3);
    expect(prompts.question('Remove a node below').offered).toBe(35);

    // AND only the corrected answers were written
    const text = await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8');
    for (const wrong of ['Acme', '/33', '10.0.0.0/24', "'12'", ':8443', 'eu-west-1'])
      expect(text).not.toContain(wrong);
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config.network.availabilityZones).toEqual(['us-east-1a', 'us-east-1c']);
    expect(config.network.privateSubnetCidrs).toEqual(['10.1.10.0/24', '10.1.11.0/24']);
    expect(config.database.engineVersion).toBe('17');
    expect(config.database.storage).toEqual({ type: 'io1', sizeGb: 100, iops: 1000 });
    expect(config.loadBalancer.certificateArn).toBe(
      'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    );
    expect(config.autoScaling).toMatchObject({ min: 3, desired: 3, max: 4 });
    expect(config.autoScaling.scaleIn.cpuPercent).toBe(35);
  });

  it('asks an earlier answer again when a later one contradicts it', async () => {
    // GIVEN PostgreSQL 16 accepted, then GitLab 19 chosen (which needs PostgreSQL 17)
    const dir = await tempDir();
    const script = offlineScript();
    script.splice(script.indexOf('http://gitlab.acme.example') - 1, 1, '19.0.0');
    script.splice(script.length - 1, 0, '17');
    const prompts = new ScriptedPrompts(script);

    // WHEN the wizard reaches the end
    const result = await runInit([], { cwd: dir, prompts });

    // THEN it said why and asked the PostgreSQL version again, with the old answer as the default
    expect(result.code).toBe(0);
    expect(prompts.remaining).toBe(0);
    expect(result.stderr).toContain(
      'Please change this answer: PostgreSQL 16 is not supported by GitLab 19.0.0: GitLab 19.x needs PostgreSQL 17 or newer',
    );
    const versionQuestions = prompts.asked.filter((question) =>
      question.message.startsWith('PostgreSQL version'),
    );
    expect(versionQuestions.map((question) => [question.offered, question.answer])).toEqual([
      ['16', '16'],
      ['16', '17'],
    ]);
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect([config.database.engineVersion, config.gitlab.version]).toEqual(['17', '19.0.0']);
  });

  it('does not ask the questions answered by flags', async () => {
    // GIVEN flags for some questions
    const dir = await tempDir();
    // Enter for each remaining question: profile, VPC CIDR, public and private subnets; PostgreSQL
    // version, class, Multi-AZ, storage size; Redis node type and replicas, storage node type and
    // volume; edition, version, node type, SSH, key pair, certificate; desired, max, scale-out, scale-in.
    const remainingQuestions = 22;
    const prompts = new ScriptedPrompts(
      Array.from({ length: remainingQuestions }, (): ScriptedAnswer => ENTER),
    );

    // WHEN init runs with them
    const result = await runInit(
      [
        '--name=flagged',
        '--region=eu-central-1',
        '--azs=eu-central-1b,eu-central-1c',
        '--nat=single',
        '--db-storage-type=gp3',
        '--external-url=http://git.flagged.example',
        '--min=3',
        '--no-apply',
      ],
      { cwd: dir, prompts },
    );

    // THEN none of their questions was asked, and their values are in the file
    expect(result.code).toBe(0);
    expect(prompts.remaining).toBe(0);
    const asked = prompts.messages().join('\n');
    for (const skipped of [
      'Deployment name',
      'AWS region',
      'Availability zones',
      'NAT',
      'storage type',
      'External URL',
      'Minimum',
      'Apply now',
    ])
      expect(asked).not.toContain(skipped);
    // AND the subnets offered follow the flagged zones
    expect(prompts.question('Public subnets').message).toContain('(eu-central-1b, eu-central-1c)');
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config).toMatchObject({
      name: 'flagged',
      region: 'eu-central-1',
      network: { availabilityZones: ['eu-central-1b', 'eu-central-1c'], natGateways: 'single' },
      database: { storage: { type: 'gp3', sizeGb: 100 } },
      gitlab: { externalUrl: 'http://git.flagged.example' },
      autoScaling: { min: 3, desired: 3, max: 4 },
    });
  });

  it('with --defaults asks only what has no default', async () => {
    // GIVEN --defaults and a terminal
    const dir = await tempDir();
    const prompts = new ScriptedPrompts([
      'https://gitlab.example.org',
      'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      false,
    ]);

    // WHEN init runs
    const result = await runInit(['--defaults'], { cwd: dir, prompts });

    // THEN only the URL (and, as it is https, the certificate) were asked
    expect(result.code).toBe(0);
    expect(prompts.messages()).toEqual([
      'External URL (what users type, e.g. https://gitlab.example.com)',
      'ACM certificate ARN for HTTPS (required for an https URL)',
      'Apply now? (creates the AWS resources above; resumable if interrupted)',
    ]);
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config).toMatchObject({
      name: 'gitlab',
      region: 'us-east-1',
      network: { availabilityZones: ['us-east-1a', 'us-east-1b'] },
    });
  });
});

describe('gitlab-ha init with AWS credentials', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws({ region: 'eu-west-1' }).install();
  });
  afterEach(() => fake.restore());

  it('offers the account regions, the region zones and its issued ACM certificates', async () => {
    // GIVEN certificates in ACM: one for the host, a wildcard, one still pending, one ECDSA
    const exact = fake.acm.add({ domain: 'gitlab.acme.example' });
    const wildcard = fake.acm.add({ domain: '*.acme.example', alternativeNames: ['acme.example'] });
    const other = fake.acm.add({ domain: 'www.other.example' });
    const pending = fake.acm.add({ domain: 'new.acme.example', status: 'PENDING_VALIDATION' });
    fake.acm.add({ domain: 'ec.acme.example', keyAlgorithm: 'EC_prime256v1' });
    const dir = await tempDir();
    const missingArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-a000-000000000000';
    const prompts = new ScriptedPrompts(
      offlineScript({
        zones: [['eu-west-1b', 'eu-west-1c']],
        url: ['https://gitlab.acme.example'],
        certificate: ['\u0000other', missingArn, pending.arn, exact.arn],
      }),
    );

    // WHEN init runs
    const result = await runInit([], { cwd: dir, prompts, fake });

    // THEN the regions came from DescribeRegions (enabled ones only), the zones from the region
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Cannot ask AWS');
    const regions = prompts.question('AWS region').choices;
    expect(regions).toContain('eu-west-1');
    expect(regions).not.toContain('af-south-1');
    expect(regions).not.toContain('\u0000other');
    expect(prompts.question('Availability zones').choices).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
    // AND the issued RSA certificates were offered, those covering the URL's host first, no "none" for https
    expect(prompts.question('Certificate for HTTPS').choices).toEqual([
      exact.arn,
      wildcard.arn,
      other.arn,
      '\u0000other',
    ]);
    expect(
      fake
        .calls()
        .filter((call) => call.service === 'acm')
        .map((call) => call.command),
    ).toEqual(['ListCertificates', 'DescribeCertificate', 'DescribeCertificate', 'DescribeCertificate']);
    // AND typed ARNs were checked with ACM
    expect(prompts.question('ACM certificate ARN').refused).toEqual([
      `no ACM certificate ${missingArn} in eu-west-1 for this account; pick one from the list or request one in ACM`,
      'the certificate is PENDING_VALIDATION, not ISSUED; a load balancer can only serve an issued certificate (finish its validation in ACM first)',
    ]);
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config.loadBalancer.certificateArn).toBe(exact.arn);
    expect(config.network.availabilityZones).toEqual(['eu-west-1b', 'eu-west-1c']);
    // AND nothing in AWS was changed
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it('runs apply in the same process when the answer to "Apply now?" is yes', async () => {
    // GIVEN a wizard answered up to "Apply now?", answered yes
    const dir = await tempDir();
    const prompts = new ScriptedPrompts(offlineScript({ apply: [true] }));

    // WHEN init runs
    const result = await runInit([], { cwd: dir, prompts, fake });

    // THEN apply ran with the new config: its summary, its state file, the VPC from the answers
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Apply succeeded');
    expect(existsSync(path.join(dir, 'acme-gitlab.state.json'))).toBe(true);
    expect(fake.taggedResources('acme-gitlab').length).toBeGreaterThan(0);
    expect([...fake.ec2.vpcs.values()].map((vpc) => vpc.cidrBlock)).toEqual(['10.0.0.0/16']);
  });
});

describe('gitlab-ha init without a terminal', () => {
  it('runs without prompting when every question has a flag', async () => {
    // GIVEN a flag for every question
    const dir = await tempDir();
    const flags = [
      '--name=ci-gitlab',
      '--profile=ci',
      '--region=eu-west-2',
      '--vpc-cidr=10.20.0.0/16',
      '--azs=eu-west-2a,eu-west-2b,eu-west-2c',
      '--public-subnets=10.20.0.0/24,10.20.1.0/24,10.20.2.0/24',
      '--private-subnets=10.20.10.0/24,10.20.11.0/24,10.20.12.0/24',
      '--nat=per-az',
      '--db-version=17',
      '--db-class=db.r6i.large',
      '--no-db-multi-az',
      '--db-storage-type=io2',
      '--db-storage-gb=200',
      '--db-iops=4000',
      '--redis-node-type=cache.r6g.large',
      '--redis-replicas=2',
      '--storage-instance-type=m6i.xlarge',
      '--storage-volume-gb=500',
      '--gitlab-edition=ce',
      '--gitlab-version=18.6.0',
      '--external-url=https://gitlab.ci.example',
      '--instance-type=c6i.2xlarge',
      '--ssh-cidr=198.51.100.0/24',
      '--key-pair=ci-admin',
      '--certificate-arn=arn:aws:acm:eu-west-2:123456789012:certificate/ci',
      '--min=3',
      '--desired=4',
      '--max=8',
      '--scale-out-cpu=70',
      '--scale-in-cpu=30',
      '--output=ci.yaml',
      '--no-apply',
    ];

    // WHEN init runs with no terminal
    const result = await runInit(flags, { cwd: dir });

    // THEN it wrote the file from the flags alone (the harness fails any question)
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const { body } = await writtenConfig(dir, 'ci.yaml');
    expect(body).toMatchInlineSnapshot(`
      "
      # gitlab-ha deployment, written by \`gitlab-ha init\`. Keys left out keep their defaults (see
      # examples/gitlab-ha.yaml in the gitlab-ha package for every option). Next: \`gitlab-ha plan\`.

      # Deployment name. It prefixes every AWS resource name and goes into the gitlab-ha:deployment
      # tag that finds them again, so changing it later means a new deployment.
      name: ci-gitlab

      # The AWS region for everything. The availability zones below must belong to it.
      region: eu-west-2

      # How gitlab-ha reaches AWS.
      aws:
        # Named profile from ~/.aws/config; --profile and AWS_PROFILE take precedence.
        profile: ci

      # VPC, subnets, internet gateway, NAT gateways and route tables.
      network:
        # A /16 leaves room for more subnets later. AWS allows /16 to /28.
        vpcCidr: 10.20.0.0/16
        # At least two zones: RDS Multi-AZ, ElastiCache failover and the load balancer all need two.
        availabilityZones:
          - eu-west-2a
          - eu-west-2b
          - eu-west-2c
        # One public subnet per zone, in the same order as availabilityZones: load balancer and NAT.
        publicSubnetCidrs:
          - 10.20.0.0/24
          - 10.20.1.0/24
          - 10.20.2.0/24
        # One private subnet per zone, same order: GitLab nodes, RDS, ElastiCache, the storage node.
        privateSubnetCidrs:
          - 10.20.10.0/24
          - 10.20.11.0/24
          - 10.20.12.0/24
        # per-az: one NAT gateway per zone, as GitLab's AWS guide recommends, so losing a zone does not
        # cut the other zone's egress. single: one NAT gateway, cheaper, but a single point of failure.
        natGateways: per-az

      # RDS PostgreSQL: encrypted, private, password generated and kept in SSM Parameter Store.
      database:
        # PostgreSQL major (or major.minor). GitLab 18.x needs 16 or newer, GitLab 19.x 17. Keep the quotes.
        engineVersion: '17'
        # GitLab advises against burstable (db.t*) classes for production.
        instanceClass: db.r6i.large
        # A standby in another zone with automatic failover.
        multiAz: false
        # io1 (Provisioned IOPS) is what GitLab's AWS guide uses; gp3 is cheaper. RDS gp3 below 400 GB
        # has a fixed 3000 IOPS baseline, so iops is left out then. io1 allows at most 50 IOPS per GB.
        storage:
          type: io2
          sizeGb: 200
          iops: 4000

      # ElastiCache Redis, cluster mode disabled, encrypted, AUTH token kept in SSM.
      redis:
        # One node type for the primary and its replicas.
        nodeType: cache.r6g.large
        # Read replicas beside the primary; at least one for automatic failover across zones.
        replicas: 2

      # The storage node: Gitaly for Git repositories (NFS for Git data is unsupported since GitLab
      # 15.6) and an NFS export for uploads, shared files and CI build data.
      storage:
        # Runs Gitaly and the NFS server; size it for your repositories and CI load.
        instanceType: m6i.xlarge
        # Encrypted EBS volume (gp3) holding the repositories and shared data.
        dataVolume:
          sizeGb: 500

      # The GitLab nodes, baked into an AMI and run by the Auto Scaling group.
      gitlab:
        # ee runs without a license as the free tier and can be upgraded to a paid tier in place.
        edition: ce
        # Exact package version, pinned so every node (and every rebuild) runs the same GitLab.
        version: 18.6.0
        # The URL users type. https needs loadBalancer.certificateArn: TLS ends at the load balancer.
        externalUrl: https://gitlab.ci.example
        # Rails nodes. GitLab's AWS guide: c5.2xlarge minimum; burstable types are not recommended.
        instanceType: c6i.2xlarge
        # Admin SSH to the nodes from this CIDR only (otherwise use SSM Session Manager).
        sshAccessCidr: 198.51.100.0/24
        # EC2 key pair installed on the nodes for admin SSH.
        keyPair: ci-admin

      # The classic load balancer in front of the GitLab nodes.
      loadBalancer:
        # ACM certificate for HTTPS on 443, in the same region as the deployment.
        certificateArn: arn:aws:acm:eu-west-2:123456789012:certificate/ci

      # GitLab nodes in an Auto Scaling group across the private subnets.
      autoScaling:
        # GitLab's AWS guide: min 2, desired 2, max 4.
        min: 3
        desired: 4
        max: 8
        # Add a node when the average CPU stays above this (two one-minute periods by default).
        scaleOut:
          cpuPercent: 70
        # Remove a node below this; it must stay under scaleOut, or the alarms undo each other.
        scaleIn:
          cpuPercent: 30
      "
    `);
    await expect(loadConfig(path.join(dir, 'ci.yaml'))).resolves.toBeDefined();
    expect(result.stdout).toContain(
      'Next: gitlab-ha plan --config ci.yaml, then gitlab-ha apply --config ci.yaml',
    );
  });

  it('has a flag for every question', () => {
    // GIVEN the questions (one per answer key) and init's flags
    const keys = Object.keys(ANSWER_PATHS) as AnswerKey[];

    // WHEN each is looked up  THEN every question has exactly one flag
    for (const key of keys) expect(INIT_FLAGS.filter((flag) => flag.key === key)).toHaveLength(1);
    expect(keys.map(flagFor)).toContain('--scale-in-cpu');
  });

  it('fails fast naming every missing flag, and writes nothing', async () => {
    // GIVEN no terminal and no flags
    const dir = await tempDir();

    // WHEN init runs
    const result = await runInit([], { cwd: dir });

    // THEN it exits 2 naming the flags to pass, and suggests --defaults
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error: gitlab-ha init needs answers it cannot ask for');
    expect(result.stderr).toContain(
      '  --name, --region, --vpc-cidr, --azs, --public-subnets, --private-subnets, --nat, --db-version, --db-class, --db-multi-az, --db-storage-type, --db-storage-gb, --db-iops, --redis-node-type, --redis-replicas, --storage-instance-type, --storage-volume-gb, --gitlab-edition, --gitlab-version, --external-url, --instance-type, --min, --desired, --max, --scale-out-cpu, --scale-in-cpu: no answers given, and there is no terminal to ask on',
    );
    expect(result.stderr).toContain('or --defaults to take the default for every question that has one');
    expect(await readdir(dir)).toEqual([]);
  });

  it('with --defaults names only the answers without a default', async () => {
    // GIVEN --defaults and an https URL, no certificate
    const dir = await tempDir();

    // WHEN init runs without a terminal
    const result = await runInit(['--defaults', '--external-url', 'https://gitlab.example.org'], {
      cwd: dir,
    });

    // THEN only the certificate is missing
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '  --certificate-arn: no answer given, and there is no terminal to ask on',
    );
    expect(result.stderr).toContain('Hint: Pass --certificate-arn (each with a value).');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses invalid flags with the rule that failed, and writes nothing', async () => {
    // GIVEN an empty folder
    const dir = await tempDir();

    // WHEN a number flag is not a number
    const result = await runInit(
      [
        '--defaults',
        '--external-url=http://g.example',
        '--vpc-cidr=10.0.0.0/33',
        '--desired=9',
        '--max=5',
        '--db-storage-gb=lots',
      ],
      { cwd: dir },
    );

    // THEN it exits 2 naming the flag
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('  --db-storage-gb: expected a number, got "lots"');

    // WHEN flags break the config rules
    const second = await runInit(
      ['--defaults', '--external-url=http://g.example', '--vpc-cidr=10.0.0.0/33', '--desired=9', '--max=5'],
      {
        cwd: dir,
      },
    );
    // THEN it exits 2 naming each flag with the rule's reason
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      '  --vpc-cidr: 10.0.0.0/33 has prefix /33; an IPv4 prefix is at most /32',
    );
    expect(second.stderr).toContain(
      '  --desired: desired (9) is greater than max (5); need min <= desired <= max',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('an existing config', () => {
  const ANSWERS = ['--defaults', '--external-url=http://gitlab.example.org', '--no-apply'];

  async function dirWithConfig(): Promise<string> {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'gitlab-ha.yaml'), 'name: keep-me\n');
    return dir;
  }

  it('is not replaced without a terminal unless --force is given', async () => {
    // GIVEN an existing gitlab-ha.yaml
    const dir = await dirWithConfig();

    // WHEN init runs without --force
    const refused = await runInit(ANSWERS, { cwd: dir });

    // THEN it fails naming --force and leaves the file alone
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Error: gitlab-ha.yaml already exists');
    expect(refused.stderr).toContain('Pass --force to replace it');
    expect(await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8')).toBe('name: keep-me\n');

    // WHEN init runs with --force  THEN it replaces the file and keeps the old one as .bak
    const forced = await runInit([...ANSWERS, '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8')).toContain('name: gitlab');
    expect(await readFile(path.join(dir, 'gitlab-ha.yaml.bak'), 'utf8')).toBe('name: keep-me\n');
  });

  it('is replaced in a terminal only after a yes, asked before any other question', async () => {
    // GIVEN an existing gitlab-ha.yaml
    const dir = await dirWithConfig();

    // WHEN the person answers no
    const declined = new ScriptedPrompts([false]);
    const refused = await runInit(ANSWERS, { cwd: dir, prompts: declined });

    // THEN nothing else was asked, exit 6, the file is unchanged
    expect(declined.messages()).toEqual([
      'gitlab-ha.yaml already exists. Replace it (the old file is kept as gitlab-ha.yaml.bak)?',
    ]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('Error: Kept the existing gitlab-ha.yaml; nothing was written');
    expect(await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8')).toBe('name: keep-me\n');

    // WHEN the person answers yes  THEN the new config is written
    const accepted = await runInit(ANSWERS, { cwd: dir, prompts: new ScriptedPrompts([true]) });
    expect(accepted.code).toBe(0);
    expect(await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8')).toContain('name: gitlab');
  });
});

describe('Ctrl-C', () => {
  it('at a question exits 130 and leaves no file at all', async () => {
    // GIVEN a wizard interrupted at the database questions
    const dir = await tempDir();
    const script = offlineScript();
    const prompts = new ScriptedPrompts([...script.slice(0, 9), CTRL_C]);

    // WHEN init runs
    const result = await runInit([], { cwd: dir, prompts });

    // THEN it exits 130, says nothing was written, and the folder is empty (no temp file either)
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Error: Cancelled, nothing written');
    expect(await readdir(dir)).toEqual([]);
  });

  it('at "Apply now?" keeps the written config and applies nothing', async () => {
    // GIVEN a wizard answered to the end, interrupted at the last question
    const dir = await tempDir();
    const prompts = new ScriptedPrompts(offlineScript({ apply: [CTRL_C] }));

    // WHEN init runs
    const result = await runInit([], { cwd: dir, prompts });

    // THEN it exits 130 and the config is complete
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Error: Cancelled: gitlab-ha.yaml was written, nothing was applied');
    expect(await readdir(dir)).toEqual(['gitlab-ha.yaml']);
    await expect(loadConfig(path.join(dir, 'gitlab-ha.yaml'))).resolves.toBeDefined();
  });
});
