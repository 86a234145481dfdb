/**
 * Step `database` (guide: "Database with RDS"): a DB subnet group over the private subnets and an
 * RDS PostgreSQL instance in it (Multi-AZ, Provisioned IOPS or gp3 storage, encrypted, not public,
 * security group `db`, database gitlabhq_production, user gitlab), its master password kept as an
 * SSM SecureString. drift.ts says which config changes apply makes and which it only reports.
 */
import { ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import type { DBInstance } from '@aws-sdk/client-rds';
import { awsCall } from '../../aws/errors.js';
import { readOnlyStepContext } from '../../engine/context.js';
import { ProvisioningError } from '../../engine/errors.js';
import type {
  Health,
  PlanAction,
  PlanContext,
  PlannedResource,
  ResourceStatus,
  Step,
  StepContext,
  StepOutputs,
  StepPlan,
  StepResult,
  StepStatus,
} from '../../engine/step.js';
import { ensureResource, findLive, planResource } from '../resource.js';
import { secretExists, secretParameterName } from '../secrets.js';
import { destroyDatabase } from './destroy.js';
import type { InstanceDrift } from './drift.js';
import { describeChange, instanceDrift } from './drift.js';
import {
  createInstance,
  describeInstance,
  identifierTaken,
  instanceSpec,
  isInService,
  settledInstance,
  waitAvailable,
} from './instance.js';
import type { DatabaseLayout } from './layout.js';
import {
  DATABASE_NAME,
  DB_INSTANCE_TYPE,
  DB_SUBNET_GROUP_TYPE,
  INSTANCE_ROLE,
  MASTER_USERNAME,
  PASSWORD_KEY,
  SECRET_ROLE,
  SECRET_TYPE,
  SUBNET_GROUP_ROLE,
  databaseLayout,
  instanceDetails,
  subnetGroupDetails,
} from './layout.js';
import { ensurePassword, passwordOverride, readPassword } from './password.js';
import { subnetGroupDrift, subnetGroupSpec } from './subnet-group.js';

export interface DatabaseOutputs {
  address: string;
  port: number;
  databaseName: string;
  username: string;
  /** Where the master password lives (SSM SecureString); never the password itself. */
  passwordParameterName: string;
  instanceIdentifier: string;
  /** As RDS reports it, e.g. 16.6 for a configured 16. */
  engineVersion: string;
}

/** What the database needs from the steps before it. */
interface Prerequisites {
  vpcId: string;
  privateSubnetIds: string[];
  securityGroupId: string;
}

function prerequisites(network: StepOutputs, security: StepOutputs): Prerequisites {
  const { vpcId, privateSubnetIds } = network;
  const groups = security.securityGroupIds;
  const securityGroupId =
    groups && typeof groups === 'object' && !Array.isArray(groups) ? groups.db : undefined;
  if (typeof vpcId !== 'string' || !Array.isArray(privateSubnetIds) || typeof securityGroupId !== 'string') {
    throw new Error(
      'database: the network and security steps recorded no vpcId, privateSubnetIds or db security group',
    );
  }
  return { vpcId, privateSubnetIds: privateSubnetIds.map(String), securityGroupId };
}

// ---------------------------------------------------------------------------------------------
// ensure

async function ensureDatabase(ctx: StepContext): Promise<StepResult> {
  // A bad GITLAB_HA_DB_PASSWORD is refused before anything is made.
  passwordOverride(ctx.env);
  const pre = prerequisites(ctx.outputsOf('network'), ctx.outputsOf('security'));
  const layout = databaseLayout(ctx.config);

  const { resource: subnetGroup } = await ensureResource(
    ctx,
    subnetGroupSpec(ctx, layout, () => pre.privateSubnetIds),
  );
  if (subnetGroup.group.VpcId !== pre.vpcId) {
    throw new ProvisioningError(
      `DB subnet group ${layout.subnetGroupName} is in ${subnetGroup.group.VpcId ?? 'no VPC'}, but the deployment's VPC is ${pre.vpcId}`,
      {
        code: 'RESOURCE_IN_WRONG_VPC',
        resourceId: layout.subnetGroupName,
        hint: `Delete DB subnet group ${layout.subnetGroupName} (or remove its gitlab-ha:* tags) and run again.`,
      },
    );
  }

  let passwordParameterName: string | undefined;
  const spec = instanceSpec(ctx, layout, async () => {
    // No ClientToken: an instance holding the identifier without our tags is someone else's.
    if (await describeInstance(ctx, layout.instanceIdentifier))
      throw identifierTaken(ctx, layout.instanceIdentifier);
    passwordParameterName = await ensurePassword(ctx, {
      instanceId: layout.instanceIdentifier,
      instanceExists: false,
    });
    return createInstance(ctx, {
      layout,
      subnetGroupName: subnetGroup.group.DBSubnetGroupName!,
      securityGroupId: pre.securityGroupId,
      password: await readPassword(ctx),
    });
  });
  const { resource } = await ensureResource(ctx, spec);
  passwordParameterName ??= await ensurePassword(ctx, {
    instanceId: resource.DBInstanceIdentifier!,
    instanceExists: true,
  });
  const settled = await settledInstance(ctx, resource);
  const live = await converge(ctx, layout, pre.securityGroupId, settled);
  return { outputs: { ...outputsOf(live, passwordParameterName) } };
}

/** Makes the settings RDS changes online match the config, and reports the others (see drift.ts). */
async function converge(
  ctx: StepContext,
  layout: DatabaseLayout,
  securityGroupId: string,
  db: DBInstance,
): Promise<DBInstance> {
  const id = db.DBInstanceIdentifier!;
  const drift = instanceDrift(layout, securityGroupId, db, ctx.config.region);
  for (const difference of drift.left) {
    ctx.events.warn(
      'resource.drift',
      `DB instance ${id}: ${describeChange(difference)} differs from the config; apply leaves it. To change it: ${difference.remedy}`,
      {
        type: DB_INSTANCE_TYPE,
        role: INSTANCE_ROLE,
        id,
        setting: difference.setting,
        from: difference.from,
        to: difference.to,
      },
    );
  }
  if (drift.converge.length === 0) return db;
  // RDS refuses modifications while the instance is busy (backing up, modifying...).
  if (db.DBInstanceStatus !== 'available') await waitAvailable(ctx, id);
  const out = await awsCall(
    `modifying RDS DB instance (${drift.converge.map(describeChange).join(', ')})`,
    () =>
      ctx.aws.rds.send(
        new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, ApplyImmediately: true, ...drift.modify }),
      ),
    id,
  );
  for (const change of drift.converge) {
    ctx.events.info('resource.update', `changed ${describeChange(change)} on DB instance ${id}`, {
      type: DB_INSTANCE_TYPE,
      role: INSTANCE_ROLE,
      id,
      setting: change.setting,
      from: change.from,
      to: change.to,
    });
  }
  return out.DBInstance ?? db;
}

