/**
 * One run at a time per deployment: `<state>.lock` is created with O_EXCL, which the filesystem makes
 * atomic, so of two racing runs exactly one wins. The file says who holds it, so a blocked run can
 * tell the user which process to wait for, or, when the holder has died, how to clear it.
 */
import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { LockHeldError } from '../engine/errors.js';
import { errorCode } from './fs-error.js';

export const lockInfoSchema = z.strictObject({
  pid: z.number().int().positive(),
  host: z.string(),
  user: z.string(),
  /** The gitlab-ha command line that took the lock, e.g. `apply`. */
  command: z.string(),
  startedAt: z.string(),
  toolVersion: z.string(),
});
export type LockInfo = z.infer<typeof lockInfoSchema>;

export interface StateLock {
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): Promise<void>;
  readonly info: LockInfo;
}

export interface AcquireLockOptions {
  command: string;
  toolVersion: string;
  /** Config file of the deployment, used to spell out the exact `gitlab-ha unlock` command. */
  configPath?: string;
}

/**
 * What is known about an existing lock:
 * - `live`: held by a running process on this host;
 * - `stale`: its process on this host has exited;
 * - `foreign`: taken on another host, whose processes cannot be checked from here;
 * - `corrupt`: the file cannot be read or parsed (a crash while it was being written).
 */
export type LockReading =
  | { kind: 'absent' }
  | { kind: 'corrupt'; detail: string }
  | { kind: 'live' | 'stale' | 'foreign'; info: LockInfo };

export interface ClearLockResult {
  cleared: boolean;
  info?: LockInfo;
  reason: string;
}

const OWNER_READ_WRITE = 0o600;
/** A lock seen mid-write (empty or partial JSON) is re-read once after this pause before being judged corrupt. */
const PARTIAL_WRITE_GRACE_MS = 100;

export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

/** Takes the lock or throws LockHeldError explaining who holds it and what to do. */
export async function acquireLock(statePath: string, options: AcquireLockOptions): Promise<StateLock> {
  const lockPath = lockPathFor(statePath);
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    user: currentUser(),
    command: options.command,
    startedAt: new Date().toISOString(),
    toolVersion: options.toolVersion,
  };
  // Retried only when the existing lock vanishes between our failed create and our read of it.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await tryCreate(lockPath, info)) return ownedLock(lockPath, info);
    const reading = await readLock(statePath);
    if (reading.kind !== 'absent') throw heldError(lockPath, reading, options.configPath);
  }
  throw new LockHeldError(`Could not take the lock ${lockPath}: it keeps appearing and disappearing.`, {
    hint: 'Another gitlab-ha run is starting and stopping on this deployment; wait for it and run again.',
  });
}

/** Reads and judges the lock file of the state at `statePath`. */
export async function readLock(statePath: string): Promise<LockReading> {
  const lockPath = lockPathFor(statePath);
  let parsed = await readLockFile(lockPath);
  if (parsed.kind === 'corrupt') {
    // The holder may be between creating the file and writing it: look again before calling it corrupt.
    await sleep(PARTIAL_WRITE_GRACE_MS);
    parsed = await readLockFile(lockPath);
  }
  if (parsed.kind !== 'info') return parsed;
  const { info } = parsed;
  if (info.host !== os.hostname()) return { kind: 'foreign', info };
  return { kind: isProcessAlive(info.pid) ? 'live' : 'stale', info };
}

/**
 * Removes a stale or corrupt lock. A lock from another host needs `force`; a lock held by a live
 * process on this host is never removed (two runs writing one state file would corrupt it).
 * Refusals throw LockHeldError; `cleared: false` means there was no lock.
 */
export async function clearLock(statePath: string, options: { force: boolean }): Promise<ClearLockResult> {
  const lockPath = lockPathFor(statePath);
  const reading = await readLock(statePath);
  switch (reading.kind) {
    case 'absent':
      return { cleared: false, reason: `No lock file at ${lockPath}; nothing to clear.` };
    case 'corrupt':
      await fs.rm(lockPath, { force: true });
      return { cleared: true, reason: `Removed unreadable lock file ${lockPath} (${reading.detail}).` };
    case 'stale':
      await removeIfStillHeldBy(lockPath, reading.info);
      return {
        cleared: true,
        info: reading.info,
        reason: `Removed stale lock ${lockPath}: ${describeHolder(reading.info)} is no longer running.`,
      };
    case 'live':
      throw new LockHeldError(
        `Not clearing lock ${lockPath}: ${describeHolder(reading.info)} is still running on this host. ` +
          'Removing its lock would let two runs write the state file at once and corrupt it.',
        { hint: `Wait for it to finish, or stop that process (kill ${reading.info.pid}), then run again.` },
      );
    case 'foreign':
      if (!options.force) {
        throw new LockHeldError(
          `Not clearing lock ${lockPath}: it was taken on host ${reading.info.host}, ` +
            `so whether ${describeHolder(reading.info)} is still running cannot be checked from here.`,
          { hint: `If no gitlab-ha run is active on ${reading.info.host}, run unlock again with --force.` },
        );
      }
      await removeIfStillHeldBy(lockPath, reading.info);
      return {
        cleared: true,
        info: reading.info,
        reason: `Removed lock ${lockPath} taken on host ${reading.info.host} (forced).`,
      };
  }
}

