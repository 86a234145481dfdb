/**
 * Secrets never leave SSM: after apply, status --json and destroy, no secret value appears in the
 * state file (or its backup), the config, any output stream, the user data EC2 stores, or any AWS
 * call other than the one that hands it to the service that needs it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeUserData } from '../../src/gitlab/cloud-config.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { configText } from './fixtures.js';

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws().install();
});
afterEach(() => fake.restore());

/** The AWS calls that legitimately carry a secret value: storing it, and handing it to RDS / ElastiCache. */
const SECRET_CARRIERS = new Set(['PutParameter', 'CreateDBInstance', 'CreateReplicationGroup']);

describe('secrets', () => {
  it('appear nowhere but in SSM and the calls that need them', async () => {
    // GIVEN a database password chosen by the operator, and the other secrets generated
    const knownPassword = 'KnownOperatorPassword2026x';
    const { dir } = await tempConfig(configText());
    const env = { GITLAB_HA_DB_PASSWORD: knownPassword };

    // WHEN the deployment is applied, inspected as JSON, and destroyed
    const apply = await runCli(['apply', '--json'], { fake, cwd: dir, env });
    expect(apply.code).toBe(0);
    const secrets = [...fake.ssm.parameters.values()]
      .filter((p) => p.type === 'SecureString')
      .map((p) => p.value);
    const userData = [...fake.ec2.instances.values()].map((i) =>
      i.userData ? decodeUserData(i.userData) : '',
    );
    const status = await runCli(['status', '--json'], { fake, cwd: dir, env });
    const plain = await runCli(['status'], { fake, cwd: dir, env });
    const stateFiles = await Promise.all(
      (await readdir(dir))
        .filter((f) => f.includes('.state.json'))
        .map((f) => readFile(path.join(dir, f), 'utf8')),
    );
    const destroy = await runCli(['destroy', '--yes', '--json'], { fake, cwd: dir, env });
    expect(destroy.code).toBe(0);

    // THEN there are five secrets (db, redis, gitaly, gitlab-shell, first root password), the operator's among them
    expect(secrets).toHaveLength(5);
    expect(secrets).toContain(knownPassword);
    expect(userData.length).toBeGreaterThan(0);
    const streams = [apply, status, plain, destroy].flatMap((r) => [r.stdout, r.stderr]);
    const config = await readFile(path.join(dir, 'gitlab-ha.yaml'), 'utf8');
    const otherCalls = fake
      .calls()
      .filter((c) => !SECRET_CARRIERS.has(c.command))
      .map((c) => JSON.stringify(c.input));
    for (const secret of secrets) {
      // AND none of them is in the state file or its backup, the config, any output, or the user data
      for (const text of [...stateFiles, config, ...streams, ...userData]) expect(text).not.toContain(secret);
      // AND no AWS call but the ones that store or use it carries it
      for (const input of otherCalls) expect(input).not.toContain(secret);
    }
    expect(stateFiles.length).toBeGreaterThanOrEqual(2);
  });
});