function outputsOf(db: DBInstance, passwordParameterName: string): DatabaseOutputs {
  const id = db.DBInstanceIdentifier!;
  const endpoint = db.Endpoint;
  if (!endpoint?.Address || endpoint.Port === undefined)
    throw new ProvisioningError(`DB instance ${id} reports no endpoint`, { resourceId: id });
  return {
    address: endpoint.Address,
    port: endpoint.Port,
    databaseName: DATABASE_NAME,
    // An adopted instance may have another master user; the password in SSM is that user's.
    username: db.MasterUsername ?? MASTER_USERNAME,
    passwordParameterName,
    instanceIdentifier: id,
    engineVersion: db.EngineVersion ?? 'unknown',
  };
}

// ---------------------------------------------------------------------------------------------
// plan

function offlinePlan(ctx: PlanContext, layout: DatabaseLayout, reason?: string): PlannedResource[] {
  const create = (role: string, type: string, details: PlannedResource['details']): PlannedResource => ({
    role,
    type,
    action: 'create',
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
  });
  return [
    create(SUBNET_GROUP_ROLE, DB_SUBNET_GROUP_TYPE, subnetGroupDetails(layout)),
    create(SECRET_ROLE, SECRET_TYPE, secretDetails(ctx)),
    create(INSTANCE_ROLE, DB_INSTANCE_TYPE, instanceDetails(layout)),
  ];
}

