import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOOTSTRAP_LIBRARY_PATH } from '../../src/gitlab/bootstrap-shell.js';
import { USER_DATA_LIMIT_BYTES, decodeUserData, encodeUserData } from '../../src/gitlab/cloud-config.js';
import {
  STORAGE_BOOTSTRAP_PATH,
  renderGitalyGitlabRb,
  renderNfsExports,
  renderStorageBootstrapScript,
  renderStorageCloudInit,
} from '../../src/gitlab/storage-node.js';
import type { StorageNodeInput } from '../../src/gitlab/storage-node.js';
import { useTempDirs } from '../state/temp-dir.js';

const tempDir = useTempDirs();

const INPUT: StorageNodeInput = {
  deployment: 'demo',
  gitlab: { edition: 'ee', version: '18.5.1', externalUrl: 'https://gitlab.example.com' },
  dataVolumeId: 'vol-0123456789abcdef0',
  nfsClientCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
};

interface WrittenFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

function parseDocument(document: string): { write_files: WrittenFile[]; runcmd: string[] } {
  return parse(document) as { write_files: WrittenFile[]; runcmd: string[] };
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function writeTemp(name: string, content: string): Promise<string> {
  const file = path.join(await tempDir(), name);
  await writeFile(file, content);
  return file;
}

describe('storage node cloud-config', () => {
  it("passes cloud-init's schema validator", async () => {
    // GIVEN the rendered document in a file
    const file = await writeTemp('user-data.yaml', renderStorageCloudInit(INPUT));

    // WHEN cloud-init validates it
    const result = run('cloud-init', ['schema', '--config-file', file]);

    // THEN it is valid (older cloud-init says "Valid cloud-config", newer "Valid schema")
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Valid (schema|cloud-config)/);
  });

  it('writes the bootstrap files root-owned, the secrets-reading gitlab.rb 0600, and runs one script', () => {
    // GIVEN the rendered document
    const document = parseDocument(renderStorageCloudInit(INPUT));

    // WHEN its files and commands are listed
    const files = document.write_files.map((f) => [f.path, f.owner, f.permissions]);

    // THEN they are the library, the helper, gitlab.rb, the exports, two systemd drop-ins and the script
    expect(files).toEqual([
      ['/usr/local/lib/gitlab-ha/bootstrap.sh', 'root:root', '0644'],
      ['/usr/local/lib/gitlab-ha/node-aws.py', 'root:root', '0755'],
      ['/etc/gitlab/gitlab.rb', 'root:root', '0600'],
      ['/etc/exports.d/gitlab-ha.exports', 'root:root', '0644'],
      ['/etc/systemd/system/nfs-server.service.d/gitlab-ha.conf', 'root:root', '0644'],
      ['/etc/systemd/system/gitlab-runsvdir.service.d/gitlab-ha.conf', 'root:root', '0644'],
      [STORAGE_BOOTSTRAP_PATH, 'root:root', '0700'],
    ]);
    expect(document.runcmd).toEqual([STORAGE_BOOTSTRAP_PATH]);
  });

  it('has shell scripts that pass bash -n and shellcheck', async () => {
    // GIVEN every shell script in the document (bash files and runcmd) extracted to files
    const document = parseDocument(renderStorageCloudInit(INPUT));
    const dir = await tempDir();
    const scripts = document.write_files
      .filter((f) => f.content.startsWith('#!/bin/bash') || f.path.endsWith('.sh'))
      .map((f) => ({ name: path.basename(f.path), content: f.content }));
    scripts.push({ name: 'runcmd', content: `${document.runcmd.join('\n')}\n` });
    const files: string[] = [];
    for (const script of scripts) {
      const file = path.join(dir, script.name);
      await writeFile(file, script.content);
      files.push(file);
    }

    // WHEN bash parses them and shellcheck checks them as bash
    const syntax = files.map((file) => run('bash', ['-n', file]));
    const lint = run('shellcheck', ['-s', 'bash', ...files]);

    // THEN all three (library, node script, runcmd) are clean
    expect(scripts.map((s) => s.name)).toEqual(['bootstrap.sh', 'gitlab-ha-storage-bootstrap', 'runcmd']);
    expect(syntax.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(lint.status, lint.output).toBe(0);
  });

  it('has a node helper that Python compiles', async () => {
    // GIVEN the node-aws.py helper from the document
    const helper = parseDocument(renderStorageCloudInit(INPUT)).write_files.find((f) =>
      f.path.endsWith('.py'),
    )!;
    const file = await writeTemp('node-aws.py', helper.content);

    // WHEN Python compiles it
    const result = run('python3', ['-m', 'py_compile', file]);

    // THEN it is valid Python
    expect(result.status, result.output).toBe(0);
  });

  it('matches the golden document', async () => {
    // GIVEN the example input
    // WHEN the document is rendered
    const document = renderStorageCloudInit(INPUT);

    // THEN it is exactly the reviewed golden file (update with `vitest -u` after reviewing a change)
    await expect(document).toMatchFileSnapshot('./__snapshots__/storage-node.cloud-config.yaml');
  });

  it('stays within EC2 user data limits without compression', () => {
    // GIVEN the document for a deployment with the longest name and three private subnets
    const document = renderStorageCloudInit({
      ...INPUT,
      deployment: 'a-twenty-two-char-name',
      nfsClientCidrs: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
    });

    // WHEN it is encoded as RunInstances UserData
    const userData = encodeUserData(document);

    // THEN it fits plain (readable in the console) and decodes back to the document
    expect(Buffer.byteLength(document)).toBeLessThan(USER_DATA_LIMIT_BYTES);
    expect(Buffer.from(userData, 'base64').toString('utf8')).toBe(document);
    expect(decodeUserData(userData)).toBe(document);
  });
});

describe('storage node gitlab.rb', () => {
  it('passes ruby -c', async () => {
    // GIVEN the rendered gitlab.rb in a file
    const file = await writeTemp('gitlab.rb', renderGitalyGitlabRb(INPUT));

    // WHEN Ruby checks its syntax
    const result = run('ruby', ['-c', file]);

    // THEN it is valid Ruby
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('Syntax OK');
  });

  it('runs Gitaly only, with secrets read from root-only files', () => {
    // GIVEN the example input
    // WHEN gitlab.rb is rendered
    const gitlabRb = renderGitalyGitlabRb(INPUT);

    // THEN everything but Gitaly is off, the ids are fixed, and the secrets come from files
    expect(gitlabRb).toMatchInlineSnapshot(`
      "# gitlab-ha storage node of deployment demo: Gitaly only. Written by gitlab-ha at
      # first boot; a replaced node gets a fresh copy. Secrets are read from root-only files fetched from SSM.

      ## The same uid/gid for GitLab's users on every node: the NFS export is shared by uid.
      user['uid'] = 9000
      user['gid'] = 9000
      web_server['uid'] = 9001
      web_server['gid'] = 9001

      ## Everything but Gitaly off.
      postgresql['enable'] = false
      redis['enable'] = false
      nginx['enable'] = false
      puma['enable'] = false
      sidekiq['enable'] = false
      gitlab_workhorse['enable'] = false
      gitlab_kas['enable'] = false
      prometheus_monitoring['enable'] = false
      letsencrypt['enable'] = false

      ## No database here: reconfigure must not try to migrate one.
      gitlab_rails['auto_migrate'] = false

      ## gitlab-shell (run by Gitaly on push) calls GitLab's internal API here, authenticated by the shared secret.
      gitlab_rails['internal_api_url'] = 'https://gitlab.example.com'
      gitlab_shell['secret_token'] = File.read('/etc/gitlab-ha/secrets/gitlab-shell-secret').strip

      gitaly['configuration'] = {
        listen_addr: '0.0.0.0:8075',
        auth: {
          token: File.read('/etc/gitlab-ha/secrets/gitaly-token').strip,
        },
        storage: [
          { name: 'default', path: '/var/opt/gitlab-ha/data/repositories' },
        ],
      }
      "
    `);
  });

  it('quotes the external URL as a Ruby string', async () => {
    // GIVEN an external URL with a quote in its path
    const gitlabRb = renderGitalyGitlabRb({
      ...INPUT,
      gitlab: { ...INPUT.gitlab, externalUrl: "https://gitlab.example.com/o'brien" },
    });
    const file = await writeTemp('gitlab.rb', gitlabRb);

    // WHEN it is rendered and checked
    const result = run('ruby', ['-c', file]);

    // THEN the quote is escaped and the file still parses
    expect(gitlabRb).toContain("gitlab_rails['internal_api_url'] = 'https://gitlab.example.com/o\\'brien'");
    expect(result.status, result.output).toBe(0);
  });
});

describe('storage node secrets', () => {
  it('never carries a secret value: secrets appear only as SSM keys and the files they are fetched into', () => {
    // GIVEN the values the deployment's secrets have in SSM (the renderer only ever gets their names)
    const secrets = {
      '/gitlab-ha/demo/gitaly-token': 'GitalyToken0123456789abcdefghijKLMNOPQRST',
      '/gitlab-ha/demo/gitlab-shell-secret':
        'ShellSecret0123456789abcdefghijKLMNOPQRSTuvwxyz0123456789ABCDEF',
    };

    // WHEN the document is rendered
    const document = renderStorageCloudInit(INPUT);

    // THEN no value appears, and each secret is named only where it is fetched and where gitlab.rb reads it
    for (const value of Object.values(secrets)) expect(document).not.toContain(value);
    const mentions = document.split('\n').filter((line) => /gitaly-token|gitlab-shell-secret/.test(line));
    expect(mentions.map((line) => line.trim())).toEqual([
      "gitlab_shell['secret_token'] = File.read('/etc/gitlab-ha/secrets/gitlab-shell-secret').strip",
      "token: File.read('/etc/gitlab-ha/secrets/gitaly-token').strip,",
      'fetch_secret gitaly-token',
      'fetch_secret gitlab-shell-secret',
    ]);
    // AND nothing turns on command tracing, which would print what the helper is given
    const commands = document.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(commands.filter((line) => /\bset -[a-zA-Z]*x|set -o xtrace|bash -x/.test(line))).toEqual([]);
  });
});

describe('storage node script behaviour', () => {
  /** The text of one shell function of the node script. */
  function shellFunction(name: string): string {
    const script = renderStorageBootstrapScript(INPUT);
    const match = new RegExp(`^${name}\\(\\) \\{[\\s\\S]*?^\\}`, 'm').exec(script);
    if (!match) throw new Error(`no function ${name} in the script`);
    return match[0];
  }

  /** Runs format_if_empty with blkid answering `probe` and mkfs.xfs recording its calls. */
  async function formatWith(probe: number): Promise<{ status: number | null; mkfs: string; output: string }> {
    const dir = await tempDir();
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    const calls = path.join(dir, 'mkfs-calls');
    await writeFile(calls, '');
    await writeFile(path.join(bin, 'blkid'), `#!/bin/sh\nexit ${probe}\n`);
    await writeFile(path.join(bin, 'mkfs.xfs'), `#!/bin/sh\necho "$*" >>'${calls}'\n`);
    await chmod(path.join(bin, 'blkid'), 0o755);
    await chmod(path.join(bin, 'mkfs.xfs'), 0o755);
    const script = [
      'set -Eeuo pipefail',
      'log() { echo "$*"; }',
      'DATA_DEVICE=/dev/nvme1n1',
      'DATA_VOLUME_ID=vol-0123456789abcdef0',
      shellFunction('format_if_empty'),
      'format_if_empty',
    ].join('\n');
    const result = run('bash', ['-c', script], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    return { status: result.status, mkfs: await readFile(calls, 'utf8'), output: result.output };
  }

  it('formats the data volume only when blkid finds nothing on it, and never on a probe error', async () => {
    // GIVEN a volume with a filesystem (blkid 0), an empty one (2), and one blkid cannot probe (4)
    // WHEN format_if_empty runs for each
    const withData = await formatWith(0);
    const empty = await formatWith(2);
    const unreadable = await formatWith(4);

    // THEN only the empty volume is formatted, with XFS
    expect(withData).toMatchObject({ status: 0, mkfs: '' });
    expect(withData.output).toContain('has a filesystem: keeping its data');
    expect(empty).toMatchObject({ status: 0, mkfs: '-q -L gitlab-ha-data /dev/nvme1n1\n' });
    // AND a probe error stops the bootstrap instead of formatting
    expect(unreadable).toMatchObject({ status: 1, mkfs: '' });
    expect(unreadable.output).toContain('refusing to format it');
  });

  /** Sources the library with the AWS calls, IMDS and apt stubbed, then runs `body`. */
  async function bootstrapWith(
    body: string,
  ): Promise<{ status: number | null; calls: string[]; log: string }> {
    const dir = await tempDir();
    const library = parseDocument(renderStorageCloudInit(INPUT)).write_files.find(
      (f) => f.path === BOOTSTRAP_LIBRARY_PATH,
    )!.content;
    const libraryFile = path.join(dir, 'bootstrap.sh');
    await writeFile(libraryFile, library);
    const callsFile = path.join(dir, 'calls');
    await writeFile(callsFile, '');
    const script = [
      '#!/bin/bash',
      'set -Eeuo pipefail',
      `. '${libraryFile}'`,
      `GITLAB_HA_LOG='${dir}/log/bootstrap.log'`,
      `GITLAB_HA_SECRETS_DIR='${dir}/secrets'`,
      'imds_get() { case "$1" in instance-id) echo i-0123456789abcdef0 ;; *) echo eu-west-1 ;; esac; }',
      'apt_install() { :; }',
      `node_aws() { echo "$*" >>'${callsFile}'; }`,
      'bootstrap_begin',
      body,
    ].join('\n');
    const scriptFile = path.join(dir, 'node.sh');
    await writeFile(scriptFile, script);
    const result = run('bash', [scriptFile]);
    const calls = (await readFile(callsFile, 'utf8')).split('\n').filter(Boolean);
    const log = await readFile(path.join(dir, 'log', 'bootstrap.log'), 'utf8').catch(() => '');
    return { status: result.status, calls, log };
  }

  it('signals failed on any error, writing the log tail to SSM first', async () => {
    // GIVEN a node script whose third step fails
    // WHEN it runs
    const result = await bootstrapWith(
      'log "step one"\nfetch_secret gitaly-token\nfalse\nlog "never reached"',
    );

    // THEN it stops with the failing status, after writing the tail and tagging itself failed
    expect(result.status).toBe(1);
    expect(result.calls).toEqual([
      expect.stringMatching(/^fetch-secret \/gitlab-ha\/demo\/gitaly-token .*\/secrets\/gitaly-token$/),
      expect.stringMatching(
        /^put-log \/gitlab-ha\/demo\/bootstrap\/i-0123456789abcdef0 .*bootstrap\.log\.tail$/,
      ),
      'tag i-0123456789abcdef0 gitlab-ha:bootstrap failed',
    ]);
    expect(result.log).toMatch(/bootstrap failed at line \d+ \(exit 1\)/);
    expect(result.log).not.toContain('never reached');
  });

  it('signals ready when the script finishes', async () => {
    // GIVEN a node script that succeeds
    // WHEN it runs to bootstrap_finish
    const result = await bootstrapWith('log "all good"\nbootstrap_finish');

    // THEN the only AWS call tags the instance ready
    expect(result.status).toBe(0);
    expect(result.calls).toEqual(['tag i-0123456789abcdef0 gitlab-ha:bootstrap ready']);
    expect(result.log).toContain('bootstrap complete');
  });
});

describe('storage node package and exports', () => {
  it('exports only the shared directory, to each private subnet, over NFS with root kept', () => {
    // GIVEN two private subnets
    // WHEN the exports file is rendered
    // THEN the shared directory goes to both, read-write, synchronous, without root squashing
    expect(renderNfsExports(INPUT)).toBe(
      '/var/opt/gitlab-ha/data/shared 10.0.10.0/24(rw,sync,no_subtree_check,no_root_squash) 10.0.11.0/24(rw,sync,no_subtree_check,no_root_squash)\n',
    );
  });

  it('pins the configured edition and version of the GitLab package', () => {
    // GIVEN GitLab CE 18.4.2
    const script = renderStorageBootstrapScript({
      ...INPUT,
      gitlab: { ...INPUT.gitlab, edition: 'ce', version: '18.4.2' },
    });

    // WHEN the install function is read
    // THEN it uses the gitlab-ce repository and the exact package version
    expect(script).toContain('https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu/ $codename main');
    expect(script).toContain("apt_install 'gitlab-ce=18.4.2-ce.0'");
  });

  it('gzips a document over the user data limit and decodes it back', () => {
    // GIVEN a document larger than EC2 accepts plain
    const big = `#cloud-config\n# ${'x'.repeat(USER_DATA_LIMIT_BYTES)}\n`;

    // WHEN it is encoded twice
    const first = encodeUserData(big);
    const second = encodeUserData(big);

    // THEN it is gzipped (cloud-init unpacks that), identical each time, and decodes to the document
    expect(Buffer.from(first, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(second).toBe(first);
    expect(decodeUserData(first)).toBe(big);
  });
});
