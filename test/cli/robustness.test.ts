/** The CLI under faults, bad input, a held lock, another account, and SIGINT. */
import { EventEmitter } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKeptSnapshot } from '../../src/aws/leftovers.js';
import { acquireLock } from '../../src/state/index.js';
import { STEPS } from '../../src/steps/index.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { invalidConfigCases } from '../config/invalid-cases.js';
import { DEPLOYMENT, EXPECTED_COUNTS, configText } from './fixtures.js';

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws().install();
});
afterEach(() => fake.restore());

describe('AWS faults', () => {
  it('completes apply and destroy with throttling and 5xx errors on a third of the calls', async () => {
    // GIVEN a third of all AWS calls fail with throttling or a 5xx
    fake.faults.failRandomly({ fraction: 1 / 3, kinds: ['throttle', '5xx'], seed: 7 });
    const { dir } = await tempConfig(configText());

    // WHEN applying
    const apply = await runCli(['apply'], { fake, cwd: dir });

    // THEN the SDK's retries carry it through, and every resource exists once
    expect(apply.code).toBe(0);
    const failed = fake.calls().filter((c) => c.error);
    expect(failed.length).toBeGreaterThan(20);
    expect(fake.calls().some((c) => c.attempt > 1)).toBe(true);
    const vpcs = [...fake.ec2.vpcs.values()].filter((v) => v.tags['gitlab-ha:deployment'] === DEPLOYMENT);
    expect(vpcs).toHaveLength(EXPECTED_COUNTS.vpc);
    expect(
      [...fake.ec2.subnets.values()].filter((s) => s.tags['gitlab-ha:deployment'] === DEPLOYMENT),
    ).toHaveLength(EXPECTED_COUNTS.subnet);

    // AND destroy under the same faults leaves nothing
    const destroy = await runCli(['destroy', '--yes'], { fake, cwd: dir });
    expect(destroy.code).toBe(0);
    expect(fake.taggedResources(DEPLOYMENT).filter((r) => !isKeptSnapshot(r.arn))).toEqual([]);
  });

  it('reports a refused call with what was being done, the AWS code, exit 3 and the resume command', async () => {
    // GIVEN AWS refuses to create the VPC
    fake.faults.failNext({
      command: 'CreateVpc',
      error: { name: 'VpcLimitExceeded', message: 'The maximum number of VPCs has been reached.' },
    });
    const { dir } = await tempConfig(configText());
    // WHEN applying
    const apply = await runCli(['apply'], { fake, cwd: dir });
    // THEN the failure names the operation and code, and says how to resume
    expect(apply.code).toBe(3);
    expect(apply.stderr).toMatch(
      /creating EC2 VPC \(10\.0\.0\.0\/16\): The maximum number of VPCs has been reached\. \(VpcLimitExceeded\)/,
    );
    expect(apply.stdout).toMatch(/gitlab-ha apply/);
    // AND security, which depends on network, never started
    expect(fake.calls().some((c) => c.command === 'CreateSecurityGroup')).toBe(false);
  });
});