function secretDetails(ctx: Pick<PlanContext, 'config'>): PlannedResource['details'] {
  return { name: secretParameterName(ctx.config.name, PASSWORD_KEY), type: 'SecureString' };
}

/** What apply would change on the instance, and what it would leave, said in the plan. */
function withDrift(planned: PlannedResource, drift: InstanceDrift): PlannedResource {
  const parts = [
    ...(drift.converge.length > 0
      ? [`apply will change ${drift.converge.map(describeChange).join(', ')}`]
      : []),
    ...(drift.left.length > 0
      ? [
          `apply leaves ${drift.left.map(describeChange).join(', ')} (a restart or not changeable; gitlab-ha status says how to change it)`,
        ]
      : []),
  ];
  if (parts.length === 0) return planned;
  return {
    ...planned,
    action: planned.action === 'noop' ? 'update' : planned.action,
    reason: [planned.reason, ...parts].filter(Boolean).join('; '),
  };
}

function summaryAction(resources: PlannedResource[]): PlanAction {
  for (const action of ['create', 'adopt', 'update'] as const)
    if (resources.some((r) => r.action === action)) return action;
  return 'noop';
}

async function planDatabase(ctx: PlanContext): Promise<StepPlan> {
  const layout = databaseLayout(ctx.config);
  const network = ctx.outputsOfIfDone('network');
  const security = ctx.outputsOfIfDone('security');
  if (!ctx.aws || !network || !security) {
    const reason = ctx.aws ? 'the network and security groups are not deployed yet' : undefined;
    return {
      step: 'database',
      action: 'create',
      resources: offlinePlan(ctx, layout, reason),
      live: Boolean(ctx.aws),
    };
  }
  const pre = prerequisites(network, security);
  const readOnly = readOnlyStepContext(ctx, ctx.aws);
  const group = await planResource(
    ctx,
    subnetGroupSpec(readOnly, layout, () => pre.privateSubnetIds),
  );
  const secretName = secretParameterName(ctx.config.name, PASSWORD_KEY);
  const secret: PlannedResource = (await secretExists(readOnly, PASSWORD_KEY))
    ? {
        role: SECRET_ROLE,
        type: SECRET_TYPE,
        action: 'noop',
        id: secretName,
        reason: 'present',
        details: secretDetails(ctx),
      }
    : {
        role: SECRET_ROLE,
        type: SECRET_TYPE,
        action: 'create',
        reason: 'not found',
        details: secretDetails(ctx),
      };
  const spec = instanceSpec(readOnly, layout);
  let instance = await planResource(ctx, spec);
  const live = instance.id ? await findLive(ctx, spec) : undefined;
  if (live)
    instance = withDrift(instance, instanceDrift(layout, pre.securityGroupId, live, ctx.config.region));
  const resources = [group, secret, instance];
  return { step: 'database', action: summaryAction(resources), resources, live: true };
}

// ---------------------------------------------------------------------------------------------
// inspect

function tryPrerequisites(ctx: StepContext): Prerequisites | undefined {
  try {
    return prerequisites(ctx.outputsOf('network'), ctx.outputsOf('security'));
  } catch {
    return undefined; // the network or security step is not done: nothing to compare with
  }
}

