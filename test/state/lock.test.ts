import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockHeldError } from '../../src/engine/errors.js';
import { acquireLock, clearLock, isProcessAlive, lockPathFor, readLock } from '../../src/state/index.js';
import type { LockInfo } from '../../src/state/index.js';
import { useTempDirs } from './temp-dir.js';

const makeTempDir = useTempDirs();
const lockOptions = { command: 'apply', toolVersion: '0.1.0' };

function statePathIn(dir: string): string {
  return path.join(dir, 'demo.state.json');
}

/** The pid of a process that has exited (and been reaped), so no process has it right now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('could not spawn node');
  return child.pid;
}

function holder(overrides: Partial<LockInfo>): LockInfo {
  return {
    pid: process.pid,
    host: os.hostname(),
    user: 'alice',
    command: 'destroy',
    startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    toolVersion: '0.1.0',
    ...overrides,
  };
}

async function plantLock(statePath: string, content: LockInfo | string): Promise<string> {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  await fs.writeFile(lockPathFor(statePath), text, { mode: 0o600 });
  return text;
}

async function lockError(promise: Promise<unknown>): Promise<LockHeldError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LockHeldError);
  return error as LockHeldError;
}

describe('acquireLock', () => {
  it('creates an owner-only lock file describing this run, and release removes it', async () => {
    // GIVEN no lock
    const statePath = statePathIn(await makeTempDir());
    // WHEN the lock is taken
    const lock = await acquireLock(statePath, lockOptions);
    // THEN the file holds who took it, readable only by its owner
    const onDisk = JSON.parse(await fs.readFile(lockPathFor(statePath), 'utf8')) as LockInfo;
    expect(onDisk).toEqual(lock.info);
    expect(onDisk).toMatchObject({
      pid: process.pid,
      host: os.hostname(),
      command: 'apply',
      toolVersion: '0.1.0',
    });
    expect(onDisk.user.length).toBeGreaterThan(0);
    expect((await fs.stat(lockPathFor(statePath))).mode & 0o777).toBe(0o600);
    // AND WHEN it is released twice THEN the file is gone and the second release is a no-op
    await lock.release();
    await lock.release();
    await expect(fs.access(lockPathFor(statePath))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second run, naming the holder', async () => {
    // GIVEN a lock held by this (live) process
    const statePath = statePathIn(await makeTempDir());
    const first = await acquireLock(statePath, lockOptions);
    // WHEN another acquire is attempted
    const error = await lockError(acquireLock(statePath, { ...lockOptions, command: 'destroy' }));
    // THEN it names pid, host, user, command and since when, and says to wait
    expect(error.message).toContain(`Another gitlab-ha run holds the lock ${lockPathFor(statePath)}`);
    expect(error.message).toContain(
      `pid ${process.pid} on host ${os.hostname()} (user ${first.info.user}, running 'apply', since ${first.info.startedAt}`,
    );
    expect(error.hint).toBe('Wait for it to finish (or stop it), then run again.');
    expect(error.exitCode).toBe(4);
    await first.release();
  });

  it('lets exactly one of two racing acquires win', async () => {
    // GIVEN no lock
    const statePath = statePathIn(await makeTempDir());
    // WHEN two acquires race (O_EXCL makes the create atomic)
    const results = await Promise.allSettled([
      acquireLock(statePath, lockOptions),
      acquireLock(statePath, lockOptions),
    ]);
    // THEN one holds the lock and the other was refused with LockHeldError
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(LockHeldError);
  });

  it('reports a stale lock of an exited process with the command that clears it', async () => {
    // GIVEN a lock left by a process that has exited
    const statePath = statePathIn(await makeTempDir());
    const pid = await deadPid();
    await plantLock(statePath, holder({ pid }));
    // WHEN a run tries to take the lock
    const error = await lockError(
      acquireLock(statePath, { ...lockOptions, configPath: '/srv/my gitlab/ha.yaml' }),
    );
    // THEN it says the lock is stale and gives the exact unlock command (config path shell-quoted)
    expect(error.message).toContain(
      `Stale lock ${lockPathFor(statePath)}: pid ${pid} on host ${os.hostname()}`,
    );
    expect(error.message).toContain('is no longer running');
    expect(error.hint).toBe(`Clear it with: gitlab-ha unlock --config '/srv/my gitlab/ha.yaml'`);
  });

  it('treats an unreadable lock file as stale', async () => {
    // GIVEN an empty lock file, as left by a crash between create and write
    const statePath = statePathIn(await makeTempDir());
    await plantLock(statePath, '');
    // WHEN a run tries to take the lock
    const error = await lockError(acquireLock(statePath, { ...lockOptions, configPath: 'gitlab-ha.yaml' }));
    // THEN it is reported as stale with the unlock command, and left in place
    expect(error.message).toContain('it is empty');
    expect(error.hint).toContain('clear it with: gitlab-ha unlock --config gitlab-ha.yaml');
    expect(await fs.readFile(lockPathFor(statePath), 'utf8')).toBe('');
  });

  it('says a lock from another host cannot be judged and gives the forced unlock command', async () => {
    // GIVEN a lock taken on another machine
    const statePath = statePathIn(await makeTempDir());
    await plantLock(statePath, holder({ host: 'ci-runner-7', pid: 4242 }));
    // WHEN a run tries to take the lock
    const error = await lockError(acquireLock(statePath, { ...lockOptions, configPath: 'gitlab-ha.yaml' }));
    // THEN it names the holder and suggests --force
    expect(error.message).toContain('pid 4242 on host ci-runner-7');
    expect(error.message).toContain('cannot be judged from this host');
    expect(error.hint).toBe(
      'If no gitlab-ha run is active on ci-runner-7, clear it with: gitlab-ha unlock --config gitlab-ha.yaml --force',
    );
  });
});

describe('release', () => {
  it('leaves a lock that another run has taken since alone', async () => {
    // GIVEN our lock, which someone forcibly replaced with theirs
    const statePath = statePathIn(await makeTempDir());
    const lock = await acquireLock(statePath, lockOptions);
    const foreign = await plantLock(statePath, holder({ host: 'other-host', pid: 777 }));
    // WHEN we release
    await lock.release();
    // THEN their lock is still there, unchanged
    expect(await fs.readFile(lockPathFor(statePath), 'utf8')).toBe(foreign);
  });
});

describe('readLock and clearLock', () => {
  it('reads nothing when there is no lock, and clearing it is a no-op', async () => {
    // GIVEN no lock
    const statePath = statePathIn(await makeTempDir());
    // WHEN it is read and cleared THEN there is nothing
    expect(await readLock(statePath)).toEqual({ kind: 'absent' });
    expect(await clearLock(statePath, { force: false })).toEqual({
      cleared: false,
      reason: `No lock file at ${lockPathFor(statePath)}; nothing to clear.`,
    });
  });

  it('clears a stale lock', async () => {
    // GIVEN a lock of an exited process
    const statePath = statePathIn(await makeTempDir());
    const stale = holder({ pid: await deadPid() });
    await plantLock(statePath, stale);
    expect(await readLock(statePath)).toEqual({ kind: 'stale', info: stale });
    // WHEN it is cleared without force
    const result = await clearLock(statePath, { force: false });
    // THEN it is gone and the result says whose it was
    expect(result).toMatchObject({ cleared: true, info: stale });
    expect(result.reason).toContain(`pid ${stale.pid}`);
    expect(await readLock(statePath)).toEqual({ kind: 'absent' });
  });

  it('clears a corrupt lock', async () => {
    // GIVEN a lock file that is not JSON
    const statePath = statePathIn(await makeTempDir());
    await plantLock(statePath, '{"pid": 12');
    // WHEN it is cleared THEN it is gone
    expect(await clearLock(statePath, { force: false })).toMatchObject({ cleared: true });
    expect(await readLock(statePath)).toEqual({ kind: 'absent' });
  });

  it('refuses to clear a live lock on this host, even with force', async () => {
    // GIVEN a lock held by a live process on this host
    const statePath = statePathIn(await makeTempDir());
    const lock = await acquireLock(statePath, lockOptions);
    expect(await readLock(statePath)).toEqual({ kind: 'live', info: lock.info });
    for (const force of [false, true]) {
      // WHEN it is cleared
      const error = await lockError(clearLock(statePath, { force }));
      // THEN it is refused, saying to stop that process, and the lock stays
      expect(error.message).toContain('is still running on this host');
      expect(error.hint).toContain(`kill ${process.pid}`);
      expect(JSON.parse(await fs.readFile(lockPathFor(statePath), 'utf8'))).toEqual(lock.info);
    }
    await lock.release();
  });

  it('clears a lock from another host only with force', async () => {
    // GIVEN a lock from another host
    const statePath = statePathIn(await makeTempDir());
    const foreign = holder({ host: 'ci-runner-7' });
    await plantLock(statePath, foreign);
    // WHEN it is cleared without force THEN it is refused
    const error = await lockError(clearLock(statePath, { force: false }));
    expect(error.hint).toContain('--force');
    expect(await readLock(statePath)).toEqual({ kind: 'foreign', info: foreign });
    // WHEN it is cleared with force THEN it is gone
    expect(await clearLock(statePath, { force: true })).toMatchObject({ cleared: true, info: foreign });
    expect(await readLock(statePath)).toEqual({ kind: 'absent' });
  });
});

describe('isProcessAlive', () => {
  it('tells live processes from exited ones and never probes process groups', async () => {
    // GIVEN this process, an exited one and pids that address groups
    const exited = await deadPid();
    // WHEN probed THEN only this process is alive
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(exited)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });
});
