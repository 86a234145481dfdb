import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadConfig, parseConfig, type Config } from '../../src/config/index.js';
import { InvalidInputError } from '../../src/engine/errors.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const MODELINE = '# yaml-language-server: $schema=../schema/gitlab-ha.schema.json';

async function rejection(promise: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError, but the promise resolved');
}

describe('example configs', () => {
  it('loads examples/minimal.yaml with every default filled in', async () => {
    // GIVEN the minimal example, which sets only the required keys
    const path = join(EXAMPLES, 'minimal.yaml');

    // WHEN it is loaded
    const loaded = await loadConfig(path);

    // THEN the config has every default, including the io1 IOPS filled in by normalization
    const expected: Config = {
      name: 'acme-gitlab',
      region: 'eu-west-1',
      aws: { maxAttempts: 8 },
      tags: {},
      network: {
        vpcCidr: '10.0.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
        natGateways: 'per-az',
      },
      database: {
        engineVersion: '16',
        instanceClass: 'db.m6i.large',
        multiAz: true,
        storage: { type: 'io1', sizeGb: 100, iops: 1000 },
        backupRetentionDays: 7,
        deletionProtection: false,
      },
      redis: { engineVersion: '7.1', nodeType: 'cache.m6g.large', replicas: 1, finalSnapshot: false },
      storage: { instanceType: 'm6i.large', dataVolume: { sizeGb: 100, type: 'gp3' } },
      gitlab: {
        edition: 'ee',
        version: '18.5.1',
        externalUrl: 'http://gitlab.example.com',
        instanceType: 'c5.2xlarge',
        rootVolumeGb: 50,
        gitSsh: true,
      },
      loadBalancer: {
        healthCheck: {
          path: '/-/readiness',
          intervalSeconds: 10,
          timeoutSeconds: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
      },
      autoScaling: {
        min: 2,
        desired: 2,
        max: 4,
        healthCheckGracePeriodSeconds: 600,
        scaleOut: { cpuPercent: 60, periodSeconds: 60, evaluationPeriods: 2, cooldownSeconds: 300 },
        scaleIn: { cpuPercent: 45, periodSeconds: 60, evaluationPeriods: 2, cooldownSeconds: 300 },
      },
    };
    expect(loaded.config).toEqual(expected);
    expect(loaded.path).toBe(path);
    expect(loaded.text).toBe(await readFile(path, 'utf8'));
  });

  it('keeps examples/minimal.yaml to the required keys only', async () => {
    // GIVEN the minimal example's YAML
    const text = await readFile(join(EXAMPLES, 'minimal.yaml'), 'utf8');

    // WHEN its keys are listed
    const document = parseDocument(text).toJS() as Record<string, Record<string, unknown>>;

    // THEN it holds exactly the keys without defaults
    expect(Object.keys(document)).toEqual(['name', 'region', 'network', 'gitlab']);
    expect(Object.keys(document['network'] ?? {})).toEqual([
      'availabilityZones',
      'publicSubnetCidrs',
      'privateSubnetCidrs',
    ]);
    expect(Object.keys(document['gitlab'] ?? {})).toEqual(['externalUrl']);
  });

  it('loads examples/gitlab-ha.yaml with its https URL, certificate and every section', async () => {
    // GIVEN the complete example
    const path = join(EXAMPLES, 'gitlab-ha.yaml');

    // WHEN it is loaded
    const { config } = await loadConfig(path);

    // THEN the values written in it come through
    expect(config.name).toBe('acme-gitlab');
    expect(config.network.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(config.gitlab.externalUrl).toBe('https://gitlab.example.com');
    expect(config.loadBalancer.certificateArn).toBe(
      'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
    );
    expect(config.tags).toEqual({ 'cost-center': 'engineering', owner: 'platform-team' });
    expect(config.database.storage).toEqual({ type: 'io1', sizeGb: 100, iops: 1000 });
    const written = parseDocument(await readFile(path, 'utf8')).toJS() as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(
      [
        'name',
        'region',
        'aws',
        'tags',
        'network',
        'database',
        'redis',
        'storage',
        'gitlab',
        'loadBalancer',
        'autoScaling',
      ].sort(),
    );
  });

  it.each(['gitlab-ha.yaml', 'minimal.yaml'])('starts %s with the JSON schema modeline', async (file) => {
    // GIVEN an example file
    // WHEN its first line is read
    const firstLine = (await readFile(join(EXAMPLES, file), 'utf8')).split('\n', 1)[0];

    // THEN it points yaml-language-server at the committed schema
    expect(firstLine).toBe(MODELINE);
  });
});

describe('loadConfig', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'gitlab-ha-config-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reports a missing file with the path it looked for and how to create one', async () => {
    // GIVEN a path where no file exists
    const path = join(directory, 'gitlab-ha.yaml');

    // WHEN it is loaded
    const error = await rejection(loadConfig(path));

    // THEN the error names the path and suggests init or --config
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.exitCode).toBe(2);
    expect(error.source).toBe(path);
    expect(error.message).toBe(`No config file at ${path}`);
    expect(error.hint).toContain('gitlab-ha init');
    expect(error.hint).toContain('--config');
  });

  it('reports a directory given as the config file', async () => {
    // GIVEN a directory where the config file is expected
    const path = join(directory, 'configs');
    await mkdir(path);

    // WHEN it is loaded
    const error = await rejection(loadConfig(path));

    // THEN the error says it is a directory
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toBe(`${path} is a directory, not a config file`);
  });

  it('reports every schema problem at once, in file order, with a count', async () => {
    // GIVEN a file with three schema problems
    const path = join(directory, 'gitlab-ha.yaml');
    await writeFile(
      path,
      [
        'name: acme-gitlab',
        'region: eu-west-1',
        'network:',
        '  availabilityZones: [eu-west-1a, eu-west-1b]',
        '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]',
        '  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]',
        '  natGateways: none',
        'gitlab:',
        '  externalUrl: http://gitlab.example.com',
        '  rootVolumeGb: 10',
        'autoScaling:',
        '  mni: 2',
      ].join('\n'),
    );

    // WHEN it is loaded
    const error = await rejection(loadConfig(path));

    // THEN one error lists all three, sorted by line, and points at the JSON schema
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${path} is not valid (3 problems)`);
    expect(error.issues.map(({ path: issuePath, line }) => ({ issuePath, line }))).toEqual([
      { issuePath: 'network.natGateways', line: 7 },
      { issuePath: 'gitlab.rootVolumeGb', line: 10 },
      { issuePath: 'autoScaling.mni', line: 12 },
    ]);
    expect(error.issues[1]?.message).toBe('must be at least 30, got 10');
    expect(error.issues[2]?.message).toBe('unknown key "mni" in autoScaling; did you mean "min"?');
    expect(error.hint).toContain('gitlab-ha schema');
  });
});

describe('parseConfig', () => {
  it('resolves the source to an absolute path and keeps the text', () => {
    // GIVEN valid config text named by a relative path
    const text = [
      'name: acme-gitlab',
      'region: eu-west-1',
      'network:',
      '  availabilityZones: [eu-west-1a, eu-west-1b]',
      '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]',
      '  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]',
      'gitlab:',
      '  externalUrl: http://gitlab.example.com',
    ].join('\n');

    // WHEN it is parsed
    const loaded = parseConfig(text, 'configs/gitlab-ha.yaml');

    // THEN the path is absolute against the working directory and the text is unchanged
    expect(loaded.path).toBe(resolve('configs/gitlab-ha.yaml'));
    expect(loaded.text).toBe(text);
  });

  it('keeps gp3 storage without IOPS (RDS uses its baseline)', () => {
    // GIVEN a config with gp3 database storage and no iops
    const text = [
      'name: acme-gitlab',
      'region: eu-west-1',
      'network:',
      '  availabilityZones: [eu-west-1a, eu-west-1b]',
      '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]',
      '  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]',
      'gitlab:',
      '  externalUrl: http://gitlab.example.com',
      'database:',
      '  storage: {type: gp3, sizeGb: 200}',
    ].join('\n');

    // WHEN it is parsed
    const { config } = parseConfig(text, 'gitlab-ha.yaml');

    // THEN no iops is invented for gp3
    expect(config.database.storage).toEqual({ type: 'gp3', sizeGb: 200 });
  });
});
