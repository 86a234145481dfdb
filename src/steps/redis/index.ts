/**
 * Step `redis` (guide: "ElastiCache"): a cache subnet group over the private subnets and a Redis
 * replication group with cluster mode disabled, a primary and its replicas in different zones,
 * automatic failover, Multi-AZ, encryption at rest and in transit, and an AUTH token kept only in
 * SSM (a SecureString read back solely to hand it to CreateReplicationGroup).
 */
import { createdByTool } from '../../aws/tags.js';
import { readOnlyStepContext } from '../../engine/context.js';
import { ProvisioningError } from '../../engine/errors.js';
import type {
  DestroyContext,
  PlanAction,
  PlanContext,
  PlannedResource,
  Step,
  StepContext,
  StepOutputs,
  StepPlan,
  StepResult,
  StepStatus,
} from '../../engine/step.js';
import {
  destroyDeletes,
  destroyResource,
  ensureResource,
  findLive,
  planResource,
  resourceStatus,
} from '../resource.js';
import { deleteSecret, ensureSecret, readSecret, secretExists, secretParameterName } from '../secrets.js';
import type { LiveRedis } from './drift.js';
import { primaryEndpoint, redisDrift, redisStatusOutputs } from './drift.js';
import type { RedisLayout } from './layout.js';
import {
  AUTH_TOKEN_KEY,
  AUTH_TOKEN_LENGTH,
  ROLES,
  TYPES,
  finalSnapshotName,
  redisLayout,
  replicationGroupDetails,
  subnetGroupDetails,
} from './layout.js';
import type { LiveReplicationGroup } from './replication-group.js';
import {
  SERVING,
  deleteReplicationGroup,
  describeReplicationGroup,
  engineVersionOf,
  findForDestroy,
  replicationGroupSpec,
  waitAvailable,
} from './replication-group.js';
import type { RedisCtx, SubnetGroupSpec } from './subnet-group.js';
import { subnetDrift, subnetGroupSpec } from './subnet-group.js';

export interface RedisOutputs {
  primaryAddress: string;
  port: number;
  /** SSM SecureString holding the AUTH token; nodes read it at boot. */
  authTokenParameterName: string;
  replicationGroupId: string;
  /** In-transit encryption is on: clients must connect with TLS (gitlab_rails['redis_ssl'] = true). */
  tls: true;
}

/** What the step needs from network and security. */
interface Wiring {
  privateSubnetIds: string[];
  availabilityZones: string[];
  securityGroupId: string;
}

const SECRET_ROLE = `secret/${AUTH_TOKEN_KEY}`;
const SECRET_TYPE = 'ssm:parameter';

function stringList(outputs: StepOutputs, key: string, step: string): string[] {
  const value = outputs[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new Error(`redis: the ${step} step recorded no ${key} output`);
  }
  return value as string[];
}

function wiringFrom(network: StepOutputs, security: StepOutputs): Wiring {
  const groups = security.securityGroupIds as Record<string, unknown> | undefined;
  const securityGroupId = groups?.redis;
  if (typeof securityGroupId !== 'string') {
    throw new Error('redis: the security step recorded no securityGroupIds.redis output');
  }
  return {
    privateSubnetIds: stringList(network, 'privateSubnetIds', 'network'),
    availabilityZones: stringList(network, 'availabilityZones', 'network'),
    securityGroupId,
  };
}

/** Inspect, plan and destroy find resources, never create them, so they need no wiring. */
function noWiring(): never {
  throw new Error('redis: creating resources needs the network and security outputs');
}

function specs(ctx: RedisCtx, layout: RedisLayout, zones: readonly string[]) {
  return {
    subnetGroup: subnetGroupSpec(ctx, layout, noWiring, zones),
    replicationGroup: replicationGroupSpec(ctx, layout, () => Promise.resolve(noWiring())),
  };
}

async function liveView(ctx: RedisCtx, live: LiveReplicationGroup): Promise<LiveRedis> {
  return { group: live.group, engineVersion: await engineVersionOf(ctx, live.group) };
}

