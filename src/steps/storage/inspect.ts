/**
 * Live status of the storage step: the secrets, the data volume (attached to the node?) and the node
 * (running, bootstrapped, launched from the current settings?), with what drifted and the endpoints.
 */
import type { Instance, Volume } from '@aws-sdk/client-ec2';
import { tagValue } from '../../aws/tags.js';
import type { Health, StepContext, StepOutputs, StepStatus } from '../../engine/step.js';
import { GITALY_PORT, NFS_EXPORT_PATH } from '../../gitlab/paths.js';
import { secretExists, secretParameterName } from '../secrets.js';
import { bootstrapState } from './bootstrap.js';
import { STORAGE_ROLES, STORAGE_SECRETS, STORAGE_TYPES, USER_DATA_HASH_TAG } from './layout.js';
import { storageNodeSpec, storageUserData } from './node.js';
import { dataVolumeSpec, volumeShapeDrift } from './volume.js';
import { resourceStatus } from '../resource.js';

interface Live<R> {
  recordedId: string | undefined;
  found: R | undefined;
}

/** The recorded resource of a role, as it is now (status reports drift from state, it does not adopt). */
async function liveOf<R>(
  ctx: StepContext,
  spec: { role: string; findById(id: string): Promise<R | undefined> },
): Promise<Live<R>> {
  const recordedId = ctx.recorded(spec.role)?.id;
  const found = recordedId ? await spec.findById(recordedId) : undefined;
  return { recordedId, found };
}

function presenceProblem(label: string, live: Live<unknown>): string | undefined {
  if (!live.recordedId) return `${label} is not recorded in state`;
  if (!live.found) return `${label} ${live.recordedId} no longer exists`;
  return undefined;
}

function volumeProblems(ctx: StepContext, live: Live<Volume>, nodeId: string | undefined): string[] {
  const volume = live.found;
  if (!volume) return [presenceProblem('storage data volume', live)!];
  const attachment = volume.Attachments?.[0];
  return [
    volumeShapeDrift(ctx, volume),
    !attachment
      ? `storage data volume ${volume.VolumeId} is not attached to the storage node`
      : nodeId && attachment.InstanceId !== nodeId
        ? `storage data volume ${volume.VolumeId} is attached to ${attachment.InstanceId}, not to the storage node ${nodeId}`
        : undefined,
  ].filter((p): p is string => p !== undefined);
}

function nodeProblems(ctx: StepContext, live: Live<Instance>, dataVolumeId: string | undefined): string[] {
  const node = live.found;
  if (!node) return [presenceProblem('storage node', live)!];
  const id = node.InstanceId!;
  const bootstrap = bootstrapState(node);
  const expectedUserData = dataVolumeId ? storageUserData(ctx.config, dataVolumeId).sha256 : undefined;
  const launchedUserData = tagValue(node.Tags, USER_DATA_HASH_TAG);
  return [
    node.State?.Name !== 'running' ? `storage node ${id} is ${node.State?.Name}, not running` : undefined,
    bootstrap === 'failed'
      ? `storage node ${id} failed its first boot (see gitlab-ha apply for its log)`
      : bootstrap !== 'ready'
        ? `storage node ${id} has not signalled the end of its first boot`
        : undefined,
    node.InstanceType !== ctx.config.storage.instanceType
      ? `storage node ${id} is a ${node.InstanceType}; the config asks for ${ctx.config.storage.instanceType} (replace the node to change it)`
      : undefined,
    expectedUserData && launchedUserData && expectedUserData !== launchedUserData
      ? `storage node ${id} was set up from other settings (gitlab version, edition, URL or subnets changed); replace the node to apply them`
      : undefined,
  ].filter((p): p is string => p !== undefined);
}

export async function inspectStorage(ctx: StepContext): Promise<StepStatus> {
  const [volume, node, secrets] = await Promise.all([
    liveOf(ctx, dataVolumeSpec(ctx)),
    liveOf(ctx, storageNodeSpec(ctx)),
    Promise.all(STORAGE_SECRETS.map(async (s) => ({ key: s.key, exists: await secretExists(ctx, s.key) }))),
  ]);
  const nodeId = node.found?.InstanceId;
  const volumeId = volume.found?.VolumeId;
  const status = (role: string, type: string, live: Live<unknown>, state: string, problems: string[]) =>
    resourceStatus(role, type, live.recordedId, state, problems);
  const drift: string[] = [];
  const secretStatuses = secrets.map(({ key, exists }) => {
    const name = secretParameterName(ctx.config.name, key);
    const problems = exists ? [] : [`SSM parameter ${name} is missing`];
    drift.push(...problems);
    return status(
      `secret/${key}`,
      STORAGE_TYPES.secret,
      { recordedId: name, found: exists },
      exists ? 'present' : 'missing',
      problems,
    );
  });
  const volumeIssues = volumeProblems(ctx, volume, nodeId);
  const nodeIssues = nodeProblems(ctx, node, volumeId);
  drift.push(...volumeIssues, ...nodeIssues);
  const resources = [
    ...secretStatuses,
    status(
      STORAGE_ROLES.dataVolume,
      STORAGE_TYPES.volume,
      volume,
      volume.found?.State ?? 'missing',
      volumeIssues,
    ),
    status(
      STORAGE_ROLES.node,
      STORAGE_TYPES.instance,
      node,
      node.found?.State?.Name ?? 'missing',
      nodeIssues,
    ),
  ];
  const health: Health = !node.found && !volume.found ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  const outputs: StepOutputs = {};
  if (node.found) {
    const ip = node.found.PrivateIpAddress ?? '';
    Object.assign(outputs, {
      instanceId: nodeId!,
      privateIp: ip,
      privateDnsName: node.found.PrivateDnsName ?? '',
      nfsExport: `${ip}:${NFS_EXPORT_PATH}`,
      gitalyAddress: `tcp://${ip}:${GITALY_PORT}`,
      bootstrap: bootstrapState(node.found) ?? 'pending',
    });
  }
  if (volumeId) outputs.dataVolumeId = volumeId;
  return { step: 'storage', health, resources, outputs, drift };
}
