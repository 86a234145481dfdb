/**
 * The whole tool through its CLI against the fake AWS: apply -> apply again -> status -> destroy.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { DEPLOYMENT, EXPECTED_COUNTS, configText } from './fixtures.js';

function countByType(fake: FakeAws): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { arn } of fake.taggedResources(DEPLOYMENT)) {
    const type = arn.split(':')[5]!.split('/')[0]!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

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
    expect(countByType(fake)).toEqual({ ...EXPECTED_COUNTS, 'security-group-rule': 12 });
    for (const { arn, tags } of fake.taggedResources(DEPLOYMENT)) {
      expect(tags, arn).toMatchObject({
        'gitlab-ha:deployment': DEPLOYMENT,
        'gitlab-ha:created-by': 'gitlab-ha',
        team: 'platform',
      });
      expect(tags['gitlab-ha:resource'], arn).toMatch(/^(network|security)\//);
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
    expect(state.steps.network?.status).toBe('done');
    expect(state.steps.security?.status).toBe('done');

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
    expect(status.stdout).toMatch(/All 2 steps healthy/);
    const document = JSON.parse(statusJson.stdout) as {
      steps: { step: string; health: string; drift: string[] }[];
    };
    expect(document.steps.map((s) => [s.step, s.health, s.drift])).toEqual([
      ['network', 'healthy', []],
      ['security', 'healthy', []],
    ]);
    expect(fake.mutatingCalls()).toEqual([]);

    // WHEN it is destroyed
    const destroy = await runCli(['destroy', '--yes'], { fake, cwd: dir });

    // THEN nothing tagged for the deployment is left, and the state says so
    expect(destroy.stderr).not.toMatch(/ERROR/);
    expect(destroy.code).toBe(0);
    expect(fake.taggedResources(DEPLOYMENT)).toEqual([]);
    expect([...fake.ec2.vpcs.values()].filter((v) => v.tags['gitlab-ha:deployment'] === DEPLOYMENT)).toEqual(
      [],
    );
    const after = JSON.parse(await readFile(statePath, 'utf8')) as {
      steps: Record<string, { status: string; resources: object }>;
    };
    expect(after.steps.network).toMatchObject({ status: 'destroyed', resources: {} });
    expect(after.steps.security).toMatchObject({ status: 'destroyed', resources: {} });

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
