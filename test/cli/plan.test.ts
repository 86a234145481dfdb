/**
 * `gitlab-ha plan` as a whole: per-step plans, the waves, the estimated time and the cost, as text
 * and as JSON, for an empty deployment (offline) and a half-built one (live); and the detailed exit
 * codes for CI. The golden files live in __snapshots__/plan/; ids and times are masked in them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { bundledPriceSource, estimateMonthlyCost } from '../../src/cost/index.js';
import { STEPS } from '../../src/steps/index.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { configText } from './fixtures.js';

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws().install();
});
afterEach(() => fake.restore());

/**
 * AWS ids (`i-0c280e315b871d679`) keep their prefix and length, so columns stay aligned; ISO times,
 * the dates in generated names and the image recipe's hash (it changes with every change to the
 * node scripts, which have golden files of their own) become placeholders.
 */
function mask(text: string): string {
  return text
    .replace(/\b([a-z]+)-0[0-9a-f]{16}\b/g, (_id, prefix: string) => `${prefix}-${'x'.repeat(17)}`)
    .replace(/(recipe"?[=:] ?"?)[0-9a-f]{12}\b/g, '$1<hash>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/-\d{8}-\d{6}\b/g, '-<yyyymmdd-hhmmss>');
}

const SNAPSHOTS = './__snapshots__/plan';

interface PlanDocument {
  deployment: string;
  region: string;
  live: boolean;
  summary: Record<string, number | boolean>;
  waves: string[][];
  estimate: {
    minutes: number;
    criticalPath: { step: string; minutes: number }[];
    perStep: { step: string; minutes: number; startsAt: number; endsAt: number }[];
  };
  cost: { currency: string; totalAtMin: number; totalAtMax: number; pricesAsOf: string; unknown: string[] };
  steps: { step: string; action: string; live: boolean; resources: { role: string; action: string }[] }[];
}

/** An applied deployment whose image step failed: every step before it done, image and auto scaling left. */
async function halfBuilt(): Promise<string> {
  const { dir } = await tempConfig(configText());
  // CreateImage refused with a non-retryable error: the builder is left ready, no image, no nodes.
  fake.faults.failNext({
    command: 'CreateImage',
    error: { name: 'InvalidParameterValue', message: 'The image name is not valid.' },
  });
  const apply = await runCli(['apply'], { fake, cwd: dir });
  expect(apply.code).toBe(3);
  fake.resetCalls();
  return dir;
}

const WAVES = [
  ['network', 'identity'],
  ['security'],
  ['database', 'redis', 'storage', 'load-balancer'],
  ['image'],
  ['auto-scaling'],
];

describe('plan of an empty deployment (offline)', () => {
  it('lists every resource to create per step, the waves, about 37 min along the critical path and the cost', async () => {
    // GIVEN a config and no state file
    const { dir } = await tempConfig(configText());

    // WHEN planning
    const result = await runCli(['plan'], { cwd: dir });

    // THEN it succeeds offline, and the whole output matches the golden file
    expect(result.code).toBe(0);
    await expect(mask(result.stdout)).toMatchFileSnapshot(`${SNAPSHOTS}/empty.txt`);
    // AND each step's header has its title and counts
    expect(result.stdout).toContain(
      'network (create)        Network (VPC, subnets, gateways, routes): 13 to create\n',
    );
    expect(result.stdout).toContain('Plan: 55 to create, 0 to adopt, 0 to update, 0 unchanged.\n');
    // AND the graph, the time and the cost close it
    expect(result.stdout).toContain(
      'Runs in 5 waves (the steps of a wave run concurrently):\n' +
        '  1. network, identity  2. security  3. database, redis, storage, load-balancer  4. image  5. auto-scaling\n',
    );
    expect(result.stdout).toContain(
      'Estimated time: about 37 min (typical AWS creation times); critical path in minutes:\n' +
        '  network 2.5 -> security 0.6 -> database 14 -> image 16.3 -> auto-scaling 3.4\n',
    );
    expect(result.stdout).toMatch(
      /Monthly cost: \$[\d,]+\.\d\d with 2 GitLab nodes \(the group's min\), \$[\d,]+\.\d\d with 4 \(max\)\n {2}on-demand USD, AWS list prices as of \d{4}-\d{2}-\d{2} \(bundled\); per resource: gitlab-ha cost\n$/,
    );
    // AND nothing was contacted
    expect(fake.calls()).toEqual([]);
  });

  it('prints one JSON document with the plans, the waves, the estimate, the cost and the counts', async () => {
    // GIVEN a config and no state file
    const { dir } = await tempConfig(configText());

    // WHEN planning as JSON
    const result = await runCli(['plan', '--json'], { cwd: dir });

    // THEN stdout is one JSON document matching the golden file
    expect(result.code).toBe(0);
    await expect(mask(result.stdout)).toMatchFileSnapshot(`${SNAPSHOTS}/empty.json`);
    const document = JSON.parse(result.stdout) as PlanDocument;
    expect(document).toMatchObject({ deployment: 'demo', region: 'eu-west-1', live: false, waves: WAVES });
    expect(document.summary).toEqual({
      create: 55,
      adopt: 0,
      update: 0,
      noop: 0,
      delete: 0,
      keep: 0,
      changes: true,
    });
    expect(document.estimate.minutes).toBe(36.8);
    expect(document.estimate.criticalPath).toEqual([
      { step: 'network', minutes: 2.5 },
      { step: 'security', minutes: 0.6 },
      { step: 'database', minutes: 14 },
      { step: 'image', minutes: 16.3 },
      { step: 'auto-scaling', minutes: 3.4 },
    ]);
    // AND the cost totals are the cost model's, to the cent
    const config = parseConfig(configText(), 'gitlab-ha.yaml').config;
    const cost = estimateMonthlyCost(config, bundledPriceSource());
    expect(document.cost).toMatchObject({
      currency: 'USD',
      totalAtMin: Math.round(cost.totalAtMin * 100) / 100,
      totalAtMax: Math.round(cost.totalAtMax * 100) / 100,
      pricesAsOf: cost.pricesAsOf,
      unknown: [],
    });
    expect(document.steps.map((s) => [s.step, s.action])).toEqual(STEPS.map((s) => [s.id, 'create']));
  });
});

describe('plan of a half-built deployment (live)', () => {
  it('shows done steps on one line each and the rest in full; about 20 min for image and auto scaling', async () => {
    // GIVEN a deployment whose image step failed
    const dir = await halfBuilt();

    // WHEN planning (a state file exists, so AWS is read)
    const result = await runCli(['plan'], { fake, cwd: dir });

    // THEN the output matches the golden file
    expect(result.code).toBe(0);
    await expect(mask(result.stdout)).toMatchFileSnapshot(`${SNAPSHOTS}/half-built.txt`);
    // AND the done steps are one header line each, the builder is resumed and the image created
    expect(result.stdout).toContain(
      'database (noop)        Database (RDS PostgreSQL): 3 unchanged\n' +
        'redis (noop)           Redis (ElastiCache replication group): 3 unchanged\n',
    );
    expect(result.stdout).not.toMatch(/ · noop /);
    expect(result.stdout).toMatch(/~ update {2}ec2:instance +builder +i-0[0-9a-f]{16} /);
    expect(result.stdout).toContain(
      '7 steps with nothing to do shown on one line; --verbose lists their resources.',
    );
    // AND only the image and auto scaling count towards the time
    expect(result.stdout).toContain(
      'Estimated time: about 20 min (typical AWS creation times); critical path in minutes:\n' +
        '  image 16.3 -> auto-scaling 3.4\n',
    );
    // AND planning changed nothing in AWS
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it('as JSON: noop steps take 0 minutes, the summary counts what is left', async () => {
    // GIVEN a deployment whose image step failed
    const dir = await halfBuilt();

    // WHEN planning as JSON
    const result = await runCli(['plan', '--json'], { fake, cwd: dir });

    // THEN it matches the golden file
    expect(result.code).toBe(0);
    await expect(mask(result.stdout)).toMatchFileSnapshot(`${SNAPSHOTS}/half-built.json`);
    const document = JSON.parse(result.stdout) as PlanDocument;
    expect(document.live).toBe(true);
    expect(document.steps.map((s) => [s.step, s.action])).toEqual([
      ['network', 'noop'],
      ['security', 'noop'],
      ['identity', 'noop'],
      ['database', 'noop'],
      ['redis', 'noop'],
      ['storage', 'noop'],
      ['image', 'create'],
      ['load-balancer', 'noop'],
      ['auto-scaling', 'create'],
    ]);
    expect(document.summary).toEqual({
      create: 7,
      adopt: 0,
      update: 1,
      noop: 35,
      delete: 0,
      keep: 0,
      changes: true,
    });
    // AND the estimate is the image and auto scaling only
    expect(document.estimate.minutes).toBe(19.7);
    expect(document.estimate.criticalPath).toEqual([
      { step: 'image', minutes: 16.3 },
      { step: 'auto-scaling', minutes: 3.4 },
    ]);
    const working = document.estimate.perStep.filter((entry) => entry.minutes > 0).map((entry) => entry.step);
    expect(working).toEqual(['image', 'auto-scaling']);
  });

  it('--verbose lists the resources of the steps with nothing to do', async () => {
    // GIVEN a deployment whose image step failed
    const dir = await halfBuilt();

    // WHEN planning with --verbose
    const result = await runCli(['plan', '--verbose'], { fake, cwd: dir });

    // THEN the done steps list their resources as noop lines with their ids, and no step is folded
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n {2}· noop {4}ec2:vpc +vpc +vpc-0[0-9a-f]{16} /);
    expect(result.stdout).toMatch(/\n {2}· noop {4}rds:db-instance +db +/);
    expect(result.stdout).not.toContain('shown on one line');
    expect(result.stdout).toContain('Plan: 7 to create, 0 to adopt, 1 to update, 35 unchanged.\n');
  });
});

describe('plan --detailed-exitcode', () => {
  it('exits 2 when there are changes: an empty and a half-built deployment', async () => {
    // GIVEN an empty deployment
    const { dir } = await tempConfig(configText());
    // WHEN planning with the flag, and without
    const detailed = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    const plain = await runCli(['plan'], { cwd: dir });
    // THEN 2 with the flag (and the same plan on stdout), 0 without
    expect(detailed.code).toBe(2);
    expect(detailed.stdout).toBe(plain.stdout);
    expect(plain.code).toBe(0);

    // GIVEN a half-built deployment / WHEN planning with the flag, also as JSON / THEN 2
    const half = await halfBuilt();
    expect((await runCli(['plan', '--detailed-exitcode'], { fake, cwd: half })).code).toBe(2);
    const json = await runCli(['plan', '--json', '--detailed-exitcode'], { fake, cwd: half });
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as PlanDocument).summary.changes).toBe(true);
  });

  it('exits 0 when nothing would change, and says so', async () => {
    // GIVEN a fully applied deployment
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);

    // WHEN planning with the flag
    const result = await runCli(['plan', '--detailed-exitcode'], { fake, cwd: dir });

    // THEN exit 0: every step is one unchanged line, no time to wait
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No changes: what exists in AWS matches the config.\n');
    expect(result.stdout).toContain('9 steps with nothing to do shown on one line');
    expect(result.stdout).toContain('Estimated time: none, nothing to change.\n');
    const json = await runCli(['plan', '--json', '--detailed-exitcode'], { fake, cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      summary: { changes: false, create: 0, adopt: 0, update: 0, delete: 0 },
      estimate: { minutes: 0, criticalPath: [] },
    });
  });

  it.each([
    ['an invalid config', 'name: demo\nregion: eu-west-1\n', ['plan'], 2, /gitlab-ha\.yaml is not valid/],
    ['a missing config', null, ['plan'], 2, /No config file at/],
    ['an unknown flag', configText(), ['plan', '--bogus'], 2, /unknown option '--bogus'/],
    [
      '--show-user-data with it',
      configText(),
      ['plan', '--show-user-data', 'storage'],
      0,
      /--detailed-exitcode does not go with --show-user-data/,
    ],
  ] as const)(
    'exits 1 on %s (any error), where plain plan exits %i',
    async (_name, text, args, plain, error) => {
      // GIVEN the bad input
      const { dir } = await tempConfig(text ?? '', text === null ? 'other.yaml' : 'gitlab-ha.yaml');
      // WHEN planning with --detailed-exitcode
      const detailed = await runCli([...args, '--detailed-exitcode'], { cwd: dir });
      // THEN exit 1 with the usual message; without the flag, the usual exit code
      expect(detailed.code).toBe(1);
      expect(detailed.stderr).toMatch(error);
      expect((await runCli([...args], { cwd: dir })).code).toBe(plain);
    },
  );

  it('exits 1 when AWS cannot be read, where plain plan exits with its own code', async () => {
    // GIVEN a deployment with a state file, and credentials for another account
    const dir = await halfBuilt();
    const other = new FakeAws({ account: '999999999999' });
    fake.restore();
    other.install();
    try {
      // WHEN planning with and without the flag
      const detailed = await runCli(['plan', '--detailed-exitcode'], { fake: other, cwd: dir });
      const plain = await runCli(['plan'], { fake: other, cwd: dir });
      // THEN 1 with the flag, the wrong-target code 5 without
      expect(detailed.code).toBe(1);
      expect(plain.code).toBe(5);
      expect(detailed.stderr).toMatch(/999999999999/);
    } finally {
      other.restore();
      fake.install();
    }
  });

  it('is documented in plan --help', async () => {
    // GIVEN / WHEN plan --help
    const { dir } = await tempConfig(configText());
    const result = await runCli(['plan', '--help'], { cwd: dir });
    // THEN the flag and its three codes are described, and help still exits 0
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--detailed-exitcode');
    expect(result.stdout).toContain(
      'Exit codes with --detailed-exitcode (as terraform plan):\n' +
        '  0    no changes: AWS matches the config\n' +
        '  1    error, of any kind (invalid input included)\n' +
        '  2    changes: apply would create, adopt, update or delete something\n',
    );
  });
});
