/** Public API of the state layer: the state file, its lock and the secret guard. */
export { StateStore } from './store.js';
export type { StateStoreInit } from './store.js';
export { acquireLock, clearLock, isProcessAlive, lockInfoSchema, lockPathFor, readLock } from './lock.js';
export type { AcquireLockOptions, ClearLockResult, LockInfo, LockReading, StateLock } from './lock.js';
export { assertNoSecrets, isSecretLookingKey } from './secret-guard.js';
export { backupPathFor } from './atomic-write.js';
export * from './schema.js';
