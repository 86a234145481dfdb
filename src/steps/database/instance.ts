/**
 * The RDS PostgreSQL instance as a ResourceSpec, and the waits around it. RDS has no ClientToken:
 * the identifier `<deployment>-db` is the idempotency key, and its tags say whether an instance with
 * that identifier is ours (a crash after CreateDBInstance) or someone else's (a conflict).
 */
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
} from '@aws-sdk/client-rds';
import type { DBInstance, Tag } from '@aws-sdk/client-rds';
import { AwsErrorCode, awsCall, awsFind, failedWith, translateAwsError } from '../../aws/errors.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue, tagValue } from '../../aws/tags.js';
import { waitWithSdk } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { DatabaseLayout } from './layout.js';
import {
  DATABASE_NAME,
  DB_INSTANCE_TYPE,
  INSTANCE_ROLE,
  MASTER_USERNAME,
  POSTGRES_PORT,
  instanceDetails,
} from './layout.js';

export type DatabaseCtx = Pick<
  StepContext,
  'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'
>;
export type InstanceSpec = CreatableSpec<DBInstance> & DeletableSpec<DBInstance>;

/**
 * Bound, in seconds, for an instance to become available or to be deleted: a Multi-AZ instance on
 * Provisioned IOPS storage takes about 14 minutes to create, and deleting one with a final snapshot
 * takes about as long.
 */
export const DB_WAIT_SECONDS = 2400;

/** Statuses in which the database accepts connections. */
const IN_SERVICE = new Set([
  'available',
  'backing-up',
  'modifying',
  'storage-optimization',
  'maintenance',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'resetting-master-credentials',
]);

/** Statuses an instance leaves by itself for `available`; RDS refuses to modify or delete it meanwhile. */
const SETTLING = new Set([
  'creating',
  'backing-up',
  'modifying',
  'rebooting',
  'renaming',
  'resetting-master-credentials',
  'upgrading',
  'maintenance',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
]);

export function isInService(status: string | undefined): boolean {
  return status !== undefined && IN_SERVICE.has(status);
}

export function isSettling(status: string | undefined): boolean {
  return status !== undefined && SETTLING.has(status);
}

/** Whether tags mark a resource as this deployment's resource of `role` in this step. */
export function carriesRoleTags(
  ctx: Pick<DatabaseCtx, 'config' | 'step'>,
  role: string,
  tags: Tag[] | undefined,
): boolean {
  return (
    tagValue(tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(tags, TAG_RESOURCE) === resourceTagValue(ctx.step, role)
  );
}

export async function describeInstance(
  ctx: Pick<DatabaseCtx, 'aws'>,
  id: string,
): Promise<DBInstance | undefined> {
  return awsFind(
    'describing RDS DB instance',
    async () =>
      (await ctx.aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0],
    id,
  );
}

/** Every instance of the account and region carrying the role's tags (DescribeDBInstances has no tag filter). */
async function instancesTaggedFor(ctx: DatabaseCtx, role: string): Promise<DBInstance[]> {
  const found: DBInstance[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(`finding RDS DB instances tagged for ${ctx.config.name}`, () =>
      ctx.aws.rds.send(
        new DescribeDBInstancesCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }),
      ),
    );
    found.push(...(page.DBInstances ?? []).filter((db) => carriesRoleTags(ctx, role, db.TagList)));
    marker = page.Marker || undefined;
  } while (marker);
  return found;
}

/**
 * `create` makes the instance (after the password exists); `findById` and `findByTags` also return
 * an instance that is being deleted, because its identifier stays taken until it is gone.
 */
export function instanceSpec(
  ctx: DatabaseCtx,
  layout: DatabaseLayout,
  create: () => Promise<DBInstance> = () => Promise.reject(new Error('database: no create here')),
): InstanceSpec {
  return {
    role: INSTANCE_ROLE,
    type: DB_INSTANCE_TYPE,
    label: 'DB instance',
    details: instanceDetails(layout),
    idOf: (db) => db.DBInstanceIdentifier!,
    tagsOf: (db) => db.TagList,
    attributes: (db) => ({ arn: db.DBInstanceArn ?? null }),
    findById: (id) => describeInstance(ctx, id),
    findByTags: () => instancesTaggedFor(ctx, INSTANCE_ROLE),
    create,
    delete: () => Promise.reject(new Error('database: the instance is deleted by deleteInstance')),
  };
}

