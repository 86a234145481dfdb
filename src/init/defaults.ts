/**
 * The default answer to each question, given the answers before it. Plain values come from the
 * config schema's own defaults (one source of truth); the rest are derived so that taking every
 * default always gives a valid config (desired between min and max, subnets inside the VPC, ...).
 */
import { DEFAULT_DATABASE_IOPS } from '../config/normalize.js';
import { configSchema } from '../config/schema.js';
import type { AnswerKey, WizardAnswers } from './answers.js';
import { offlineZones } from './regions.js';
import { suggestSubnets } from './subnets.js';

/** The schema's defaults, read by parsing the smallest config it accepts. */
const SCHEMA = configSchema.parse({
  name: 'defaults',
  region: 'us-east-1',
  network: { availabilityZones: [], publicSubnetCidrs: [], privateSubnetCidrs: [] },
  gitlab: { externalUrl: 'http://defaults.invalid' },
});

export const DEFAULT_NAME = 'gitlab';
export const DEFAULT_REGION = 'us-east-1';
/** How many zones the multi-select ticks when it opens: the minimum for high availability. */
export const PRESELECTED_ZONES = 2;
/** The gap kept between the scale-out and the default scale-in CPU threshold. */
const SCALE_IN_GAP = 15;

type Known = Partial<WizardAnswers>;
type DefaultFor = { [K in AnswerKey]: (known: Known) => WizardAnswers[K] | undefined };

function subnetsFor(known: Known) {
  const zones = known.availabilityZones ?? defaults.availabilityZones(known) ?? [];
  return suggestSubnets(known.vpcCidr ?? SCHEMA.network.vpcCidr, zones.length);
}

export const defaults: DefaultFor = {
  name: () => DEFAULT_NAME,
  profile: () => undefined,
  region: () => DEFAULT_REGION,
  vpcCidr: () => SCHEMA.network.vpcCidr,
  availabilityZones: (known) => offlineZones(known.region ?? DEFAULT_REGION).slice(0, PRESELECTED_ZONES),
  publicSubnetCidrs: (known) => subnetsFor(known)?.public,
  privateSubnetCidrs: (known) => subnetsFor(known)?.private,
  natGateways: () => SCHEMA.network.natGateways,
  dbVersion: () => SCHEMA.database.engineVersion,
  dbClass: () => SCHEMA.database.instanceClass,
  dbMultiAz: () => SCHEMA.database.multiAz,
  dbStorageType: () => SCHEMA.database.storage.type,
  dbStorageGb: () => SCHEMA.database.storage.sizeGb,
  dbIops: (known) => {
    const type = known.dbStorageType ?? SCHEMA.database.storage.type;
    return type === 'gp3' ? undefined : DEFAULT_DATABASE_IOPS;
  },
  redisNodeType: () => SCHEMA.redis.nodeType,
  redisReplicas: () => SCHEMA.redis.replicas,
  storageInstanceType: () => SCHEMA.storage.instanceType,
  storageVolumeGb: () => SCHEMA.storage.dataVolume.sizeGb,
  gitlabEdition: () => SCHEMA.gitlab.edition,
  gitlabVersion: () => SCHEMA.gitlab.version,
  // Only the user knows the URL people will type; there is no sensible default.
  externalUrl: () => undefined,
  instanceType: () => SCHEMA.gitlab.instanceType,
  sshAccessCidr: () => undefined,
  keyPair: () => undefined,
  certificateArn: () => undefined,
  min: () => SCHEMA.autoScaling.min,
  desired: (known) => Math.max(SCHEMA.autoScaling.desired, known.min ?? SCHEMA.autoScaling.min),
  max: (known) => Math.max(SCHEMA.autoScaling.max, known.desired ?? 0, known.min ?? SCHEMA.autoScaling.min),
  scaleOutCpu: () => SCHEMA.autoScaling.scaleOut.cpuPercent,
  scaleInCpu: (known) => {
    const scaleOut = known.scaleOutCpu ?? SCHEMA.autoScaling.scaleOut.cpuPercent;
    return Math.max(1, Math.min(SCHEMA.autoScaling.scaleIn.cpuPercent, scaleOut - SCALE_IN_GAP));
  },
};

export function defaultFor<K extends AnswerKey>(key: K, known: Known): WizardAnswers[K] | undefined {
  return defaults[key](known);
}
