/**
 * The Rails nodes' shell functions run for real under bash, with the system commands they call
 * (mount, findmnt, curl, gitlab-ctl, the AWS helper...) replaced by recording shell functions.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderBootstrapLibrary } from '../../src/gitlab/bootstrap-shell.js';
import { NFS_CLIENT_MOUNT, NFS_MOUNT_OPTIONS, renderNfsMountFunction } from '../../src/gitlab/nfs-client.js';
import { NODE_LOG_PATH, renderNodeBootstrapScript } from '../../src/gitlab/rails-cloud-init.js';
import { BOOTSTRAP_LIBRARY_PATH } from '../../src/gitlab/bootstrap-shell.js';
import type { RailsNodeInput } from '../../src/gitlab/rails-node.js';
import { useTempDirs } from '../state/temp-dir.js';
import { run } from './artifact-checks.js';

const tempDir = useTempDirs();

const INPUT: RailsNodeInput = {
  deployment: 'demo',
  region: 'eu-west-1',
  vpcCidr: '10.0.0.0/16',
  gitlab: {
    edition: 'ee',
    version: '18.5.1',
    externalUrl: 'https://gitlab.example.com',
    instanceType: 'c5.2xlarge',
    rootVolumeGb: 50,
    gitSsh: true,
  },
  https: true,
  database: {
    address: 'demo-db.example',
    port: 5432,
    databaseName: 'gitlabhq_production',
    username: 'gitlab',
  },
  redis: { primaryAddress: 'master.demo-redis.example', port: 6379 },
  storage: {
    gitalyAddress: 'tcp://10.0.10.25:8075',
    nfsServer: '10.0.10.25',
    nfsExportPath: '/var/opt/gitlab-ha/data/shared',
  },
};

const SOURCE = '10.0.10.25:/var/opt/gitlab-ha/data/shared';

interface Sandbox {
  dir: string;
  fstab: string;
  mount: string;
  calls: string;
  /** Mount stand-ins: NFS_REACHABLE=yes makes `mount` succeed; the mounted source lives in a file. */
  stubs: string;
}

/**
 * A temp dir with an fstab, a mount point and shell functions standing in for the mount commands.
 * `sleep` advances bash's SECONDS instead of waiting, so bounded waits run out at once.
 */
async function sandbox(fstabText: string, mountedFrom = ''): Promise<Sandbox> {
  const dir = await tempDir();
  const fstab = path.join(dir, 'fstab');
  const mount = path.join(dir, 'gitlab-nfs');
  const calls = path.join(dir, 'calls');
  const mounted = path.join(dir, 'mounted-from');
  await writeFile(fstab, fstabText);
  await writeFile(calls, '');
  await writeFile(mounted, mountedFrom);
  const stubs = [
    `record() { echo "$*" >>'${calls}'; }`,
    'sleep() { SECONDS=$((SECONDS + $1)); }',
    'timeout() { shift; "$@"; }',
    'systemctl() { record "systemctl $*"; }',
    `findmnt() { [ -s '${mounted}' ] && cat '${mounted}'; }`,
    `mountpoint() { [ -s '${mounted}' ]; }`,
    `umount() { record "umount $*"; : >'${mounted}'; }`,
    'mount() {',
    '  record "mount $*"',
    '  [ "${NFS_REACHABLE:-yes}" = yes ] || return 32',
    `  printf '%s' "$NFS_SOURCE" >'${mounted}'`,
    '  if [ "${EXPORT_HAS_DIRS:-yes}" = yes ]; then mkdir -p "$1/uploads" "$1/shared" "$1/builds"; fi',
    '}',
  ].join('\n');
  return { dir, fstab, mount, calls, stubs };
}

/** The NFS variables and function, pointed at the sandbox's fstab and mount point. */
function nfsFunction(box: Sandbox, waitSeconds: number): string {
  return renderNfsMountFunction({ ...INPUT.storage, waitSeconds })
    .replaceAll('/etc/fstab', box.fstab)
    .replace(`NFS_MOUNT=${NFS_CLIENT_MOUNT}`, `NFS_MOUNT='${box.mount}'`);
}

async function runNfs(
  box: Sandbox,
  options: { waitSeconds?: number; env?: Record<string, string>; times?: number } = {},
) {
  const script = [
    'set -Eeuo pipefail',
    'log() { echo "$*"; }',
    box.stubs,
    nfsFunction(box, options.waitSeconds ?? 300),
    ...Array.from({ length: options.times ?? 1 }, () => 'ensure_nfs_mount'),
  ].join('\n');
  const result = run('bash', ['-c', script], { ...process.env, ...options.env });
  const calls = (await readFile(box.calls, 'utf8')).split('\n').filter(Boolean);
  return { ...result, calls, fstab: await readFile(box.fstab, 'utf8') };
}

