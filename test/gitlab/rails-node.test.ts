import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { BOOTSTRAP_LIBRARY_PATH, NODE_AWS_HELPER_PATH } from '../../src/gitlab/bootstrap-shell.js';
import { USER_DATA_LIMIT_BYTES, decodeUserData, encodeUserData } from '../../src/gitlab/cloud-config.js';
import {
  BUILDER_STAGED_GITLAB_RB_PATH,
  GENERATED_FILES_WITH_PASSWORDS,
  renderBuilderBootstrapScript,
  renderNodeBootstrapScript,
} from '../../src/gitlab/rails-cloud-init.js';
import {
  BUILDER_BOOTSTRAP_PATH,
  NODE_BOOTSTRAP_PATH,
  RAILS_SECRET_KEYS,
  railsNodeInput,
  renderBuilderCloudInit,
  renderNodeCloudInit,
  renderRailsGitlabRb,
} from '../../src/gitlab/rails-node.js';
import type { RailsNodeInput, RailsRole } from '../../src/gitlab/rails-node.js';
import { PASSWORD_KEY } from '../../src/steps/database/layout.js';
import { AUTH_TOKEN_KEY } from '../../src/steps/redis/layout.js';
import { STORAGE_SECRETS } from '../../src/steps/storage/layout.js';
import { useTempDirs } from '../state/temp-dir.js';
import {
  cloudInitSchema,
  extractScripts,
  fileIn,
  parseCloudConfig,
  rubyCheck,
  run,
} from './artifact-checks.js';

const tempDir = useTempDirs();

const CONFIG = configSchema.parse({
  name: 'demo',
  region: 'eu-west-1',
  network: {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
    privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
  },
  gitlab: { externalUrl: 'https://gitlab.example.com' },
  loadBalancer: {
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
  },
});

/** The outputs the data tier records (steps/database, steps/redis, steps/storage). */
const OUTPUTS = {
  database: {
    address: 'demo-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com',
    port: 5432,
    databaseName: 'gitlabhq_production',
    username: 'gitlab',
    passwordParameterName: '/gitlab-ha/demo/db-password',
    instanceIdentifier: 'demo-db',
    engineVersion: '16.4',
  },
  redis: {
    primaryAddress: 'master.demo-redis.abc123.euw1.cache.amazonaws.com',
    port: 6379,
    authTokenParameterName: '/gitlab-ha/demo/redis-auth-token',
    replicationGroupId: 'demo-redis',
    tls: true,
  },
  storage: {
    instanceId: 'i-0123456789abcdef0',
    privateIp: '10.0.10.25',
    privateDnsName: 'ip-10-0-10-25.eu-west-1.compute.internal',
    nfsExportPath: '/var/opt/gitlab-ha/data/shared',
    gitalyAddress: 'tcp://10.0.10.25:8075',
    gitalyTokenParameterName: '/gitlab-ha/demo/gitaly-token',
    gitlabShellSecretParameterName: '/gitlab-ha/demo/gitlab-shell-secret',
    dataVolumeId: 'vol-0123456789abcdef0',
  },
};

const INPUT: RailsNodeInput = railsNodeInput(CONFIG, OUTPUTS);

function variant(options: { https: boolean; gitSsh: boolean }): RailsNodeInput {
  return {
    ...INPUT,
    https: options.https,
    gitlab: {
      ...INPUT.gitlab,
      externalUrl: `${options.https ? 'https' : 'http'}://gitlab.example.com`,
      gitSsh: options.gitSsh,
    },
  };
}

const COMBINATIONS = [
  { name: 'https-ssh', https: true, gitSsh: true },
  { name: 'https-no-ssh', https: true, gitSsh: false },
  { name: 'http-ssh', https: false, gitSsh: true },
  { name: 'http-no-ssh', https: false, gitSsh: false },
] as const;
const ROLES: RailsRole[] = ['builder', 'node'];

/** Every (input, role) pair the tests render, placeholders included. */
function everyGitlabRb(): { name: string; gitlabRb: string }[] {
  const placeholders = railsNodeInput(CONFIG, {});
  return [
    ...COMBINATIONS.flatMap((c) =>
      ROLES.map((role) => ({ name: `${c.name}-${role}`, gitlabRb: renderRailsGitlabRb(variant(c), role) })),
    ),
    ...ROLES.map((role) => ({
      name: `placeholders-${role}`,
      gitlabRb: renderRailsGitlabRb(placeholders, role),
    })),
  ];
}

