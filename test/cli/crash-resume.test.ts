/**
 * A crash right after each mutating AWS call of a clean apply (the call took effect, the process died
 * before it saw the answer), then a fresh run from the state file as it was on disk at that moment:
 * the deployment completes with no duplicate resource.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKeptSnapshot } from '../../src/aws/leftovers.js';
import { FakeAws } from '../support/fake-aws/index.js';
import type { FakeCall } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { DEPLOYMENT, EXPECTED_COUNTS, configText, countTaggedByType } from './fixtures.js';

/** The mutating calls of a clean apply, in order, as [command, nth occurrence]. */
async function cleanApplyMutations(): Promise<[string, number][]> {
  const fake = new FakeAws().install();
  try {
    const { dir } = await tempConfig(configText());
    const result = await runCli(['apply'], { fake, cwd: dir });
    expect(result.code).toBe(0);
    const seen = new Map<string, number>();
    return fake
      .mutatingCalls()
      .filter((c: FakeCall) => !c.error)
      .map((c) => {
        const nth = (seen.get(c.command) ?? 0) + 1;
        seen.set(c.command, nth);
        return [c.command, nth] as [string, number];
      });
  } finally {
    fake.restore();
  }
}

const mutations = await cleanApplyMutations();

describe('crash after a create call, then resume from the state file on disk', () => {
  let fake: FakeAws | undefined;
  afterEach(() => fake?.restore());

  it('covers every create command of every step', () => {
    // GIVEN the clean apply's mutating calls / THEN each create command of both steps is among them
    const commands = new Set(mutations.map(([command]) => command));
    for (const command of [
      'CreateVpc',
      'ModifyVpcAttribute',
      'CreateInternetGateway',
      'AttachInternetGateway',
      'CreateSubnet',
      'CreateRouteTable',
      'CreateRoute',
      'AssociateRouteTable',
      'AllocateAddress',
      'CreateNatGateway',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'CreateRole',
      'PutRolePolicy',
      'AttachRolePolicy',
      'CreateInstanceProfile',
      'AddRoleToInstanceProfile',
      'PutParameter',
      'CreateDBSubnetGroup',
      'CreateDBInstance',
      'CreateCacheSubnetGroup',
      'CreateReplicationGroup',
      'CreateVolume',
      'RunInstances',
      'AttachVolume',
      'StopInstances',
      'CreateImage',
      'CreateLoadBalancer',
      'ConfigureHealthCheck',
      'ModifyLoadBalancerAttributes',
      'CreateLaunchTemplate',
      'CreateAutoScalingGroup',
      'PutScalingPolicy',
      'PutMetricAlarm',
    ]) {
      expect(commands, command).toContain(command);
    }
  });

  it.each(mutations)('after %s #%i', async (command, nth) => {
    // GIVEN an apply that dies right after this call took effect in AWS
    fake = new FakeAws().install();
    const { dir } = await tempConfig(configText());
    const statePath = path.join(dir, `${DEPLOYMENT}.state.json`);
    let onDisk: string | null = null;
    fake.faults.crashAfter({
      command,
      nth,
      // What a dead process leaves behind: the state file as last written at that instant.
      onCrash: () => {
        onDisk = existsSync(statePath) ? readFileSync(statePath, 'utf8') : null;
      },
    });
    const crashed = await runCli(['apply'], { fake, cwd: dir });
    expect(crashed.code).not.toBe(0);
    if (onDisk === null) await rm(statePath, { force: true });
    else await writeFile(statePath, onDisk, { mode: 0o600 });

    // WHEN a fresh run resumes from that state
    fake.faults.clear();
    const resumed = await runCli(['apply'], { fake, cwd: dir });

    // THEN it completes, with every resource exactly once
    expect(resumed.stderr).not.toMatch(/ERROR/);
    expect(resumed.code).toBe(0);
    expect(countTaggedByType(fake.taggedResources(DEPLOYMENT))).toEqual(EXPECTED_COUNTS);
    const liveNats = [...fake.ec2.natGateways.values()].filter((n) => n.state !== 'deleted');
    expect(liveNats).toHaveLength(2);
    // AND a further apply changes nothing
    fake.resetCalls();
    expect((await runCli(['apply'], { fake, cwd: dir })).code).toBe(0);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it.each(mutations)(
    'destroy right after a crash after %s #%i leaves only final snapshots',
    async (command, nth) => {
      // GIVEN an apply that died right after this call, leaving a resource AWS made but state never saw
      fake = new FakeAws().install();
      const { dir } = await tempConfig(configText());
      const statePath = path.join(dir, `${DEPLOYMENT}.state.json`);
      let onDisk: string | null = null;
      fake.faults.crashAfter({
        command,
        nth,
        onCrash: () => {
          onDisk = existsSync(statePath) ? readFileSync(statePath, 'utf8') : null;
        },
      });
      expect((await runCli(['apply'], { fake, cwd: dir })).code).not.toBe(0);
      if (onDisk === null) await rm(statePath, { force: true });
      else await writeFile(statePath, onDisk, { mode: 0o600 });
      fake.faults.clear();

      // WHEN the deployment is destroyed instead of resumed
      const destroy = await runCli(['destroy', '--yes'], { fake, cwd: dir });

      // THEN everything the dead run made is found by its tags and deleted; only snapshots of data stay
      expect(destroy.stderr).not.toMatch(/ERROR/);
      expect(destroy.code).toBe(0);
      expect(fake.taggedResources(DEPLOYMENT).filter((r) => !isKeptSnapshot(r.arn))).toEqual([]);
    },
  );
});
