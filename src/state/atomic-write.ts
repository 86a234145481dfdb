/**
 * Crash-safe file replacement: at every instant the target holds either the previous complete
 * content or the new complete content, never a torn mix. `fs` is used through its default export so
 * tests can inject faults (a failing rename) with vi.spyOn.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from './fs-error.js';

const OWNER_READ_WRITE = 0o600;

export interface AtomicWriteOptions {
  /** Keep the file being replaced as `<target>.bak` (mode 0600). */
  backup: boolean;
}

/**
 * Writes `<target>.tmp-<pid>-<random>` (0600), fsyncs it, keeps the old file as the backup, renames the
 * temp file over the target and fsyncs the directory so the rename itself survives a power loss.
 */
export async function writeFileAtomic(
  target: string,
  content: string,
  options: AtomicWriteOptions,
): Promise<void> {
  const tempPath = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeAndSync(tempPath, content);
    if (options.backup) await keepBackup(target);
    await fs.rename(tempPath, target);
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

export function backupPathFor(target: string): string {
  return `${target}.bak`;
}

async function writeAndSync(filePath: string, content: string): Promise<void> {
  const handle = await fs.open(filePath, 'wx', OWNER_READ_WRITE);
  try {
    // The create mode is filtered by the umask; set it explicitly so the file is exactly 0600.
    await handle.chmod(OWNER_READ_WRITE);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A hard link keeps the old inode as the backup without copying; filesystems without hard links
 * (some network and FUSE mounts) get a copy instead.
 */
async function keepBackup(target: string): Promise<void> {
  const backupPath = backupPathFor(target);
  try {
    await fs.rm(backupPath, { force: true });
    await fs.link(target, backupPath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // nothing to back up yet
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errorCode(error) ?? '')) throw error;
    await fs.copyFile(target, backupPath);
  }
  await fs.chmod(backupPath, OWNER_READ_WRITE);
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows, a few network filesystems) cannot open or fsync a directory;
    // the rename has still happened, only its durability across a power loss is weaker there.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