function everyDocument(): { name: string; document: string }[] {
  const placeholders = railsNodeInput(CONFIG, {});
  return [
    { name: 'builder', document: renderBuilderCloudInit(INPUT) },
    { name: 'node', document: renderNodeCloudInit(INPUT) },
    { name: 'node-no-ssh', document: renderNodeCloudInit(variant({ https: true, gitSsh: false })) },
    { name: 'builder-placeholders', document: renderBuilderCloudInit(placeholders) },
    { name: 'node-placeholders', document: renderNodeCloudInit(placeholders) },
  ];
}

describe('railsNodeInput', () => {
  it('takes addresses, ports and names from the data tier outputs and the rest from the config', () => {
    // GIVEN the config and the outputs the database, redis and storage steps recorded
    // WHEN the input is built
    const input = railsNodeInput(CONFIG, OUTPUTS);

    // THEN it holds exactly what gitlab.rb and the NFS mount need
    expect(input).toEqual({
      deployment: 'demo',
      region: 'eu-west-1',
      vpcCidr: '10.0.0.0/16',
      gitlab: CONFIG.gitlab,
      https: true,
      database: {
        address: 'demo-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com',
        port: 5432,
        databaseName: 'gitlabhq_production',
        username: 'gitlab',
      },
      redis: { primaryAddress: 'master.demo-redis.abc123.euw1.cache.amazonaws.com', port: 6379 },
      storage: {
        gitalyAddress: 'tcp://10.0.10.25:8075',
        nfsServer: '10.0.10.25',
        nfsExportPath: '/var/opt/gitlab-ha/data/shared',
      },
    });
  });

  it('puts readable placeholders where a step has not run yet (offline plan)', () => {
    // GIVEN no outputs at all, and an http URL
    const config = configSchema.parse({
      ...CONFIG,
      gitlab: { externalUrl: 'http://gitlab.example.com' },
      loadBalancer: {},
    });

    // WHEN the input is built
    const input = railsNodeInput(config, {});

    // THEN names and addresses are placeholders, ports the services' defaults, the export path its fixed value
    expect(input.https).toBe(false);
    expect(input.database).toEqual({
      address: '<database address>',
      port: 5432,
      databaseName: '<database name>',
      username: '<database username>',
    });
    expect(input.redis).toEqual({ primaryAddress: '<redis primary address>', port: 6379 });
    expect(input.storage).toEqual({
      gitalyAddress: 'tcp://<storage node private ip>:8075',
      nfsServer: '<storage node private ip>',
      nfsExportPath: '/var/opt/gitlab-ha/data/shared',
    });
  });

  it('fetches exactly the secrets the data tier steps store', () => {
    // GIVEN the SSM keys the database, redis and storage steps create
    const stored = [PASSWORD_KEY, AUTH_TOKEN_KEY, ...STORAGE_SECRETS.map((s) => s.key)];

    // WHEN compared with the keys a Rails node fetches
    // THEN they are the same four
    expect(Object.values(RAILS_SECRET_KEYS)).toEqual(stored);
  });
});