describe('bad configs', () => {
  it.each(invalidConfigCases.map((c) => [c.name, c] as const))(
    '%s: exit 2, the specific message, no AWS call',
    async (_name, invalid) => {
      // GIVEN an invalid config
      const { dir } = await tempConfig(invalid.yaml);
      // WHEN apply is run against it
      const result = await runCli(['apply'], { fake, cwd: dir });
      // THEN it fails as invalid input with the message, and AWS was never called
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(invalid.message);
      if (invalid.line !== undefined)
        expect(result.stderr).toContain(`gitlab-ha.yaml:${invalid.line}:${invalid.column}`);
      expect(fake.calls()).toEqual([]);
    },
  );

  it('a missing config file says where it looked and how to make one', async () => {
    // GIVEN an empty directory / WHEN planning / THEN exit 2 with the path and `gitlab-ha init`
    const { dir } = await tempConfig('', 'other.yaml');
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No config file at .*gitlab-ha\.yaml/);
    expect(result.stderr).toMatch(/gitlab-ha init/);
  });

  it('an unknown flag is a usage error with exit 2', async () => {
    // GIVEN a typo in a flag / WHEN run / THEN commander names it and the exit code is 2
    const { dir } = await tempConfig(configText());
    const result = await runCli(['apply', '--yse'], { fake, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--yse'/);
  });

  it('a corrupt state file is refused and left untouched', async () => {
    // GIVEN a state file that is not JSON
    const { dir } = await tempConfig(configText());
    const statePath = path.join(dir, `${DEPLOYMENT}.state.json`);
    await writeFile(statePath, '{"schemaVersion": 1, "deploy', { mode: 0o600 });
    // WHEN applying / THEN exit 2, the file is named, and it is unchanged
    const result = await runCli(['apply'], { fake, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(statePath);
    expect(await readFile(statePath, 'utf8')).toBe('{"schemaVersion": 1, "deploy');
    expect(fake.calls()).toEqual([]);
  });
});

describe('plan', () => {
  it('works offline with no credentials and contacts nothing', async () => {
    // GIVEN no state file and no AWS at all (createAws throws if called)
    const { dir } = await tempConfig(configText());
    // WHEN planning
    const result = await runCli(['plan'], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'does-not-exist' },
    });
    // THEN every resource is a create and nothing was contacted
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/offline: AWS was not contacted/);
    expect(result.stdout).toMatch(/Plan: 55 to create, 0 to adopt, 0 to update, 0 unchanged\./);
  });

  it('reads AWS once a state file exists: noop for what is there, create for what was deleted', async () => {
    // GIVEN an applied deployment
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    fake.resetCalls();
    // WHEN planning (state exists, so the plan is live), as JSON
    const unchanged = await runCli(['plan', '--json'], { fake, cwd: dir });
    // THEN everything is a noop, and the plan made no mutating call
    expect(unchanged.code).toBe(0);
    const plan = JSON.parse(unchanged.stdout) as { live: boolean; steps: { step: string; action: string }[] };
    expect(plan.live).toBe(true);
    expect(plan.steps.map((s) => [s.step, s.action])).toEqual(STEPS.map((s) => [s.id, 'noop']));
    expect(fake.mutatingCalls()).toEqual([]);

    // GIVEN a private subnet deleted behind the tool's back
    const subnet = [...fake.ec2.subnets.values()].find(
      (x) => x.tags['gitlab-ha:resource'] === 'network/subnet/private/eu-west-1b',
    )!;
    fake.ec2.subnets.delete(subnet.id);
    // WHEN planning again
    const drifted = JSON.parse((await runCli(['plan', '--json'], { fake, cwd: dir })).stdout) as {
      steps: {
        step: string;
        action: string;
        resources: { role: string; action: string; reason?: string }[];
      }[];
    };
    // THEN that subnet is a create, saying its recorded id is gone
    const network = drifted.steps.find((x) => x.step === 'network')!;
    expect(network.action).toBe('create');
    expect(network.resources.filter((r) => r.action === 'create')).toEqual([
      {
        role: 'subnet/private/eu-west-1b',
        action: 'create',
        reason: `recorded ${subnet.id} is gone`,
        type: 'ec2:subnet',
        details: { cidr: '10.0.11.0/24', az: 'eu-west-1b' },
      },
    ]);
    expect(fake.mutatingCalls()).toEqual([]);
  });
});

describe('drift', () => {
  it('status reports a deleted route and a deleted security group rule; apply puts them back', async () => {
    // GIVEN an applied deployment
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    // AND someone deletes the public default route and one rule of the db group
    const publicTable = [...fake.ec2.routeTables.values()].find(
      (t) => t.tags['gitlab-ha:resource'] === 'network/rtb/public',
    )!;
    publicTable.routes = publicTable.routes.filter((r) => r.destinationCidrBlock !== '0.0.0.0/0');
    const dbGroup = [...fake.ec2.securityGroups.values()].find(
      (g) => g.tags['gitlab-ha:resource'] === 'security/sg/db',
    )!;
    const dbRule = [...fake.ec2.securityGroupRules.values()].find(
      (r) => r.groupId === dbGroup.id && !r.isEgress,
    )!;
    fake.ec2.securityGroupRules.delete(dbRule.id);

    // WHEN status is asked for
    const status = await runCli(['status', '--json'], { fake, cwd: dir });

    // THEN both steps are degraded with the drift named
    const doc = JSON.parse(status.stdout) as { steps: { step: string; health: string; drift: string[] }[] };
    const byStep = new Map(doc.steps.map((s) => [s.step, s]));
    expect(doc.steps.filter((s) => s.health !== 'healthy').map((s) => [s.step, s.health])).toEqual([
      ['network', 'degraded'],
      ['security', 'degraded'],
    ]);
    expect(byStep.get('network')!.drift.join('\n')).toMatch(/has no 0\.0\.0\.0\/0 route/);
    expect(byStep.get('security')!.drift.join('\n')).toMatch(/5432/);

    // WHEN applied again / THEN the route and the rule are back and status is healthy
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    const healed = JSON.parse((await runCli(['status', '--json'], { fake, cwd: dir })).stdout) as {
      steps: { health: string }[];
    };
    expect(healed.steps.map((s) => s.health)).toEqual(STEPS.map(() => 'healthy'));
  });
});