async function ensureRedis(ctx: StepContext): Promise<StepResult> {
  const wiring = wiringFrom(ctx.outputsOf('network'), ctx.outputsOf('security'));
  const layout = redisLayout(ctx.config, wiring.availabilityZones);

  const { resource: subnetGroup } = await ensureResource(
    ctx,
    subnetGroupSpec(ctx, layout, () => wiring.privateSubnetIds, wiring.availabilityZones),
  );
  const misplaced = subnetDrift(subnetGroup.group, wiring.privateSubnetIds);
  if (misplaced) {
    // Subnets that nodes sit in cannot be removed from the group; moving Redis means replacing it.
    ctx.events.warn('resource.drift', `${misplaced}; gitlab-ha does not change it in place`, {
      type: TYPES.subnetGroup,
      role: ROLES.subnetGroup,
      id: subnetGroup.group.CacheSubnetGroupName,
    });
  }

  const authTokenParameterName = await ensureSecret(ctx, {
    key: AUTH_TOKEN_KEY,
    description: `Redis AUTH token of gitlab-ha deployment ${ctx.config.name}`,
    length: AUTH_TOKEN_LENGTH,
  });

  const { resource, action } = await ensureResource(
    ctx,
    replicationGroupSpec(ctx, layout, async () => ({
      subnetGroupName: subnetGroup.group.CacheSubnetGroupName!,
      securityGroupId: wiring.securityGroupId,
      authToken: await readSecret(ctx, AUTH_TOKEN_KEY),
    })),
  );
  const id = resource.group.ReplicationGroupId!;
  if (action === 'adopted' && !createdByTool(resource.tags)) {
    ctx.events.warn(
      'note',
      `replication group ${id} was adopted: its AUTH token must be the value of ${authTokenParameterName}`,
      {
        type: TYPES.replicationGroup,
        id,
      },
    );
  }
  const group = SERVING.has(resource.group.Status ?? '')
    ? resource.group
    : await waitAvailable(ctx, resource.group);
  const endpoint = primaryEndpoint(group);
  if (!endpoint) {
    throw new ProvisioningError(
      `ElastiCache replication group ${id} is ${group.Status} but has no primary endpoint`,
      {
        code: 'NO_ENDPOINT',
        resourceId: id,
        hint: 'Run the same command again in a few minutes.',
      },
    );
  }
  for (const problem of redisDrift(layout, await liveView(ctx, { group, tags: undefined }))) {
    ctx.events.warn('resource.drift', `${problem}; gitlab-ha does not change it in place`, {
      type: TYPES.replicationGroup,
      role: ROLES.replicationGroup,
      id,
    });
  }
  const outputs: RedisOutputs = {
    primaryAddress: endpoint.address,
    port: endpoint.port,
    authTokenParameterName,
    replicationGroupId: id,
    tls: true,
  };
  return { outputs: { ...outputs } };
}

function toCreate(
  role: string,
  type: string,
  details: PlannedResource['details'],
  reason: string | undefined,
): PlannedResource {
  return { role, type, action: 'create', ...(reason ? { reason } : {}), ...(details ? { details } : {}) };
}

function secretToCreate(ctx: PlanContext, reason?: string): PlannedResource {
  const details = {
    name: secretParameterName(ctx.config.name, AUTH_TOKEN_KEY),
    value: `generated, ${AUTH_TOKEN_LENGTH} letters and digits`,
  };
  return toCreate(SECRET_ROLE, SECRET_TYPE, details, reason);
}

/** Everything as a create; `reason` is given when AWS was reachable but the step cannot look yet. */
function offlinePlan(
  ctx: PlanContext,
  layout: RedisLayout,
  zones: readonly string[],
  reason?: string,
): PlannedResource[] {
  return [
    toCreate(ROLES.subnetGroup, TYPES.subnetGroup, subnetGroupDetails(layout, zones), reason),
    secretToCreate(ctx, reason),
    toCreate(ROLES.replicationGroup, TYPES.replicationGroup, replicationGroupDetails(layout), reason),
  ];
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  if (resources.some((r) => r.action === 'create')) return 'create';
  if (resources.some((r) => r.action === 'adopt')) return 'adopt';
  return 'noop';
}