describe('Rails gitlab.rb', () => {
  it.each(COMBINATIONS.flatMap((c) => ROLES.map((role) => ({ ...c, role }))))(
    'matches the golden file for $name ($role)',
    async ({ name, https, gitSsh, role }) => {
      // GIVEN one combination of HTTPS, git over SSH and role
      // WHEN gitlab.rb is rendered
      const gitlabRb = renderRailsGitlabRb(variant({ https, gitSsh }), role);

      // THEN it is exactly the reviewed golden file (update with `vitest -u` after reviewing a change)
      await expect(gitlabRb).toMatchFileSnapshot(`./__snapshots__/rails-gitlab-rb/${name}-${role}.rb`);
    },
  );

  it('passes ruby -c for every combination, placeholders included', async () => {
    // GIVEN every rendered gitlab.rb
    const dir = await tempDir();
    const all = everyGitlabRb();

    // WHEN Ruby checks each one's syntax
    const results = await Promise.all(
      all.map(({ name, gitlabRb }) => rubyCheck(dir, `${name}.rb`, gitlabRb)),
    );

    // THEN all ten parse
    expect(all).toHaveLength(10);
    for (const result of results) {
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('Syntax OK');
    }
  });

  it('differs between builder and node only in its header and the migrations settings', () => {
    // GIVEN the builder's and a node's gitlab.rb for the same input; the builder alone seeds the root password
    const rootPassword = [
      '# Used only when the migrations seed an empty database; kept in SSM for the first sign-in.',
      "gitlab_rails['initial_root_password'] = File.read('/etc/gitlab-ha/secrets/gitlab-root-password').strip",
    ];
    const builderWithRoot = renderRailsGitlabRb(INPUT, 'builder').split('\n');
    expect(builderWithRoot).toEqual(expect.arrayContaining(rootPassword));
    const builder = builderWithRoot.filter((line) => !rootPassword.includes(line));
    const node = renderRailsGitlabRb(INPUT, 'node').split('\n');
    expect(node.some((line) => line.includes('initial_root_password'))).toBe(false);

    // WHEN the lines are compared
    const changed = builder
      .map((line, index) => ({ builder: line, node: node[index] }))
      .filter((pair) => pair.builder !== pair.node);

    // THEN only the first line and the auto_migrate section differ
    expect(builder).toHaveLength(node.length);
    expect(changed).toEqual([
      {
        builder:
          '# gitlab-ha GitLab Rails node of deployment demo: the image builder (its reconfigure runs the database migrations).',
        node: '# gitlab-ha GitLab Rails node of deployment demo: an Auto Scaling node (made from the image).',
      },
      {
        builder: '## Migrations run here, once per GitLab version, before the image is made.',
        node: '## Migrations ran on the image builder: nodes never migrate (they start in parallel).',
      },
      { builder: "gitlab_rails['auto_migrate'] = true", node: "gitlab_rails['auto_migrate'] = false" },
    ]);
  });

  it('tells GitLab about TLS at the load balancer only when the URL is https', () => {
    // GIVEN the https and the http variants
    const https = renderRailsGitlabRb(variant({ https: true, gitSsh: true }), 'node');
    const http = renderRailsGitlabRb(variant({ https: false, gitSsh: true }), 'node');

    // WHEN the forwarded-protocol settings are looked for
    const forwarded = (rb: string) =>
      rb.split('\n').filter((line) => /X-Forwarded-(Proto|Ssl)'|custom_gitlab_server_config/.test(line));

    // THEN https forces the forwarded protocol and redirects plain HTTP; http does neither
    expect(forwarded(https)).toEqual([
      "  'X-Forwarded-Proto' => 'https',",
      "  'X-Forwarded-Ssl' => 'on',",
      "nginx['custom_gitlab_server_config'] = 'if ($http_x_forwarded_proto = http) { return 301 https://$host$request_uri; }'",
    ]);
    expect(forwarded(http)).toEqual([]);
    // AND both serve plain HTTP on port 80, trust the VPC for client addresses and the health check
    for (const rb of [https, http]) {
      expect(rb).toContain("nginx['listen_port'] = 80\nnginx['listen_https'] = false");
      expect(rb).toContain("nginx['real_ip_trusted_addresses'] = ['10.0.0.0/16']");
      expect(rb).toContain("gitlab_rails['monitoring_whitelist'] = ['127.0.0.0/8', '10.0.0.0/16']");
    }
  });

  it('advertises SSH clone URLs on port 22 only when git over SSH is on', () => {
    // GIVEN the variants with and without git over SSH
    const ssh = renderRailsGitlabRb(variant({ https: true, gitSsh: true }), 'node');
    const noSsh = renderRailsGitlabRb(variant({ https: true, gitSsh: false }), 'node');

    // WHEN the SSH settings are looked for
    const settings = (rb: string) =>
      rb.split('\n').filter((line) => /^gitlab_rails\['gitlab_(ssh_host|shell_ssh_port)'\]/.test(line));

    // THEN only the SSH variant sets the host and port
    expect(settings(ssh)).toEqual([
      "gitlab_rails['gitlab_ssh_host'] = 'gitlab.example.com'",
      "gitlab_rails['gitlab_shell_ssh_port'] = 22",
    ]);
    expect(settings(noSsh)).toEqual([]);
    expect(noSsh).toContain('## Git over SSH is off (gitlab.gitSsh: false)');
  });

  it('quotes every value as a Ruby string, so odd values cannot break out', async () => {
    // GIVEN values with quotes and backslashes where outputs and config go
    const input: RailsNodeInput = {
      ...INPUT,
      gitlab: { ...INPUT.gitlab, externalUrl: "https://gitlab.example.com/o'brien" },
      database: { ...INPUT.database, address: "db'; system('id') #", username: 'back\\slash' },
    };

    // WHEN gitlab.rb is rendered and checked
    const gitlabRb = renderRailsGitlabRb(input, 'node');
    const result = await rubyCheck(await tempDir(), 'gitlab.rb', gitlabRb);

    // THEN the values are escaped and the file still parses
    expect(gitlabRb).toContain("external_url 'https://gitlab.example.com/o\\'brien'");
    expect(gitlabRb).toContain("gitlab_rails['db_host'] = 'db\\'; system(\\'id\\') #'");
    expect(gitlabRb).toContain("gitlab_rails['db_username'] = 'back\\\\slash'");
    expect(result.status, result.output).toBe(0);
  });
});

describe('builder and node cloud-config', () => {
  it("passes cloud-init's schema validator, placeholders included", async () => {
    // GIVEN every rendered document
    const dir = await tempDir();
    const documents = everyDocument();

    // WHEN cloud-init validates each
    const results = await Promise.all(
      documents.map(({ name, document }) => cloudInitSchema(dir, `${name}.yaml`, document)),
    );

    // THEN all are valid (cloud-init 22.4 says "Valid cloud-config", newer "Valid schema")
    for (const result of results) {
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/Valid (schema|cloud-config)/);
    }
  });

  it('has shell scripts that pass bash -n and shellcheck', async () => {
    // GIVEN the scripts of the builder's and a node's document
    const dir = await tempDir();
    const builder = await extractScripts(await tempDir(), renderBuilderCloudInit(INPUT));
    const node = await extractScripts(dir, renderNodeCloudInit(INPUT));
    const files = [...builder, ...node];

    // WHEN bash parses them and shellcheck checks them as bash
    const syntax = files.map(({ file }) => run('bash', ['-n', file]));
    const lint = run('shellcheck', ['-s', 'bash', ...files.map(({ file }) => file)]);

    // THEN the library, both bootstrap scripts and both runcmds are clean
    expect(files.map((f) => f.name)).toEqual([
      'bootstrap.sh',
      'gitlab-ha-builder-bootstrap',
      'runcmd',
      'bootstrap.sh',
      'gitlab-ha-node-bootstrap',
      'runcmd',
    ]);
    expect(syntax.map((r) => r.status)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(lint.status, lint.output).toBe(0);
  });

  it('writes the builder gitlab.rb to a staging path and runs one script', () => {
    // GIVEN the builder's document
    const document = parseCloudConfig(renderBuilderCloudInit(INPUT));

    // WHEN its files and commands are listed
    const files = document.write_files.map((f) => [f.path, f.owner, f.permissions]);

    // THEN gitlab.rb waits outside /etc/gitlab until GitLab is installed; everything is root's
    expect(files).toEqual([
      [BOOTSTRAP_LIBRARY_PATH, 'root:root', '0644'],
      [NODE_AWS_HELPER_PATH, 'root:root', '0755'],
      [BUILDER_STAGED_GITLAB_RB_PATH, 'root:root', '0600'],
      [BUILDER_BOOTSTRAP_PATH, 'root:root', '0700'],
    ]);
    expect(document.runcmd).toEqual([BUILDER_BOOTSTRAP_PATH]);
    expect(fileIn(renderBuilderCloudInit(INPUT), BUILDER_STAGED_GITLAB_RB_PATH)).toBe(
      renderRailsGitlabRb(INPUT, 'builder'),
    );
  });

  it("writes a node's gitlab.rb in place and keeps the image's SSH host keys only for git over SSH", () => {
    // GIVEN node documents with and without git over SSH
    const withSsh = renderNodeCloudInit(INPUT);
    const withoutSsh = renderNodeCloudInit(variant({ https: true, gitSsh: false }));

    // WHEN their files and settings are read
    const document = parseCloudConfig(withSsh);

    // THEN the node writes the library, the helper, gitlab.rb (auto_migrate false) and its script
    expect(document.write_files.map((f) => [f.path, f.permissions])).toEqual([
      [BOOTSTRAP_LIBRARY_PATH, '0644'],
      [NODE_AWS_HELPER_PATH, '0755'],
      ['/etc/gitlab/gitlab.rb', '0600'],
      [NODE_BOOTSTRAP_PATH, '0700'],
    ]);
    expect(fileIn(withSsh, '/etc/gitlab/gitlab.rb')).toBe(renderRailsGitlabRb(INPUT, 'node'));
    expect(document.runcmd).toEqual([NODE_BOOTSTRAP_PATH]);
    // AND cloud-init keeps the host keys (the same on every node behind port 22) only with git over SSH
    expect(document.ssh_deletekeys).toBe(false);
    expect(parseCloudConfig(withoutSsh)).not.toHaveProperty('ssh_deletekeys');
  });

  it('matches the golden builder and node documents', async () => {
    // GIVEN the example input
    // WHEN both documents are rendered
    // THEN they are exactly the reviewed golden files
    await expect(renderBuilderCloudInit(INPUT)).toMatchFileSnapshot(
      './__snapshots__/rails-builder.cloud-config.yaml',
    );
    await expect(renderNodeCloudInit(INPUT)).toMatchFileSnapshot(
      './__snapshots__/rails-node.cloud-config.yaml',
    );
  });

  it('runs the builder steps in order: secrets and NFS, GitLab, extensions, gitlab.rb, reconfigure, checks, scrub, signal', () => {
    // GIVEN the builder's script
    const script = renderBuilderBootstrapScript(INPUT);

    // WHEN its top-level commands (after the function definitions) are read
    const commands = script
      .slice(script.lastIndexOf('}\n') + 2)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));

    // THEN extensions exist before the one reconfigure, and the image is scrubbed before it signals ready
    expect(commands).toEqual([
      'apt_install nfs-common curl gnupg ca-certificates',
      'fetch_secret db-password',
      'fetch_secret redis-auth-token',
      'fetch_secret gitaly-token',
      'fetch_secret gitlab-shell-secret',
      'fetch_secret gitlab-root-password',
      'ensure_nfs_mount',
      'EXTERNAL_URL=http://gitlab.example.com install_gitlab',
      'ensure_postgres_extensions',
      'install -m 0600 -o root -g root /etc/gitlab-ha/gitlab.rb /etc/gitlab/gitlab.rb',
      'rm -f /etc/gitlab-ha/gitlab.rb',
      'restore_gitlab_secrets',
      'gitlab-ctl reconfigure',
      'wait_for_readiness',
      'save_gitlab_secrets',
      'scrub_for_image',
      'bootstrap_finish',
    ]);
    expect(script).toContain(
      "'CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS plpgsql; CREATE EXTENSION IF NOT EXISTS amcheck;'",
    );
  });

  it('bakes every image with the gitlab-secrets.json of the first bake, kept root-only on the NFS export', () => {
    // GIVEN the builder's script
    const script = renderBuilderBootstrapScript(INPUT);
    // WHEN its restore and save functions are read
    const restore = /^restore_gitlab_secrets\(\) \{[\s\S]*?^\}/m.exec(script)![0];
    const save = /^save_gitlab_secrets\(\) \{[\s\S]*?^\}/m.exec(script)![0];
    // THEN a kept copy is installed before reconfigure, and the first bake's copy is saved 0600, never overwritten
    expect(script).toContain('SHARED_SECRETS_JSON="/var/opt/gitlab-nfs/.gitlab-ha/gitlab-secrets.json"');
    expect(restore).toContain(
      'install -m 0600 -o root -g root "$SHARED_SECRETS_JSON" /etc/gitlab/gitlab-secrets.json',
    );
    expect(save).toContain('if [ ! -f "$SHARED_SECRETS_JSON" ]; then');
    expect(save).toContain(
      'install -m 0600 -o root -g root /etc/gitlab/gitlab-secrets.json "$SHARED_SECRETS_JSON"',
    );
  });

  it('scrubs the secret files and password-holding generated files but keeps gitlab-secrets.json', () => {
    // GIVEN the builder's script
    const script = renderBuilderBootstrapScript(INPUT);

    // WHEN the scrub function is read
    const scrub = /^scrub_for_image\(\) \{[\s\S]*?^\}/m.exec(script)![0];

    // THEN it stops GitLab, removes the secrets directory and each generated file, never gitlab-secrets.json
    expect(scrub).toContain('gitlab-ctl stop\n  rm -rf "$GITLAB_HA_SECRETS_DIR"');
    for (const file of GENERATED_FILES_WITH_PASSWORDS) expect(scrub).toContain(file);
    expect(GENERATED_FILES_WITH_PASSWORDS).toContain('/var/opt/gitlab/gitlab-rails/etc/database.yml');
    expect(GENERATED_FILES_WITH_PASSWORDS).toContain('/var/opt/gitlab/gitlab-rails/etc/resque.yml');
    expect(GENERATED_FILES_WITH_PASSWORDS).toContain('/var/opt/gitlab/gitlab-rails/etc/cable.yml');
    expect(scrub.split('\n').filter((l) => l.includes('gitlab-secrets.json') && !l.includes('log '))).toEqual(
      [],
    );
  });

  it("runs a node's steps without apt and without a signal", () => {
    // GIVEN a node's script
    const script = renderNodeBootstrapScript(INPUT);

    // WHEN its top-level commands are read
    const commands = script
      .slice(script.lastIndexOf('}\n') + 2)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));

    // THEN it fetches secrets, mounts NFS, reconfigures and checks readiness; nothing signals
    expect(commands).toEqual([
      'node_begin',
      'fetch_secret db-password',
      'fetch_secret redis-auth-token',
      'fetch_secret gitaly-token',
      'fetch_secret gitlab-shell-secret',
      'ensure_nfs_mount',
      'gitlab-ctl reconfigure',
      'wait_for_readiness',
      'trap - ERR',
      'log "GitLab node bootstrap complete; the load balancer puts the node in service once its health check passes"',
    ]);
    const code = script.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(
      code.filter((line) => /\bsignal (ready|failed)|bootstrap_(begin|finish)|apt_install/.test(line)),
    ).toEqual([]);
  });

  it('stays within EC2 user data limits, gzipping the builder document', () => {
    // GIVEN the longest deployment name and long endpoint names
    const long: RailsNodeInput = {
      ...INPUT,
      deployment: 'a-twenty-two-char-name',
      database: {
        ...INPUT.database,
        address: `a-twenty-two-char-name-db.${'x'.repeat(12)}.ap-southeast-2.rds.amazonaws.com`,
      },
      redis: {
        ...INPUT.redis,
        primaryAddress: `master.a-twenty-two-char-name-redis.${'x'.repeat(6)}.apse2.cache.amazonaws.com`,
      },
    };

    // WHEN both documents are encoded as UserData
    const sizes = [renderBuilderCloudInit(long), renderNodeCloudInit(long)].map((document) => {
      const userData = encodeUserData(document);
      return { document, userData, bytes: Buffer.from(userData, 'base64').length };
    });

    // THEN each payload fits and decodes back to its document
    for (const { document, userData, bytes } of sizes) {
      expect(bytes).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
      expect(decodeUserData(userData)).toBe(document);
    }
    // AND the builder's is gzipped (it is over 16 KB plain), the node's is sent plain (readable in the console)
    expect(Buffer.byteLength(sizes[0]!.document)).toBeGreaterThan(USER_DATA_LIMIT_BYTES);
    expect(Buffer.from(sizes[0]!.userData, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(Buffer.from(sizes[1]!.userData, 'base64').toString('utf8')).toBe(sizes[1]!.document);
  });
});

