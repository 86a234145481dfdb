/**
 * What `plan` shows for the storage step: offline, every resource as a create with its key
 * parameters (AMI source, instance type, volume shape); live, what ensure would do to each.
 */
import { describeBaseImageChoice } from '../../aws/ubuntu-ami.js';
import { readOnlyStepContext } from '../../engine/context.js';
import type { PlanAction, PlanContext, PlannedResource, StepPlan } from '../../engine/step.js';
import { planResource } from '../resource.js';
import { secretExists, secretParameterName } from '../secrets.js';
import { STORAGE_ROLES, STORAGE_SECRETS, STORAGE_TYPES } from './layout.js';
import { BASE_AMI_CONFIG_PATH, nodeDetails, storageNodeSpec } from './node.js';
import { dataVolumeSpec, volumeDetails } from './volume.js';

function summaryAction(resources: PlannedResource[]): PlanAction {
  if (resources.every((r) => r.action === 'noop')) return 'noop';
  if (resources.some((r) => r.action === 'create')) return 'create';
  return 'adopt';
}

export async function planStorage(ctx: PlanContext): Promise<StepPlan> {
  const secretPlan = (key: string, action: 'create' | 'noop', reason?: string): PlannedResource => ({
    role: `secret/${key}`,
    type: STORAGE_TYPES.secret,
    action,
    ...(reason ? { reason } : {}),
    details: { name: secretParameterName(ctx.config.name, key) },
  });
  if (!ctx.aws) {
    const image = describeBaseImageChoice({
      override: ctx.config.storage.baseAmi,
      configPath: BASE_AMI_CONFIG_PATH,
    });
    const resources: PlannedResource[] = [
      ...STORAGE_SECRETS.map((secret) => secretPlan(secret.key, 'create')),
      {
        role: STORAGE_ROLES.dataVolume,
        type: STORAGE_TYPES.volume,
        action: 'create',
        details: volumeDetails(ctx),
      },
      {
        role: STORAGE_ROLES.node,
        type: STORAGE_TYPES.instance,
        action: 'create',
        details: nodeDetails(ctx.config, image),
      },
    ];
    return { step: 'storage', action: 'create', resources, live: false };
  }
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const secrets = await Promise.all(
    STORAGE_SECRETS.map(async (secret) => ({ secret, exists: await secretExists(readOnly, secret.key) })),
  );
  const resources: PlannedResource[] = [
    ...secrets.map(({ secret, exists }) =>
      secretPlan(secret.key, exists ? 'noop' : 'create', exists ? 'present' : 'not found'),
    ),
    await planResource(ctx, dataVolumeSpec(readOnly)),
    await planResource(ctx, storageNodeSpec(readOnly)),
  ];
  return { step: 'storage', action: summaryAction(resources), resources, live: true };
}
