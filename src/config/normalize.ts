/**
 * Defaults that depend on other fields, so zod's per-field `.default()` cannot express them.
 * Runs after schema parsing and before the cross-field rules (which then see the filled value).
 */
import type { Config } from './schema.js';

/** GitLab's AWS guide: RDS io1 with 1000 IOPS. RDS refuses io1/io2 without an IOPS figure. */
export const DEFAULT_DATABASE_IOPS = 1000;

/** `config` with dependent defaults filled in (a new object when anything changed); never mutates it. */
export function normalizeConfig(config: Config): Config {
  const storage = config.database.storage;
  const needsIops = storage.type === 'io1' || storage.type === 'io2';
  if (!needsIops || storage.iops !== undefined) return config;
  return {
    ...config,
    database: { ...config.database, storage: { ...storage, iops: DEFAULT_DATABASE_IOPS } },
  };
}