async function inspectDatabase(ctx: StepContext): Promise<StepStatus> {
  const layout = databaseLayout(ctx.config);
  const pre = tryPrerequisites(ctx);
  const drift: string[] = [];

  const groupRecord = ctx.recorded(SUBNET_GROUP_ROLE);
  const group = groupRecord
    ? await subnetGroupSpec(ctx, layout, () => []).findById(groupRecord.id)
    : undefined;
  const groupProblems = !groupRecord
    ? ['DB subnet group is not recorded in state']
    : !group
      ? [`DB subnet group ${groupRecord.id} no longer exists`]
      : pre
        ? subnetGroupDrift(group.group, pre.vpcId, pre.privateSubnetIds)
        : [];

  const secretName = secretParameterName(ctx.config.name, PASSWORD_KEY);
  const secretPresent = await secretExists(ctx, PASSWORD_KEY);
  const secretProblems = secretPresent ? [] : [`the master password parameter ${secretName} is missing`];

  const dbRecord = ctx.recorded(INSTANCE_ROLE);
  const db = dbRecord ? await describeInstance(ctx, dbRecord.id) : undefined;
  const dbProblems: string[] = [];
  if (!dbRecord) dbProblems.push('DB instance is not recorded in state');
  else if (!db) dbProblems.push(`DB instance ${dbRecord.id} no longer exists`);
  else if (pre) {
    const found = instanceDrift(layout, pre.securityGroupId, db, ctx.config.region);
    dbProblems.push(
      ...found.converge.map((c) => `DB instance ${dbRecord.id}: ${describeChange(c)} (apply changes it)`),
      ...found.left.map(
        (c) => `DB instance ${dbRecord.id}: ${describeChange(c)} (apply leaves it; ${c.remedy})`,
      ),
    );
  }
  drift.push(...groupProblems, ...secretProblems, ...dbProblems);

  const status = (
    role: string,
    type: string,
    id: string | undefined,
    state: string,
    healthy: boolean,
    problems: string[],
  ): ResourceStatus => ({
    role,
    type,
    ...(id ? { id } : {}),
    state,
    healthy: healthy && problems.length === 0,
    ...(problems.length > 0 ? { drift: problems.join('; ') } : {}),
  });
  const resources = [
    status(
      SUBNET_GROUP_ROLE,
      DB_SUBNET_GROUP_TYPE,
      groupRecord?.id,
      group ? 'available' : 'missing',
      Boolean(group),
      groupProblems,
    ),
    status(
      SECRET_ROLE,
      SECRET_TYPE,
      secretName,
      secretPresent ? 'present' : 'missing',
      secretPresent,
      secretProblems,
    ),
    status(
      INSTANCE_ROLE,
      DB_INSTANCE_TYPE,
      dbRecord?.id,
      db?.DBInstanceStatus ?? 'missing',
      isInService(db?.DBInstanceStatus) && !db?.PubliclyAccessible && Boolean(db?.StorageEncrypted),
      dbProblems,
    ),
  ];
  const health: Health = !db ? 'missing' : resources.every((r) => r.healthy) ? 'healthy' : 'degraded';
  return { step: 'database', health, resources, outputs: db ? liveOutputs(db, secretName) : {}, drift };
}

/** What `status` shows: the endpoint and the facts an operator checks first. */
function liveOutputs(db: DBInstance, passwordParameterName: string): StepOutputs {
  return {
    ...(db.Endpoint?.Address ? { endpoint: `${db.Endpoint.Address}:${db.Endpoint.Port ?? ''}` } : {}),
    instanceIdentifier: db.DBInstanceIdentifier ?? null,
    status: db.DBInstanceStatus ?? 'unknown',
    engineVersion: db.EngineVersion ?? 'unknown',
    multiAz: Boolean(db.MultiAZ),
    encrypted: Boolean(db.StorageEncrypted),
    publiclyAccessible: Boolean(db.PubliclyAccessible),
    passwordParameterName,
  };
}

export const databaseStep: Step = {
  id: 'database',
  title: 'Database (RDS PostgreSQL)',
  dependsOn: ['network', 'security'],
  plan: planDatabase,
  ensure: ensureDatabase,
  inspect: inspectDatabase,
  destroy: destroyDatabase,
};
