/**
 * End to end: the built `gitlab-ha init` in a real pseudo-terminal (python3's pty module drives
 * it: see pty_session.py), typed into like a person would, arrow keys and space included. Offline:
 * the child has no AWS credentials and no instance metadata, so it uses the built-in region list.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUILT_MAIN = path.join(REPO, 'dist/cli/main.js');
const DRIVER = fileURLToPath(new URL('./pty_session.py', import.meta.url));

const ENTER = '\r';
const DOWN = '\u001b[B';
const SPACE = ' ';
const CTRL_C = '\u0003';

interface Step {
  expect: string;
  send: string | string[];
}

interface Session {
  exitCode: number;
  output: string;
  failed: string | null;
}

/** Whether any source file changed since dist was built (or dist is missing). */
function distIsStale(): boolean {
  if (!existsSync(BUILT_MAIN) || !existsSync(path.join(REPO, 'dist/init/index.js'))) return true;
  const builtAt = statSync(BUILT_MAIN).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory()
        ? newer(full)
        : entry.name.endsWith('.ts') && statSync(full).mtimeMs > builtAt;
    });
  return newer(path.join(REPO, 'src'));
}

/** A home without AWS config, and an environment without credentials or instance metadata. */
async function offlineEnv(): Promise<Record<string, string>> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-pty-home-'));
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TERM: 'xterm-256color',
    NO_COLOR: '1',
    NODE_NO_WARNINGS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
  };
}

async function runInTerminal(cwd: string, steps: Step[]): Promise<Session> {
  const session = {
    argv: [process.execPath, path.join(REPO, 'bin/gitlab-ha.js'), 'init'],
    cwd,
    env: await offlineEnv(),
    columns: 120,
    rows: 40,
    timeout: 20,
    steps,
  };
  const child = run('python3', [DRIVER], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(JSON.stringify(session));
  const { stdout } = await child;
  return JSON.parse(stdout) as Session;
}

describe('gitlab-ha init in a pseudo-terminal', () => {
  beforeAll(async () => {
    // .ci/run builds before the tests; a local run with stale or missing dist builds it here.
    if (distIsStale()) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
  }, 180_000);

  it('writes the config typed in, with arrow keys and space in the zone multi-select', async () => {
    // GIVEN an empty folder
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-pty-'));

    // WHEN a person answers the wizard in a terminal
    const session = await runInTerminal(dir, [
      { expect: 'Deployment name', send: ['pty-gitlab', ENTER] },
      { expect: 'AWS profile', send: ENTER },
      // The built-in list starts at us-east-1; eu-west-1 is six rows down.
      { expect: 'AWS region', send: [DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, ENTER] },
      { expect: 'VPC CIDR block', send: ['10.0.0.0/33', ENTER] },
      // The wrong CIDR is refused with the reason, and the answer can be fixed in place.
      { expect: 'an IPv4 prefix is at most /32', send: ['\u007f\u007f', '16', ENTER] },
      // a and b come preselected: untick a, move down twice to c, tick it.
      { expect: 'Availability zones', send: [SPACE, DOWN, DOWN, SPACE, ENTER] },
      { expect: 'Public subnets', send: ENTER },
      { expect: 'Private subnets', send: ENTER },
      { expect: 'NAT gateways', send: [DOWN, ENTER] },
      { expect: 'PostgreSQL version', send: ENTER },
      { expect: 'RDS instance class', send: ENTER },
      { expect: 'Multi-AZ', send: ENTER },
      { expect: 'Database storage type', send: [DOWN, ENTER] },
      { expect: 'Database storage size', send: ENTER },
      { expect: 'Redis node type', send: ENTER },
      { expect: 'Redis read replicas', send: ENTER },
      { expect: 'Storage node (Gitaly + NFS) instance type', send: ENTER },
      { expect: 'Storage data volume size', send: ENTER },
      { expect: 'GitLab edition', send: ENTER },
      { expect: 'GitLab version', send: ENTER },
      { expect: 'External URL', send: ['http://gitlab.pty.example', ENTER] },
      { expect: 'GitLab node instance type', send: ENTER },
      { expect: 'Admin SSH', send: ENTER },
      { expect: 'EC2 key pair', send: ENTER },
      { expect: 'ACM certificate ARN', send: ENTER },
      { expect: 'Minimum GitLab nodes', send: ENTER },
      { expect: 'Desired GitLab nodes', send: ENTER },
      { expect: 'Maximum GitLab nodes', send: ENTER },
      { expect: 'Add a node above', send: ENTER },
      { expect: 'Remove a node below', send: ENTER },
      { expect: 'Apply now?', send: ['n', ENTER] },
    ]);

    // THEN it finished cleanly, having said it used the built-in region list
    expect(session.failed, session.output).toBeNull();
    expect(session.exitCode, session.output).toBe(0);
    expect(session.output).toContain('Using the built-in list of regions');
    expect(session.output).toContain('Wrote gitlab-ha.yaml');
    // AND the file holds what was typed, and loads
    const { config } = await loadConfig(path.join(dir, 'gitlab-ha.yaml'));
    expect(config).toMatchObject({
      name: 'pty-gitlab',
      region: 'eu-west-1',
      network: {
        vpcCidr: '10.0.0.0/16',
        availabilityZones: ['eu-west-1b', 'eu-west-1c'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
        natGateways: 'single',
      },
      database: { storage: { type: 'gp3', sizeGb: 100 } },
      gitlab: { externalUrl: 'http://gitlab.pty.example' },
    });
  });

  it('exits 130 on Ctrl-C at a prompt and leaves no file', async () => {
    // GIVEN an empty folder
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-pty-'));

    // WHEN Ctrl-C is pressed at the third question
    const session = await runInTerminal(dir, [
      { expect: 'Deployment name', send: ENTER },
      { expect: 'AWS profile', send: ENTER },
      { expect: 'AWS region', send: CTRL_C },
    ]);

    // THEN it says nothing was written, exits 130, and the folder is still empty
    expect(session.failed, session.output).toBeNull();
    expect(session.exitCode, session.output).toBe(130);
    expect(session.output).toContain('Cancelled, nothing written');
    expect(await readdir(dir)).toEqual([]);
  });
});
