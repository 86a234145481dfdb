/**
 * What a step's instances run at first boot, for `gitlab-ha plan --show-user-data <step>`: the
 * `#cloud-config` document exactly as EC2 gets it (decoded back from the UserData encoding) and the
 * gitlab.rb inside it. Pure: the caller passes the outputs recorded so far; a step that has not run
 * yet is shown through placeholders.
 */
import type { Config } from '../config/schema.js';
import type { StepOutputs } from '../engine/step.js';
import { decodeUserData, encodeUserData } from './cloud-config.js';
import { renderRailsGitlabRb } from './rails-gitlab-rb.js';
import { renderBuilderCloudInit, renderNodeCloudInit } from './rails-cloud-init.js';
import { railsNodeInput } from './rails-node-input.js';
import {
  GITLAB_RB_PATH,
  renderGitalyGitlabRb,
  renderStorageCloudInit,
  storageNodeInput,
} from './storage-node.js';

/** The steps that launch instances from user data. */
export const USER_DATA_STEPS = ['storage', 'image', 'auto-scaling'] as const;
export type UserDataStep = (typeof USER_DATA_STEPS)[number];

/** The steps whose outputs the user data is rendered from. */
export type UserDataSourceStep = 'database' | 'redis' | 'storage';
export type UserDataSources = Partial<Record<UserDataSourceStep, StepOutputs>>;

export const DATA_VOLUME_PLACEHOLDER = '<data volume id>';

export interface UserDataPreview {
  step: UserDataStep;
  /** What the instances are, in a few words. */
  instances: string;
  /** The document EC2 receives, decoded from the UserData encoding. */
  cloudConfig: string;
  /** Size of UserData before base64 (EC2 allows USER_DATA_LIMIT_BYTES). */
  userDataBytes: number;
  /** The document was gzipped to fit EC2's limit (cloud-init unpacks it). */
  gzipped: boolean;
  gitlabRbPath: string;
  gitlabRb: string;
  /** Steps whose outputs were not recorded yet: placeholders (`<...>`) stand for them. */
  placeholdersFor: UserDataSourceStep[];
}

export function isUserDataStep(value: string): value is UserDataStep {
  return (USER_DATA_STEPS as readonly string[]).includes(value);
}

export function renderUserDataPreview(
  step: UserDataStep,
  config: Config,
  sources: UserDataSources,
): UserDataPreview {
  const needs: UserDataSourceStep[] = step === 'storage' ? ['storage'] : ['database', 'redis', 'storage'];
  const placeholdersFor = needs.filter((source) => sources[source] === undefined);
  const rendered = renderStep(step, config, sources);
  const userData = encodeUserData(rendered.cloudConfig);
  const payload = Buffer.from(userData, 'base64');
  return {
    step,
    instances: rendered.instances,
    cloudConfig: decodeUserData(userData),
    userDataBytes: payload.length,
    gzipped: payload[0] === 0x1f && payload[1] === 0x8b,
    gitlabRbPath: GITLAB_RB_PATH,
    gitlabRb: rendered.gitlabRb,
    placeholdersFor,
  };
}

function renderStep(
  step: UserDataStep,
  config: Config,
  sources: UserDataSources,
): { instances: string; cloudConfig: string; gitlabRb: string } {
  if (step === 'storage') {
    const dataVolumeId = sources.storage?.dataVolumeId;
    const input = storageNodeInput(
      config,
      typeof dataVolumeId === 'string' ? dataVolumeId : DATA_VOLUME_PLACEHOLDER,
    );
    return {
      instances: 'the storage node (NFS + Gitaly)',
      cloudConfig: renderStorageCloudInit(input),
      gitlabRb: renderGitalyGitlabRb(input),
    };
  }
  const input = railsNodeInput(config, sources);
  if (step === 'image') {
    return {
      instances: 'the image builder',
      cloudConfig: renderBuilderCloudInit(input),
      gitlabRb: renderRailsGitlabRb(input, 'builder'),
    };
  }
  return {
    instances: 'each Auto Scaling node (launch template)',
    cloudConfig: renderNodeCloudInit(input),
    gitlabRb: renderRailsGitlabRb(input, 'node'),
  };
}