/** An instance holding the deployment's identifier without its tags: never taken silently. */
export function identifierTaken(ctx: DatabaseCtx, id: string, cause?: unknown): ProvisioningError {
  return new ProvisioningError(
    `An RDS DB instance named ${id} already exists but does not carry this deployment's tags for ${INSTANCE_ROLE}`,
    {
      code: 'NAME_TAKEN',
      awsCode: AwsErrorCode.dbInstanceAlreadyExists,
      resourceId: id,
      hint: `Rename or delete that instance, or tag it gitlab-ha:deployment=${ctx.config.name} and gitlab-ha:resource=${ctx.step}/${INSTANCE_ROLE} to adopt it (then set GITLAB_HA_DB_PASSWORD to its master password), and run again.`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export interface CreateInstanceInput {
  layout: DatabaseLayout;
  subnetGroupName: string;
  securityGroupId: string;
  /** Read from SSM just for this call. */
  password: string;
}

export async function createInstance(ctx: DatabaseCtx, input: CreateInstanceInput): Promise<DBInstance> {
  const { layout } = input;
  const id = layout.instanceIdentifier;
  const i = layout.instance;
  try {
    const out = await ctx.aws.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        EngineVersion: i.engineVersion,
        DBInstanceClass: i.instanceClass,
        MultiAZ: i.multiAz,
        AllocatedStorage: i.allocatedStorage,
        StorageType: i.storageType,
        ...(i.iops === undefined ? {} : { Iops: i.iops }),
        StorageEncrypted: true,
        PubliclyAccessible: false,
        VpcSecurityGroupIds: [input.securityGroupId],
        DBSubnetGroupName: input.subnetGroupName,
        Port: POSTGRES_PORT,
        DBName: DATABASE_NAME,
        MasterUsername: MASTER_USERNAME,
        MasterUserPassword: input.password,
        BackupRetentionPeriod: i.backupRetentionPeriod,
        DeletionProtection: i.deletionProtection,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        Tags: ctx.tags(INSTANCE_ROLE),
      }),
    );
    return out.DBInstance!;
  } catch (error) {
    if (!failedWith(error, AwsErrorCode.dbInstanceAlreadyExists, 'DBInstanceAlreadyExistsFault'))
      throw translateAwsError(
        `creating RDS DB instance (postgres ${i.engineVersion}, ${i.instanceClass})`,
        error,
        id,
      );
    // A concurrent run (or one whose answer was lost) made it after we looked: ours only if tagged so.
    const holder = await describeInstance(ctx, id);
    if (holder && carriesRoleTags(ctx, INSTANCE_ROLE, holder.TagList)) return holder;
    throw identifierTaken(ctx, id, error);
  }
}

export function waitAvailable(ctx: DatabaseCtx, id: string): Promise<void> {
  return waitWithSdk(
    ctx,
    ctx.aws.rds,
    { what: `DB instance ${id} to become available`, resourceId: id, maxWaitSeconds: DB_WAIT_SECONDS },
    (config) => waitUntilDBInstanceAvailable(config, { DBInstanceIdentifier: id }),
  );
}

export function waitDeleted(ctx: DatabaseCtx, id: string): Promise<void> {
  return waitWithSdk(
    ctx,
    ctx.aws.rds,
    { what: `DB instance ${id} to be deleted`, resourceId: id, maxWaitSeconds: DB_WAIT_SECONDS },
    (config) => waitUntilDBInstanceDeleted(config, { DBInstanceIdentifier: id }),
  );
}

/**
 * The instance ready for use: waits while it is being created, and fails with what to do when it is
 * being deleted, stopped or broken.
 */
export async function settledInstance(ctx: DatabaseCtx, db: DBInstance): Promise<DBInstance> {
  const id = db.DBInstanceIdentifier!;
  const status = db.DBInstanceStatus;
  if (status === 'deleting') {
    throw new ProvisioningError(`DB instance ${id} is being deleted; it cannot be used`, {
      code: 'DB_DELETING',
      resourceId: id,
      hint: 'Run gitlab-ha destroy to finish deleting it, or wait until it is gone and run apply to create it again.',
    });
  }
  if (status === 'stopped' || status === 'stopping') {
    throw new ProvisioningError(`DB instance ${id} is ${status}`, {
      code: 'DB_STOPPED',
      resourceId: id,
      hint: `Start it with \`aws rds start-db-instance --db-instance-identifier ${id} --region ${ctx.config.region}\` and run again.`,
    });
  }
  if (db.Endpoint?.Address && isInService(status)) return db;
  if (!isSettling(status)) {
    throw new ProvisioningError(
      `DB instance ${id} is in state ${status ?? 'unknown'}, which gitlab-ha cannot repair`,
      {
        code: 'DB_UNUSABLE',
        resourceId: id,
        hint: `See the instance's events in the RDS console (or \`aws rds describe-events --source-identifier ${id} --source-type db-instance\`), fix it, and run again.`,
      },
    );
  }
  await waitAvailable(ctx, id);
  const live = await describeInstance(ctx, id);
  if (!live)
    throw new ProvisioningError(`DB instance ${id} disappeared while it was being created`, {
      resourceId: id,
    });
  return live;
}