describe('ensure_nfs_mount', () => {
  it("replaces the image's stale fstab line, remounts from the current storage node, and keeps other lines", async () => {
    // GIVEN an image whose fstab and mount still name the builder-time storage node
    const box = await sandbox(
      `LABEL=cloudimg-rootfs / ext4 defaults 0 1\n10.0.10.9:/var/opt/gitlab-ha/data/shared MOUNT nfs4 ${NFS_MOUNT_OPTIONS} 0 0\n`,
      '10.0.10.9:/var/opt/gitlab-ha/data/shared',
    );
    await writeFile(box.fstab, (await readFile(box.fstab, 'utf8')).replace('MOUNT', box.mount));

    // WHEN the node ensures the mount
    const result = await runNfs(box);

    // THEN fstab has the root line and one line for the current export, and the old mount was undone first
    expect(result.status, result.output).toBe(0);
    expect(result.fstab).toBe(
      `LABEL=cloudimg-rootfs / ext4 defaults 0 1\n${SOURCE} ${box.mount} nfs4 ${NFS_MOUNT_OPTIONS} 0 0\n`,
    );
    expect(result.calls).toEqual(['systemctl daemon-reload', `umount ${box.mount}`, `mount ${box.mount}`]);
    expect(result.output).toContain(`mounted ${SOURCE} on ${box.mount}`);
  });

  it('changes nothing when run again', async () => {
    // GIVEN a fresh machine
    const box = await sandbox('LABEL=cloudimg-rootfs / ext4 defaults 0 1\n');

    // WHEN the mount is ensured twice
    const result = await runNfs(box, { times: 2 });

    // THEN fstab got the line once, and the second run neither reloaded nor mounted again
    expect(result.status, result.output).toBe(0);
    expect(result.fstab.split('\n').filter((line) => line.startsWith(SOURCE))).toHaveLength(1);
    expect(result.calls).toEqual(['systemctl daemon-reload', `mount ${box.mount}`]);
  });

  it('gives up after its bound when the NFS server never answers', async () => {
    // GIVEN an unreachable server and a 20 s bound
    const box = await sandbox('');

    // WHEN the mount is ensured
    const result = await runNfs(box, { waitSeconds: 20, env: { NFS_REACHABLE: 'no' } });

    // THEN it tried at 0, 10 and 20 s, then failed saying what it could not mount
    expect(result.status).toBe(1);
    expect(result.calls.filter((call) => call.startsWith('mount '))).toHaveLength(3);
    expect(result.output).toContain(`could not mount ${SOURCE} on ${box.mount} within 20 s`);
  });

  it('fails when the mounted export lacks the shared directories', async () => {
    // GIVEN a server that exports something else
    const box = await sandbox('');

    // WHEN the mount is ensured
    const result = await runNfs(box, { env: { EXPORT_HAS_DIRS: 'no' } });

    // THEN it stops and says which directory is missing
    expect(result.status).toBe(1);
    expect(result.output).toContain(`${SOURCE} has no uploads directory: is it the storage node's export?`);
  });
});

describe('wait_for_readiness', () => {
  function readinessFunction(): string {
    const script = renderNodeBootstrapScript(INPUT);
    return /^wait_for_readiness\(\) \{[\s\S]*?^\}/m.exec(script)![0];
  }

  async function runReadiness(answersBeforeReady: number | 'never') {
    const dir = await tempDir();
    const calls = path.join(dir, 'curl-calls');
    await writeFile(calls, '');
    const script = [
      'set -Eeuo pipefail',
      'log() { echo "$*"; }',
      'sleep() { SECONDS=$((SECONDS + $1)); }',
      // curl fails (exit 22, as -f does on a 503) until the given attempt; the body is the readiness JSON,
      // written to stdout unless -o sends it elsewhere.
      'curl() {',
      `  echo "$*" >>'${calls}'`,
      `  local n body='{"status":"ok"}' status=0; n=$(wc -l <'${calls}')`,
      `  if [ ${answersBeforeReady === 'never' ? 'always' : 'sometimes'} = always ] || [ "$n" -le ${answersBeforeReady === 'never' ? 0 : answersBeforeReady} ]; then`,
      `    body='{"status":"failed"}' status=22`,
      '  fi',
      '  case " $* " in *" -o /dev/null "*) ;; *) echo "$body" ;; esac',
      '  return "$status"',
      '}',
      readinessFunction(),
      'wait_for_readiness',
    ].join('\n');
    const result = run('bash', ['-c', script]);
    const curlCalls = (await readFile(calls, 'utf8')).split('\n').filter(Boolean);
    return { ...result, curlCalls };
  }

  it('returns once GitLab answers, logging its answer', async () => {
    // GIVEN GitLab that answers ready on the third try
    // WHEN the node waits for it
    const result = await runReadiness(2);

    // THEN it polled the local readiness URL with all checks until ready
    expect(result.status, result.output).toBe(0);
    expect(result.curlCalls[0]).toBe('-fsS --max-time 10 -o /dev/null http://127.0.0.1/-/readiness?all=1');
    expect(result.output).toBe('GitLab is ready: {"status":"ok"}\n');
  });

  it("gives up after 600 s, showing GitLab's last answer", async () => {
    // GIVEN GitLab that never gets ready
    // WHEN the node waits for it
    const result = await runReadiness('never');

    // THEN it fails after polling every 5 s for 600 s, and prints the last answer
    expect(result.status).toBe(1);
    expect(result.curlCalls).toHaveLength(600 / 5 + 1 + 1);
    expect(result.output).toBe('GitLab is not ready after 600 s; its last answer:\n{"status":"failed"}\n');
  });
});