async function planRedis(ctx: PlanContext): Promise<StepPlan> {
  const network = ctx.outputsOfIfDone('network');
  const security = ctx.outputsOfIfDone('security');
  const wiring = network && security ? wiringFrom(network, security) : undefined;
  const zones = wiring?.availabilityZones ?? ctx.config.network.availabilityZones;
  const layout = redisLayout(ctx.config, zones);
  if (!ctx.aws || !wiring) {
    const reason = ctx.aws ? 'the network and security groups are not deployed yet' : undefined;
    return {
      step: 'redis',
      action: 'create',
      resources: offlinePlan(ctx, layout, zones, reason),
      live: Boolean(ctx.aws),
    };
  }
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const s = specs(readOnly, layout, zones);
  const subnetGroup = await planResource(ctx, s.subnetGroup);
  const secret: PlannedResource = (await secretExists(readOnly, AUTH_TOKEN_KEY))
    ? {
        role: SECRET_ROLE,
        type: SECRET_TYPE,
        action: 'noop',
        id: secretParameterName(ctx.config.name, AUTH_TOKEN_KEY),
        reason: 'present in SSM',
      }
    : secretToCreate(ctx, 'not found');
  const replicationGroup = await planResource(ctx, s.replicationGroup);
  if (replicationGroup.id) {
    const group = await describeReplicationGroup(readOnly, replicationGroup.id);
    const drift = group ? redisDrift(layout, await liveView(readOnly, { group, tags: undefined })) : [];
    if (drift.length > 0) {
      replicationGroup.reason = `${replicationGroup.reason ?? 'present'}; differs from the config, not changed in place: ${drift.join('; ')}`;
    }
  }
  const resources = [subnetGroup, secret, replicationGroup];
  return { step: 'redis', action: summaryAction(resources), resources, live: true };
}

async function inspectRedis(ctx: StepContext): Promise<StepStatus> {
  const network = (() => {
    try {
      return ctx.outputsOf('network');
    } catch {
      return undefined; // the network is gone from state: subnets cannot be compared
    }
  })();
  const privateSubnetIds = network?.privateSubnetIds as string[] | undefined;
  const zones = (network?.availabilityZones as string[] | undefined) ?? ctx.config.network.availabilityZones;
  const layout = redisLayout(ctx.config, zones);
  const s = specs(ctx, layout, zones);
  const drift: string[] = [];
  const missing = (label: string, recordedId: string | undefined, found: boolean) =>
    !recordedId
      ? [`${label} is not recorded in state`]
      : !found
        ? [`${label} ${recordedId} no longer exists`]
        : [];

  const subnetId = ctx.recorded(ROLES.subnetGroup)?.id;
  const subnetGroup = subnetId ? await s.subnetGroup.findById(subnetId) : undefined;
  const subnetProblems = missing('cache subnet group', subnetId, Boolean(subnetGroup));
  const misplaced =
    subnetGroup && privateSubnetIds ? subnetDrift(subnetGroup.group, privateSubnetIds) : undefined;
  if (misplaced) subnetProblems.push(misplaced);

  const secretId = ctx.recorded(SECRET_ROLE)?.id;
  const secretPresent = await secretExists(ctx, AUTH_TOKEN_KEY);
  const secretProblems = missing(
    'SSM parameter',
    secretId ?? secretParameterName(ctx.config.name, AUTH_TOKEN_KEY),
    secretPresent,
  );

  const groupId = ctx.recorded(ROLES.replicationGroup)?.id;
  const group = groupId ? await describeReplicationGroup(ctx, groupId) : undefined;
  const live = group ? await liveView(ctx, { group, tags: undefined }) : undefined;
  const groupProblems = missing('replication group', groupId, Boolean(group));
  if (live) groupProblems.push(...redisDrift(layout, live));
  const groupState = group?.Status ?? 'missing';
  if (group && !SERVING.has(groupState)) groupProblems.push(`replication group ${groupId} is ${groupState}`);

  drift.push(...subnetProblems, ...secretProblems, ...groupProblems);
  const resources = [
    resourceStatus(
      ROLES.subnetGroup,
      TYPES.subnetGroup,
      subnetId,
      subnetGroup ? 'available' : 'missing',
      subnetProblems,
    ),
    resourceStatus(SECRET_ROLE, SECRET_TYPE, secretId, secretPresent ? 'present' : 'missing', secretProblems),
    resourceStatus(ROLES.replicationGroup, TYPES.replicationGroup, groupId, groupState, groupProblems),
  ];
  const outputs: StepOutputs = {
    ...(live ? redisStatusOutputs(live) : groupId ? { replicationGroupId: groupId } : {}),
    authTokenParameterName: secretParameterName(ctx.config.name, AUTH_TOKEN_KEY),
  };
  const health = !group ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  return { step: 'redis', health, resources, outputs, drift };
}

