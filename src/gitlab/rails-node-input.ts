/**
 * What a GitLab Rails node (the image builder and every Auto Scaling node) is configured from: the
 * config plus the outputs of the database, redis and storage steps. Pure data, so `plan` can render
 * a node's files offline: an output that does not exist yet becomes a readable placeholder such as
 * `<database address>`.
 */
import type { Config } from '../config/schema.js';
import type { StepOutputs } from '../engine/step.js';
import { GITALY_PORT, NFS_EXPORT_PATH } from './paths.js';
import { STORAGE_SECRET_KEYS } from './storage-node.js';

export interface RailsNodeInput {
  deployment: string;
  region: string;
  /** Trusted for forwarded client addresses and allowed to read the health endpoints. */
  vpcCidr: string;
  gitlab: Config['gitlab'];
  /**
   * The load balancer terminates TLS for GitLab's URL: the external URL is https (which the config
   * rules only allow with loadBalancer.certificateArn set).
   */
  https: boolean;
  database: { address: string; port: number; databaseName: string; username: string };
  redis: { primaryAddress: string; port: number };
  storage: { gitalyAddress: string; nfsServer: string; nfsExportPath: string };
}

/**
 * SSM keys (under /gitlab-ha/<deployment>/) of the secrets a Rails node fetches at boot. The database
 * and redis steps create the first two (their PASSWORD_KEY and AUTH_TOKEN_KEY), storage the others.
 */
export const RAILS_SECRET_KEYS = {
  dbPassword: 'db-password',
  redisAuthToken: 'redis-auth-token',
  gitalyToken: STORAGE_SECRET_KEYS.gitalyToken,
  gitlabShellSecret: STORAGE_SECRET_KEYS.gitlabShellSecret,
} as const;

/**
 * The builder also fetches the first root password: the migrations it runs seed the root user with
 * it. The image step creates this secret; operators read it from SSM to sign in the first time.
 */
export const BUILDER_SECRET_KEYS = {
  ...RAILS_SECRET_KEYS,
  rootPassword: 'gitlab-root-password',
} as const;

/** The ports RDS PostgreSQL and ElastiCache Redis listen on unless told otherwise. */
const DEFAULT_POSTGRES_PORT = 5432;
const DEFAULT_REDIS_PORT = 6379;

/** Stand-ins for outputs of steps that have not run yet (offline plans). */
export const RAILS_NODE_PLACEHOLDERS = {
  databaseAddress: '<database address>',
  databaseName: '<database name>',
  databaseUsername: '<database username>',
  redisAddress: '<redis primary address>',
  storageIp: '<storage node private ip>',
} as const;

export function railsNodeInput(
  config: Config,
  outputs: { database?: StepOutputs; redis?: StepOutputs; storage?: StepOutputs },
): RailsNodeInput {
  const { database = {}, redis = {}, storage = {} } = outputs;
  const storageIp = text(storage.privateIp, RAILS_NODE_PLACEHOLDERS.storageIp);
  return {
    deployment: config.name,
    region: config.region,
    vpcCidr: config.network.vpcCidr,
    gitlab: config.gitlab,
    https: new URL(config.gitlab.externalUrl).protocol === 'https:',
    database: {
      address: text(database.address, RAILS_NODE_PLACEHOLDERS.databaseAddress),
      port: num(database.port, DEFAULT_POSTGRES_PORT),
      databaseName: text(database.databaseName, RAILS_NODE_PLACEHOLDERS.databaseName),
      username: text(database.username, RAILS_NODE_PLACEHOLDERS.databaseUsername),
    },
    redis: {
      primaryAddress: text(redis.primaryAddress, RAILS_NODE_PLACEHOLDERS.redisAddress),
      port: num(redis.port, DEFAULT_REDIS_PORT),
    },
    storage: {
      gitalyAddress: text(storage.gitalyAddress, `tcp://${storageIp}:${GITALY_PORT}`),
      nfsServer: storageIp,
      // A fixed path on the storage node, known before it exists.
      nfsExportPath: text(storage.nfsExportPath, NFS_EXPORT_PATH),
    },
  };
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}