/** Whether a process with this pid exists on this host (EPERM means it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  // kill(0) and negative pids address process groups, not a process: never probe those.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function tryCreate(lockPath: string, info: LockInfo): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx', OWNER_READ_WRITE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.chmod(OWNER_READ_WRITE); // the create mode is filtered by the umask
    await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`, 'utf8');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(lockPath, { force: true });
    throw error;
  }
  return true;
}

/** Re-reads just before removing, so a lock retaken since it was judged is left alone. */
async function removeIfStillHeldBy(lockPath: string, judged: LockInfo): Promise<void> {
  const current = await readLockFile(lockPath);
  if (current.kind === 'absent') return;
  if (current.kind === 'info' && isSameHolder(current.info, judged)) {
    await fs.rm(lockPath, { force: true });
    return;
  }
  throw new LockHeldError(`Not clearing lock ${lockPath}: it changed hands while being checked.`, {
    hint: 'Another gitlab-ha run has just taken it; run unlock again to see who holds it now.',
  });
}

function ownedLock(lockPath: string, info: LockInfo): StateLock {
  let released = false;
  return {
    info,
    async release() {
      if (released) return;
      const current = await readLockFile(lockPath);
      // Only our own lock: after `unlock --force` another run may hold this path now.
      if (current.kind === 'info' && isSameHolder(current.info, info)) await fs.rm(lockPath, { force: true });
      released = true;
    },
  };
}

function isSameHolder(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

type LockFileContent =
  { kind: 'absent' } | { kind: 'corrupt'; detail: string } | { kind: 'info'; info: LockInfo };

async function readLockFile(lockPath: string): Promise<LockFileContent> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'absent' };
    return { kind: 'corrupt', detail: `cannot be read: ${describe(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', detail: text.trim() === '' ? 'it is empty' : 'it is not valid JSON' };
  }
  const parsed = lockInfoSchema.safeParse(json);
  if (!parsed.success) return { kind: 'corrupt', detail: 'it does not describe a gitlab-ha run' };
  return { kind: 'info', info: parsed.data };
}

function heldError(
  lockPath: string,
  reading: Exclude<LockReading, { kind: 'absent' }>,
  configPath: string | undefined,
): LockHeldError {
  const unlock = unlockCommand(configPath);
  switch (reading.kind) {
    case 'live':
      return new LockHeldError(
        `Another gitlab-ha run holds the lock ${lockPath}: ${describeHolder(reading.info)}.`,
        { hint: 'Wait for it to finish (or stop it), then run again.' },
      );
    case 'stale':
      return new LockHeldError(
        `Stale lock ${lockPath}: ${describeHolder(reading.info)} is no longer running.`,
        { hint: `Clear it with: ${unlock}` },
      );
    case 'corrupt':
      return new LockHeldError(
        `Stale lock ${lockPath}: ${reading.detail}, probably left by a run that crashed while taking it.`,
        { hint: `Check that no gitlab-ha run is active for this deployment, then clear it with: ${unlock}` },
      );
    case 'foreign':
      return new LockHeldError(
        `The lock ${lockPath} is held by ${describeHolder(reading.info)}; whether that process is still running ` +
          'cannot be judged from this host.',
        { hint: `If no gitlab-ha run is active on ${reading.info.host}, clear it with: ${unlock} --force` },
      );
  }
}

function describeHolder(info: LockInfo): string {
  return (
    `pid ${info.pid} on host ${info.host} (user ${info.user}, running '${info.command}', ` +
    `since ${info.startedAt}${ageSuffix(info.startedAt)})`
  );
}

function ageSuffix(startedAt: string): string {
  const started = Date.parse(startedAt);
  if (Number.isNaN(started)) return '';
  const minutes = Math.floor((Date.now() - started) / 60_000);
  if (minutes < 1) return ', less than a minute ago';
  if (minutes < 120) return `, ${minutes} min ago`;
  return `, ${Math.floor(minutes / 60)} h ago`;
}

function unlockCommand(configPath: string | undefined): string {
  const config = configPath === undefined ? '<config file of this deployment>' : shellQuote(configPath);
  return `gitlab-ha unlock --config ${config}`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry for this uid (common in containers).
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