/** The replication group is kept (adopted, no --force): what it uses stays too. */
async function keepWithGroup(
  ctx: DestroyContext,
  subnetSpec: SubnetGroupSpec,
  group: LiveReplicationGroup,
): Promise<void> {
  const id = group.group.ReplicationGroupId!;
  const keep = async (role: string, type: string, keptId: string, why: string) => {
    ctx.events.warn('resource.keep', `kept ${why}`, { type, role, id: keptId });
    await ctx.forget(role);
  };
  await keep(
    ROLES.replicationGroup,
    TYPES.replicationGroup,
    id,
    `replication group ${id}: it was adopted, not created by gitlab-ha (use --force to delete it)`,
  );
  const subnetGroup = await findLive(ctx, subnetSpec);
  if (subnetGroup) {
    const name = subnetGroup.group.CacheSubnetGroupName!;
    await keep(
      ROLES.subnetGroup,
      TYPES.subnetGroup,
      name,
      `cache subnet group ${name}: the kept replication group ${id} may use it`,
    );
  }
  if (await secretExists(ctx, AUTH_TOKEN_KEY)) {
    const name = secretParameterName(ctx.config.name, AUTH_TOKEN_KEY);
    await keep(
      SECRET_ROLE,
      SECRET_TYPE,
      name,
      `SSM parameter ${name}: the kept replication group ${id} may use it as its AUTH token`,
    );
  }
}

async function destroyRedis(ctx: DestroyContext): Promise<void> {
  const zones = ctx.config.network.availabilityZones;
  const { subnetGroup } = specs(ctx, redisLayout(ctx.config, zones), zones);
  const live = await findForDestroy(ctx);
  if (live && !destroyDeletes(ctx, ROLES.replicationGroup, live.tags))
    return keepWithGroup(ctx, subnetGroup, live);
  if (live) {
    const id = live.group.ReplicationGroupId!;
    const wanted = ctx.config.redis.finalSnapshot;
    if (wanted && ctx.options.skipFinalSnapshots) {
      ctx.events.info('note', `no final snapshot of replication group ${id}: --skip-final-snapshots`, { id });
    }
    const snapshot =
      wanted && !ctx.options.skipFinalSnapshots ? finalSnapshotName(ctx.config.name, new Date()) : undefined;
    await deleteReplicationGroup(ctx, live.group, snapshot);
    ctx.events.info('resource.delete', `deleted replication group ${id}`, {
      type: TYPES.replicationGroup,
      role: ROLES.replicationGroup,
      id,
    });
  }
  await ctx.forget(ROLES.replicationGroup);
  await destroyResource(ctx, subnetGroup);
  // Last: the AUTH token is needed as long as the group may still exist.
  if (ctx.recorded(SECRET_ROLE) || (await secretExists(ctx, AUTH_TOKEN_KEY)))
    await deleteSecret(ctx, AUTH_TOKEN_KEY);
}

export const redisStep: Step = {
  id: 'redis',
  title: 'Redis (ElastiCache replication group)',
  dependsOn: ['network', 'security'],
  plan: planRedis,
  ensure: ensureRedis,
  inspect: inspectRedis,
  destroy: destroyRedis,
};