describe('Auto Scaling node bootstrap', () => {
  /** Runs the node's script with the library and every outside command stubbed; `fail` makes one fail. */
  async function runNode(fail?: 'reconfigure') {
    const box = await sandbox('LABEL=cloudimg-rootfs / ext4 defaults 0 1\n');
    const library = path.join(box.dir, 'bootstrap.sh');
    const stubs = path.join(box.dir, 'stubs.sh');
    const log = path.join(box.dir, 'log', 'node.log');
    const secrets = path.join(box.dir, 'secrets');
    await mkdir(secrets);
    await writeFile(library, renderBootstrapLibrary({ deployment: INPUT.deployment }));
    await writeFile(
      stubs,
      [
        box.stubs,
        `GITLAB_HA_SECRETS_DIR='${secrets}'`,
        'imds_get() { case "$1" in instance-id) echo i-0123456789abcdef0 ;; *) echo eu-west-1 ;; esac; }',
        'node_aws() { record "node_aws $*"; }',
        `gitlab-ctl() { record "gitlab-ctl $*"; [ "$*" != reconfigure ] || [ '${fail ?? ''}' != reconfigure ]; }`,
        'curl() { echo \'{"status":"ok"}\'; }',
      ].join('\n'),
    );
    const script = renderNodeBootstrapScript(INPUT)
      .replace(`. ${BOOTSTRAP_LIBRARY_PATH}`, `. '${library}'\n. '${stubs}'`)
      .replace(`GITLAB_HA_LOG=${NODE_LOG_PATH}`, `GITLAB_HA_LOG='${log}'`)
      .replaceAll('/etc/fstab', box.fstab)
      .replace(`NFS_MOUNT=${NFS_CLIENT_MOUNT}`, `NFS_MOUNT='${box.mount}'`);
    const file = path.join(box.dir, 'node.sh');
    await writeFile(file, script);
    const result = run('bash', [file]);
    const calls = (await readFile(box.calls, 'utf8')).split('\n').filter(Boolean);
    return { status: result.status, calls, log: await readFile(log, 'utf8') };
  }

  it('fetches its secrets, mounts NFS and reconfigures, without tagging itself', async () => {
    // GIVEN a node whose every step works
    // WHEN its bootstrap runs
    const result = await runNode();

    // THEN it made exactly these calls, none of them a signal
    expect(result.status, result.log).toBe(0);
    expect(
      result.calls.filter((call) => !call.startsWith('systemctl') && !call.startsWith('mount ')),
    ).toEqual([
      `node_aws fetch-secret /gitlab-ha/demo/db-password ${path.dirname(result.calls[0]!.split(' ').pop()!)}/db-password`,
      expect.stringMatching(
        /^node_aws fetch-secret \/gitlab-ha\/demo\/redis-auth-token .*\/redis-auth-token$/,
      ),
      expect.stringMatching(/^node_aws fetch-secret \/gitlab-ha\/demo\/gitaly-token .*\/gitaly-token$/),
      expect.stringMatching(
        /^node_aws fetch-secret \/gitlab-ha\/demo\/gitlab-shell-secret .*\/gitlab-shell-secret$/,
      ),
      'gitlab-ctl reconfigure',
    ]);
    expect(result.log).toContain('GitLab node bootstrap of i-0123456789abcdef0 in eu-west-1 started');
    expect(result.log).toContain('GitLab node bootstrap complete');
  });

  it('logs a failure loudly and stops, without signalling or writing to SSM', async () => {
    // GIVEN a node whose reconfigure fails
    // WHEN its bootstrap runs
    const result = await runNode('reconfigure');

    // THEN the script fails, the log says so and why, and no AWS call but the secret fetches was made
    expect(result.status).toBe(1);
    expect(result.log).toMatch(/GITLAB-HA NODE BOOTSTRAP FAILED \(line \d+, exit 1\)/);
    expect(result.log).toMatch(/bootstrap failed at line \d+ \(exit 1\)/);
    expect(result.log).not.toContain('bootstrap complete');
    expect(
      result.calls.filter((call) => call.startsWith('node_aws') && !call.includes('fetch-secret')),
    ).toEqual([]);
  });
});