describe('Rails node secrets', () => {
  const SECRET_VALUES = {
    'db-password': 'DbPassword0123456789abcdefghijKLMNOPQRSTuv',
    'redis-auth-token': 'RedisToken0123456789abcdefghijKLMNOPQRSTuvwxyz0123456789ABCDEFGH',
    'gitaly-token': 'GitalyToken0123456789abcdefghijKLMNOPQRST',
    'gitlab-shell-secret': 'ShellSecret0123456789abcdefghijKLMNOPQRSTuvwxyz0123456789ABCDEF',
  };

  it('never carries a secret value: secrets appear only as keys, where fetched and where read', () => {
    // GIVEN the values the secrets have in SSM (the renderers only ever get their names)
    // WHEN every document is rendered
    for (const { name, document } of everyDocument()) {
      // THEN no value appears
      for (const value of Object.values(SECRET_VALUES)) expect(document, name).not.toContain(value);
      // AND each secret is named only where it is fetched, where gitlab.rb reads it, and where psql gets it
      const mentions = document
        .split('\n')
        .filter((line) => /db-password|redis-auth-token|gitaly-token|gitlab-shell-secret/.test(line))
        .map((line) => line.trim());
      for (const line of mentions) {
        expect(line, name).toMatch(
          /^(fetch_secret [a-z-]+|gitlab_rails\['(db_password|redis_password|gitaly_token)'\] = File\.read\('\/etc\/gitlab-ha\/secrets\/[a-z-]+'\)\.strip|gitlab_shell\['secret_token'\] = File\.read\('\/etc\/gitlab-ha\/secrets\/gitlab-shell-secret'\)\.strip|PGPASSWORD="\$\(cat "\$GITLAB_HA_SECRETS_DIR\/db-password"\)" \/opt\/gitlab\/embedded\/bin\/psql \\)$/,
        );
      }
    }
  });

  it('turns on no command tracing, which would print what the scripts handle', () => {
    // GIVEN every document
    for (const { name, document } of everyDocument()) {
      // WHEN its non-comment lines are searched for tracing
      const commands = document.split('\n').filter((line) => !line.trim().startsWith('#'));

      // THEN none enables it
      expect(
        commands.filter((line) => /\bset -[a-zA-Z]*x|set -o xtrace|bash -x/.test(line)),
        name,
      ).toEqual([]);
    }
  });

  it('gives psql the master password in its environment only, never on its command line', async () => {
    // GIVEN psql_as_master with a psql stand-in that records its arguments and environment
    const dir = await tempDir();
    const secrets = path.join(dir, 'secrets');
    const record = path.join(dir, 'psql-call');
    await run('mkdir', ['-p', secrets]);
    await writeFile(path.join(secrets, 'db-password'), SECRET_VALUES['db-password']);
    const fakePsql = path.join(dir, 'psql');
    await writeFile(fakePsql, `#!/bin/bash\n{ echo "args: $*"; echo "env: $PGPASSWORD"; } >'${record}'\n`);
    await run('chmod', ['+x', fakePsql]);
    const fn = /^psql_as_master\(\) \{[\s\S]*?^\}/m.exec(renderBuilderBootstrapScript(INPUT))![0];
    const script = [
      'set -Eeuo pipefail',
      `GITLAB_HA_SECRETS_DIR='${secrets}'`,
      'DB_HOST=db.example DB_PORT=5432 DB_NAME=gitlabhq_production DB_USER=gitlab',
      fn.replace('/opt/gitlab/embedded/bin/psql', fakePsql),
      "psql_as_master --command 'SELECT 1'",
      'echo "after: ${PGPASSWORD:-unset}"',
    ].join('\n');

    // WHEN it runs
    const result = run('bash', ['-c', script]);
    const call = await readFile(record, 'utf8');

    // THEN psql got the password in PGPASSWORD, not in its arguments, over TLS, and the shell kept none
    expect(result.status, result.output).toBe(0);
    expect(call).toBe(
      [
        'args: host=db.example port=5432 dbname=gitlabhq_production user=gitlab sslmode=require connect_timeout=10 --no-psqlrc --quiet --set ON_ERROR_STOP=1 --command SELECT 1',
        `env: ${SECRET_VALUES['db-password']}`,
        '',
      ].join('\n'),
    );
    expect(result.output).toBe('after: unset\n');
  });
});
