/** Public API of the config layer. */
export { loadConfig, parseConfig, type LoadedConfig } from './load.js';
export { configJsonSchema, CONFIG_SCHEMA_ID } from './json-schema.js';
export { checkConfigRules } from './rules.js';
export { normalizeConfig, DEFAULT_DATABASE_IOPS } from './normalize.js';
export type { ConfigIssue } from './issue-path.js';
export { configSchema, type Config, type ConfigInput } from './schema.js';
