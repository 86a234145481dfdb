/**
 * `gitlab-ha plan --show-user-data <step>`: what a step's instances run at first boot, rendered from
 * the state file's outputs (placeholders before apply), offline, with nothing secret printed.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK, maskSecrets, recordedSources } from '../../src/cli/commands/show-user-data.js';
import type { DeploymentState } from '../../src/state/index.js';
import { StateStore } from '../../src/state/index.js';
import { generateSecret } from '../../src/steps/secrets.js';
import { TOOL_VERSION } from '../../src/cli/version.js';
import { runCli, tempConfig } from '../support/cli.js';
import { DEPLOYMENT, configText } from './fixtures.js';

/** Outputs the data tier records, as in a state file after `apply`. */
const OUTPUTS = {
  database: {
    address: 'demo-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com',
    port: 5432,
    databaseName: 'gitlabhq_production',
    username: 'gitlab',
    passwordParameterName: '/gitlab-ha/demo/db-password',
  },
  redis: {
    primaryAddress: 'master.demo-redis.abc123.euw1.cache.amazonaws.com',
    port: 6379,
    authTokenParameterName: '/gitlab-ha/demo/redis-auth-token',
  },
  storage: {
    privateIp: '10.0.10.25',
    nfsExportPath: '/var/opt/gitlab-ha/data/shared',
    gitalyAddress: 'tcp://10.0.10.25:8075',
    dataVolumeId: 'vol-0123456789abcdef0',
  },
} as const;

/** A config dir whose state file records the data tier as done. */
async function appliedDataTier(): Promise<string> {
  const { dir, configPath } = await tempConfig(configText({ https: true }));
  const state = await StateStore.open(StateStore.pathFor(configPath, DEPLOYMENT), {
    deployment: DEPLOYMENT,
    region: 'eu-west-1',
    toolVersion: TOOL_VERSION,
  });
  await state.update((draft) => {
    for (const [step, outputs] of Object.entries(OUTPUTS)) {
      draft.steps[step as keyof typeof OUTPUTS] = { status: 'done', resources: {}, outputs: { ...outputs } };
    }
  });
  return dir;
}

