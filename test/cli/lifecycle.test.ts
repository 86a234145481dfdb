/**
 * The whole tool through its CLI against the fake AWS: apply -> apply again -> status -> destroy.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEPS } from '../../src/steps/index.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { DEPLOYMENT, EXPECTED_COUNTS, configText, countTaggedByType } from './fixtures.js';

const STEP_IDS_IN_USE = STEPS.map((s) => s.id);

describe('apply, status, destroy on an empty account', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  it('builds exactly the expected tagged resources, converges with zero mutating calls, reports healthy, and destroys everything', async () => {
    // GIVEN a config for two AZs with a NAT gateway per AZ
    const { dir } = await tempConfig(configText());

    // WHEN it is applied
    const apply = await runCli(['apply'], { fake, cwd: dir });

    // THEN it succeeds and every resource exists once, tagged for the deployment
    expect(apply.stderr).not.toMatch(/ERROR/);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Apply succeeded/);
    expect(countTaggedByType(fake.taggedResources(DEPLOYMENT))).toEqual(EXPECTED_COUNTS);
    for (const { arn, tags } of fake.taggedResources(DEPLOYMENT)) {
      expect(tags, arn).toMatchObject({
        'gitlab-ha:deployment': DEPLOYMENT,
        'gitlab-ha:created-by': 'gitlab-ha',
        team: 'platform',
      });
      expect(tags['gitlab-ha:resource'], arn).toMatch(new RegExp(`^(${STEP_IDS_IN_USE.join('|')})/`));
    }
    const vpc = [...fake.ec2.vpcs.values()].find((v) => v.tags['gitlab-ha:deployment'] === DEPLOYMENT)!;
    expect(vpc.cidrBlock).toBe('10.0.0.0/16');

    // AND the state file is private and records both steps as done
    const statePath = path.join(dir, `${DEPLOYMENT}.state.json`);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(statePath, 'utf8')) as {
      account: string;
      steps: Record<string, { status: string }>;
    };
    expect(state.account).toBe(fake.account);
    for (const id of STEP_IDS_IN_USE) expect(state.steps[id]?.status, id).toBe('done');

    // WHEN it is applied again
    fake.resetCalls();
    const again = await runCli(['apply'], { fake, cwd: dir });

    // THEN nothing changes: zero mutating calls
    expect(again.code).toBe(0);
    expect(fake.mutatingCalls().map((c) => c.command)).toEqual([]);

    // WHEN status is asked for, as text and as JSON
    const status = await runCli(['status'], { fake, cwd: dir });
    const statusJson = await runCli(['status', '--json'], { fake, cwd: dir });

    // THEN every step is healthy, and status made no mutating call either
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`All ${STEPS.length} steps healthy`));
    const document = JSON.parse(statusJson.stdout) as {
      steps: { step: string; health: string; drift: string[] }[];
    };
    expect(document.steps.map((s) => [s.step, s.health, s.drift])).toEqual(
      STEP_IDS_IN_USE.map((id) => [id, 'healthy', []]),
    );
    expect(fake.mutatingCalls()).toEqual([]);

    // WHEN it is destroyed
    const destroy = await runCli(['destroy', '--yes'], { fake, cwd: dir });

    // THEN only the final snapshots (database, storage volume) are left, and the state says so
    expect(destroy.stderr).not.toMatch(/ERROR/);
    expect(destroy.code).toBe(0);
    expect(countTaggedByType(fake.taggedResources(DEPLOYMENT))).toEqual({ snapshot: 2 });
    const finalSnapshots = fake.taggedResources(DEPLOYMENT).map((r) => r.arn);
    expect(finalSnapshots).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^arn:aws:rds:eu-west-1:\d{12}:snapshot:demo-final-\d{8}-\d{6}$/),
        expect.stringMatching(/^arn:aws:ec2:eu-west-1::snapshot\/snap-[0-9a-f]{17}$/),
      ]),
    );
    expect(destroy.stdout).toMatch(/Kept on purpose/);
    expect([...fake.ec2.vpcs.values()].filter((v) => v.tags['gitlab-ha:deployment'] === DEPLOYMENT)).toEqual(
      [],
    );
    const after = JSON.parse(await readFile(statePath, 'utf8')) as {
      steps: Record<string, { status: string; resources: object }>;
    };
    for (const id of STEP_IDS_IN_USE)
      expect(after.steps[id], id).toMatchObject({ status: 'destroyed', resources: {} });

    // AND a second destroy finds nothing to do
    fake.resetCalls();
    const destroyAgain = await runCli(['destroy', '--yes'], { fake, cwd: dir });
    expect(destroyAgain.code).toBe(0);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it('routes every private subnet through the single NAT gateway when natGateways is single', async () => {
    // GIVEN natGateways: single
    const { dir } = await tempConfig(configText({ nat: 'single' }));
    // WHEN applied
    const apply = await runCli(['apply'], { fake, cwd: dir });
    // THEN there is one NAT gateway, and both private route tables send 0.0.0.0/0 to it
    expect(apply.code).toBe(0);
    const nats = [...fake.ec2.natGateways.values()].filter((n) => n.state === 'available');
    expect(nats).toHaveLength(1);
    const privateTables = [...fake.ec2.routeTables.values()].filter((t) =>
      t.tags['gitlab-ha:resource']?.startsWith('network/rtb/private/'),
    );
    expect(privateTables).toHaveLength(2);
    for (const table of privateTables) {
      expect(table.routes.find((r) => r.destinationCidrBlock === '0.0.0.0/0')?.natGatewayId).toBe(
        nats[0]!.id,
      );
    }
  });
});
