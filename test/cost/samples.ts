/** Sample configs for the cost tests, loaded through the real config loader (defaults, normalization, rules). */
import { resolve } from 'node:path';
import { loadConfig, parseConfig, type Config } from '../../src/config/index.js';

export const EXAMPLE_PATH = resolve(import.meta.dirname, '../../examples/gitlab-ha.yaml');

/** examples/gitlab-ha.yaml: eu-west-1, per-az NAT over 2 zones, db.m6i.large Multi-AZ io1, c5.2xlarge 2-4. */
export async function exampleConfig(): Promise<Config> {
  return (await loadConfig(EXAMPLE_PATH)).config;
}

/** A small deployment in us-east-1: one NAT gateway, Single-AZ gp3 database, burstable nodes, 1-2 GitLab nodes. */
export const SMALL_CONFIG_TEXT = `
name: small-gitlab
region: us-east-1
network:
  availabilityZones: [us-east-1a, us-east-1b]
  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]
  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]
  natGateways: single
database:
  instanceClass: db.t4g.medium
  multiAz: false
  storage: { type: gp3, sizeGb: 50 }
redis:
  nodeType: cache.t4g.medium
  replicas: 1
storage:
  instanceType: t3.large
  dataVolume: { sizeGb: 50, type: gp3 }
gitlab:
  externalUrl: http://gitlab.example.com
  instanceType: c6i.xlarge
  rootVolumeGb: 40
autoScaling: { min: 1, desired: 1, max: 2 }
`;

export function smallConfig(): Config {
  return parseConfig(SMALL_CONFIG_TEXT, 'small.yaml').config;
}

/** `base` with some sections replaced (still a valid config: checked by the loader's rules). */
export function withChanges(base: Config, changes: Partial<Config>): Config {
  return parseConfig(JSON.stringify({ ...base, ...changes }), 'changed.yaml').config;
}
