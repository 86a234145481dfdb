/**
 * The wizard's answers: one flat record, one key per question, and where each lands in
 * gitlab-ha.yaml. Everything the wizard does not ask keeps the schema's default.
 */
import type { ConfigInput } from '../config/schema.js';

export type NatGateways = 'single' | 'per-az';
export type DatabaseStorageType = 'io1' | 'io2' | 'gp3';
export type GitlabEdition = 'ee' | 'ce';

export interface WizardAnswers {
  name: string;
  /** Named AWS profile; undefined for the default credential chain. */
  profile: string | undefined;
  region: string;
  vpcCidr: string;
  availabilityZones: string[];
  publicSubnetCidrs: string[];
  privateSubnetCidrs: string[];
  natGateways: NatGateways;
  dbVersion: string;
  dbClass: string;
  dbMultiAz: boolean;
  dbStorageType: DatabaseStorageType;
  dbStorageGb: number;
  /** Provisioned IOPS; undefined for gp3's baseline. */
  dbIops: number | undefined;
  redisNodeType: string;
  redisReplicas: number;
  storageInstanceType: string;
  storageVolumeGb: number;
  gitlabEdition: GitlabEdition;
  gitlabVersion: string;
  externalUrl: string;
  instanceType: string;
  sshAccessCidr: string | undefined;
  keyPair: string | undefined;
  certificateArn: string | undefined;
  min: number;
  desired: number;
  max: number;
  scaleOutCpu: number;
  scaleInCpu: number;
}

export type AnswerKey = keyof WizardAnswers;

/** The config path each answer is written to (and validated at), in the order the wizard asks. */
export const ANSWER_PATHS: Readonly<Record<AnswerKey, string>> = {
  name: 'name',
  profile: 'aws.profile',
  region: 'region',
  vpcCidr: 'network.vpcCidr',
  availabilityZones: 'network.availabilityZones',
  publicSubnetCidrs: 'network.publicSubnetCidrs',
  privateSubnetCidrs: 'network.privateSubnetCidrs',
  natGateways: 'network.natGateways',
  dbVersion: 'database.engineVersion',
  dbClass: 'database.instanceClass',
  dbMultiAz: 'database.multiAz',
  dbStorageType: 'database.storage.type',
  dbStorageGb: 'database.storage.sizeGb',
  dbIops: 'database.storage.iops',
  redisNodeType: 'redis.nodeType',
  redisReplicas: 'redis.replicas',
  storageInstanceType: 'storage.instanceType',
  storageVolumeGb: 'storage.dataVolume.sizeGb',
  gitlabEdition: 'gitlab.edition',
  gitlabVersion: 'gitlab.version',
  externalUrl: 'gitlab.externalUrl',
  instanceType: 'gitlab.instanceType',
  sshAccessCidr: 'gitlab.sshAccessCidr',
  keyPair: 'gitlab.keyPair',
  certificateArn: 'loadBalancer.certificateArn',
  min: 'autoScaling.min',
  desired: 'autoScaling.desired',
  max: 'autoScaling.max',
  scaleOutCpu: 'autoScaling.scaleOut.cpuPercent',
  scaleInCpu: 'autoScaling.scaleIn.cpuPercent',
};

export const ANSWER_KEYS = Object.keys(ANSWER_PATHS) as AnswerKey[];

/** True when `issuePath` is `path` itself or lies inside it (`path[1]`, `path.x`). */
export function pathIsWithin(issuePath: string, path: string): boolean {
  return issuePath === path || issuePath.startsWith(`${path}[`) || issuePath.startsWith(`${path}.`);
}

/** The question whose answer a config issue is about, if any. */
export function answerKeyForPath(issuePath: string): AnswerKey | undefined {
  return ANSWER_KEYS.find((key) => pathIsWithin(issuePath, ANSWER_PATHS[key]));
}

/** The config the answers describe, with only what was asked written out. */
export function toConfigInput(answers: WizardAnswers): ConfigInput {
  return {
    name: answers.name,
    region: answers.region,
    ...(answers.profile !== undefined ? { aws: { profile: answers.profile } } : {}),
    network: {
      vpcCidr: answers.vpcCidr,
      availabilityZones: [...answers.availabilityZones],
      publicSubnetCidrs: [...answers.publicSubnetCidrs],
      privateSubnetCidrs: [...answers.privateSubnetCidrs],
      natGateways: answers.natGateways,
    },
    database: {
      engineVersion: answers.dbVersion,
      instanceClass: answers.dbClass,
      multiAz: answers.dbMultiAz,
      storage: {
        type: answers.dbStorageType,
        sizeGb: answers.dbStorageGb,
        ...(answers.dbIops !== undefined ? { iops: answers.dbIops } : {}),
      },
    },
    redis: { nodeType: answers.redisNodeType, replicas: answers.redisReplicas },
    storage: {
      instanceType: answers.storageInstanceType,
      dataVolume: { sizeGb: answers.storageVolumeGb },
    },
    gitlab: {
      edition: answers.gitlabEdition,
      version: answers.gitlabVersion,
      externalUrl: answers.externalUrl,
      instanceType: answers.instanceType,
      ...(answers.sshAccessCidr !== undefined ? { sshAccessCidr: answers.sshAccessCidr } : {}),
      ...(answers.keyPair !== undefined ? { keyPair: answers.keyPair } : {}),
    },
    ...(answers.certificateArn !== undefined
      ? { loadBalancer: { certificateArn: answers.certificateArn } }
      : {}),
    autoScaling: {
      min: answers.min,
      desired: answers.desired,
      max: answers.max,
      scaleOut: { cpuPercent: answers.scaleOutCpu },
      scaleIn: { cpuPercent: answers.scaleInCpu },
    },
  };
}