describe('plan --show-user-data', () => {
  it('prints the image builder user data and gitlab.rb from the state file, offline, with nothing secret', async () => {
    // GIVEN a state file with the data tier's outputs, and the operator's database password in the environment
    const dir = await appliedDataTier();
    const password = 'OperatorChosenPassw0rdXyz';

    // WHEN the image step's user data is shown (runCli has no fake AWS: contacting AWS would fail the run)
    const result = await runCli(['plan', '--show-user-data', 'image'], {
      cwd: dir,
      env: { GITLAB_HA_DB_PASSWORD: password },
    });

    // THEN it succeeds and says where the values come from and how big the user data is
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'User data of step image: the image builder',
      `Rendered from the outputs recorded in ${path.join(dir, 'demo.state.json')}.`,
      expect.stringMatching(
        /^EC2 UserData: \d+ bytes gzipped \(cloud-init unpacks it\), from a \d+-byte document; the limit is 16384 bytes\.$/,
      ),
      'Secrets are not in it: the instances fetch them from SSM at boot.',
    ]);
    // AND both the decoded document and gitlab.rb, with the recorded endpoints and the builder's migrations
    expect(result.stdout).toContain('==> cloud-init user data (decoded) <==\n#cloud-config\n');
    expect(result.stdout).toContain(
      '==> /etc/gitlab/gitlab.rb (written by the user data above) <==\n# gitlab-ha',
    );
    expect(result.stdout).toContain(`gitlab_rails['db_host'] = '${OUTPUTS.database.address}'`);
    expect(result.stdout).toContain(`gitlab_rails['redis_host'] = '${OUTPUTS.redis.primaryAddress}'`);
    expect(result.stdout).toContain("'default' => { 'gitaly_address' => 'tcp://10.0.10.25:8075' },");
    expect(result.stdout).toContain("gitlab_rails['auto_migrate'] = true");
    // AND nothing secret: not the password, and nothing shaped like a secret that needed masking
    expect(result.stdout).not.toContain(password);
    expect(result.stdout).not.toContain(SECRET_MASK);
    expect(maskSecrets(result.stdout)).toBe(result.stdout);
  });

  it("masks the operator's database password wherever it would appear in the output", async () => {
    // GIVEN an operator whose database password happens to equal a value the user data holds
    const dir = await appliedDataTier();

    // WHEN the user data is shown
    const result = await runCli(['plan', '--show-user-data', 'image'], {
      cwd: dir,
      env: { GITLAB_HA_DB_PASSWORD: OUTPUTS.redis.primaryAddress },
    });

    // THEN that value is masked in every place
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(OUTPUTS.redis.primaryAddress);
    expect(result.stdout).toContain(`gitlab_rails['redis_host'] = '${SECRET_MASK}'`);
  });

  it('shows placeholders before apply, for the Auto Scaling nodes', async () => {
    // GIVEN a config and no state file
    const { dir } = await tempConfig(configText());

    // WHEN the auto-scaling step's user data is shown
    const result = await runCli(['plan', '--show-user-data', 'auto-scaling'], { cwd: dir });

    // THEN the missing outputs are named and stand as placeholders; nodes never migrate
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'Not applied yet: database, redis, storage; <placeholders> stand for their outputs.',
    );
    expect(result.stdout).toContain("gitlab_rails['db_host'] = '<database address>'");
    expect(result.stdout).toContain("NFS_SOURCE='<storage node private ip>:/var/opt/gitlab-ha/data/shared'");
    expect(result.stdout).toContain("gitlab_rails['auto_migrate'] = false");
    expect(result.stdout).toMatch(/^EC2 UserData: \d+ bytes, sent as is; the limit is 16384 bytes\.$/m);
  });

  it("shows the storage node's Gitaly gitlab.rb and its data volume from the state file", async () => {
    // GIVEN the data tier applied
    const dir = await appliedDataTier();

    // WHEN the storage step's user data is shown as JSON
    const result = await runCli(['plan', '--show-user-data', 'storage', '--json'], { cwd: dir });

    // THEN the JSON carries the decoded document, its size and the Gitaly-only gitlab.rb
    expect(result.code, result.stderr).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({
      step: 'storage',
      instances: 'the storage node (NFS + Gitaly)',
      gzipped: false,
      gitlabRbPath: '/etc/gitlab/gitlab.rb',
      placeholdersFor: [],
      limitBytes: 16384,
    });
    expect(shown.cloudConfig).toEqual(expect.stringContaining("DATA_VOLUME_ID='vol-0123456789abcdef0'"));
    expect(shown.gitlabRb).toEqual(expect.stringContaining("gitaly['configuration'] = {"));
    expect(shown.userDataBytes).toBe(Buffer.byteLength(shown.cloudConfig as string));
  });

  it('rejects a step without instances, listing the ones it knows', async () => {
    // GIVEN a config
    const { dir } = await tempConfig(configText());

    // WHEN a step that launches no instances is asked for
    const result = await runCli(['plan', '--show-user-data', 'database'], { cwd: dir });

    // THEN it is invalid input naming the flag, the value and the valid steps
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--show-user-data: unknown step "database"');
    expect(result.stderr).toContain(
      '"database" launches no instances; choose one of storage, image, auto-scaling',
    );
  });
});

describe('maskSecrets', () => {
  it('masks generated secrets and known secret values, and nothing else', () => {
    // GIVEN text with a generated secret, an operator's password and ordinary user data values
    const generated = generateSecret(40);
    const text = [
      `token: ${generated}`,
      'password: Hunter2-but-longer',
      "GITLAB_REPOSITORY_KEY_FINGERPRINT='F6403F6544A38863DAA0B6E03F01618A51312F3F'",
      'instance i-0123456789abcdef0, volume vol-0123456789abcdef0, ami-0abcdef1234567890',
      'nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0',
      'master.demo-redis.abc123.euw1.cache.amazonaws.com',
    ].join('\n');

    // WHEN it is masked, knowing the operator's password
    const masked = maskSecrets(text, ['Hunter2-but-longer']);

    // THEN only the two secrets are replaced
    expect(masked).toBe(
      [
        `token: ${SECRET_MASK}`,
        `password: ${SECRET_MASK}`,
        "GITLAB_REPOSITORY_KEY_FINGERPRINT='F6403F6544A38863DAA0B6E03F01618A51312F3F'",
        'instance i-0123456789abcdef0, volume vol-0123456789abcdef0, ami-0abcdef1234567890',
        'nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0',
        'master.demo-redis.abc123.euw1.cache.amazonaws.com',
      ].join('\n'),
    );
  });
});

describe('recordedSources', () => {
  it('uses the outputs of completed steps only', () => {
    // GIVEN a state whose database is done, redis failed halfway and storage was destroyed
    const steps: DeploymentState['steps'] = {
      database: { status: 'done', resources: {}, outputs: { ...OUTPUTS.database } },
      redis: { status: 'failed', resources: {}, outputs: { port: 6379 } },
      storage: { status: 'destroyed', resources: {}, outputs: { ...OUTPUTS.storage } },
    };

    // WHEN the sources of the user data are read from it
    const sources = recordedSources({ steps } as DeploymentState);

    // THEN only the database's outputs count; placeholders stand for the others
    expect(sources).toEqual({ database: OUTPUTS.database });
  });
});