describe('locking and account binding', () => {
  it('a second concurrent apply fails fast on the lock and leaves the state intact', async () => {
    // GIVEN a deployment applied once, and a lock held by a live process (this one)
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    const statePath = path.join(dir, `${DEPLOYMENT}.state.json`);
    const before = await readFile(statePath, 'utf8');
    const lock = await acquireLock(statePath, { command: 'gitlab-ha apply', toolVersion: 'test' });
    fake.resetCalls();
    try {
      // WHEN another apply starts
      const second = await runCli(['apply'], { fake, cwd: dir });
      // THEN it exits 4 naming the holder, makes no AWS call, and the state is unchanged
      expect(second.code).toBe(4);
      expect(second.stderr).toMatch(new RegExp(`pid ${process.pid}`));
      expect(fake.calls()).toEqual([]);
      expect(await readFile(statePath, 'utf8')).toBe(before);
    } finally {
      await lock.release();
    }
  });

  it('two applies started together: one runs, the other is refused by the lock', async () => {
    // GIVEN a fresh deployment / WHEN two applies start at once
    const { dir } = await tempConfig(configText());
    const [a, b] = await Promise.all([
      runCli(['apply'], { fake, cwd: dir }),
      runCli(['apply'], { fake, cwd: dir }),
    ]);
    // THEN exactly one succeeds and the other exits 4; there is one VPC
    expect([a.code, b.code].sort()).toEqual([0, 4]);
    expect(
      [...fake.ec2.vpcs.values()].filter((v) => v.tags['gitlab-ha:deployment'] === DEPLOYMENT),
    ).toHaveLength(1);
  });

  it('refuses credentials of another account than the one the state is bound to', async () => {
    // GIVEN a deployment applied in account 123456789012
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    fake.restore();
    const other = new FakeAws({ account: '210987654321' }).install();
    try {
      // WHEN apply and destroy run with credentials for another account
      const apply = await runCli(['apply'], { fake: other, cwd: dir });
      const destroy = await runCli(['destroy', '--yes'], { fake: other, cwd: dir });
      // THEN both exit 5 naming both accounts, and nothing was created or deleted there
      for (const result of [apply, destroy]) {
        expect(result.code).toBe(5);
        expect(result.stderr).toMatch(/210987654321/);
        expect(result.stderr).toMatch(/123456789012/);
      }
      expect(other.mutatingCalls()).toEqual([]);
    } finally {
      other.restore();
      fake.install();
    }
  });
});

describe('destroy confirmation', () => {
  it('without --yes and without a terminal, refuses and says to pass --yes', async () => {
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    const result = await runCli(['destroy'], { fake, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--yes/);
    expect(fake.taggedResources(DEPLOYMENT).length).toBeGreaterThan(0);
  });

  it('on a terminal, a wrong name cancels (exit 6) and the right name destroys', async () => {
    const { dir } = await tempConfig(configText());
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    const wrong = await runCli(['destroy'], { fake, cwd: dir, isTTY: true, answers: ['prod'] });
    expect(wrong.code).toBe(6);
    expect(fake.taggedResources(DEPLOYMENT).length).toBeGreaterThan(0);
    const right = await runCli(['destroy'], { fake, cwd: dir, isTTY: true, answers: [DEPLOYMENT] });
    expect(right.code).toBe(0);
    expect(fake.taggedResources(DEPLOYMENT).filter((r) => !isKeptSnapshot(r.arn))).toEqual([]);
  });
});

describe('SIGINT', () => {
  it('stops starting new work, saves state, exits 130 with the resume command; the next run completes', async () => {
    // GIVEN an apply during which SIGINT arrives while the NAT gateways are being created
    const { dir } = await tempConfig(configText());
    const signals = new EventEmitter();
    fake.latency.natGatewayCreate = 50;
    fake.faults.crashAfter({ command: 'CreateNatGateway', nth: 99 }); // never fires; keeps calls flowing
    const run = runCli(['apply'], { fake, cwd: dir, signals });
    const started = Date.now();
    while (!fake.calls().some((c) => c.command === 'CreateNatGateway') && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 2));
    }
    signals.emit('SIGINT');
    const result = await run;

    // THEN it exits 130, says how to resume, and never started the security step
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/gitlab-ha apply/);
    expect(fake.calls().some((c) => c.command === 'CreateSecurityGroup')).toBe(false);
    const state = JSON.parse(await readFile(path.join(dir, `${DEPLOYMENT}.state.json`), 'utf8')) as {
      steps: Record<string, { status: string; resources: Record<string, unknown> }>;
    };
    expect(state.steps.network?.status).toBe('in-progress');
    expect(Object.keys(state.steps.network?.resources ?? {})).toContain('nat/eu-west-1a');

    // WHEN the same command runs again / THEN it completes without duplicates
    fake.latency.natGatewayCreate = 1;
    const resumed = await runCli(['apply'], { fake, cwd: dir });
    expect(resumed.code).toBe(0);
    expect([...fake.ec2.natGateways.values()].filter((n) => n.state !== 'deleted')).toHaveLength(2);
  });
});
