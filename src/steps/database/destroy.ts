/**
 * Destroy of the database, keeping data safe: a final snapshot named after the deployment and time
 * (unless --skip-final-snapshots), automated backups kept for their retention period, and deletion
 * protection reported with the command that lifts it, never switched off by the tool.
 */
import { DeleteDBInstanceCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import type { DBInstance } from '@aws-sdk/client-rds';
import { AwsErrorCode, awsCall, failedWith, isNotFound, translateAwsError } from '../../aws/errors.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { DestroyContext } from '../../engine/step.js';
import { destroyDeletes, destroyResource, findLive } from '../resource.js';
import { deleteSecret, secretExists, secretParameterName } from '../secrets.js';
import { describeInstance, instanceSpec, isSettling, waitAvailable, waitDeleted } from './instance.js';
import type { DatabaseLayout } from './layout.js';
import {
  DB_INSTANCE_TYPE,
  DB_SNAPSHOT_TYPE,
  DB_SUBNET_GROUP_TYPE,
  INSTANCE_ROLE,
  PASSWORD_KEY,
  SECRET_ROLE,
  SECRET_TYPE,
  SUBNET_GROUP_ROLE,
  databaseLayout,
  finalSnapshotIdentifier,
  finalSnapshotPrefix,
} from './layout.js';
import { subnetGroupSpec } from './subnet-group.js';

function deletionProtected(ctx: DestroyContext, id: string): ProvisioningError {
  return new ProvisioningError(
    `DB instance ${id} has deletion protection on, so gitlab-ha did not delete it (nor its subnet group and password parameter)`,
    {
      code: 'DELETION_PROTECTED',
      awsCode: AwsErrorCode.invalidParameterCombination,
      resourceId: id,
      hint: `Lift it with \`aws rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection --apply-immediately --region ${ctx.config.region}\` (or set database.deletionProtection: false and run gitlab-ha apply), then run destroy again.`,
    },
  );
}

/** Final snapshots of this deployment taken of the instance (to report them as kept on a resumed destroy). */
async function finalSnapshotsOf(ctx: DestroyContext, id: string): Promise<string[]> {
  const out = await awsCall(
    'listing the final snapshots of RDS DB instance',
    () =>
      ctx.aws.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id, SnapshotType: 'manual' })),
    id,
  );
  return (out.DBSnapshots ?? [])
    .map((s) => s.DBSnapshotIdentifier ?? '')
    .filter((snapshotId) => snapshotId.startsWith(finalSnapshotPrefix(ctx.config.name)));
}

function reportKept(ctx: DestroyContext, instanceId: string, snapshotId: string): void {
  ctx.events.info('resource.keep', `kept final snapshot ${snapshotId} of DB instance ${instanceId}`, {
    type: DB_SNAPSHOT_TYPE,
    role: 'final-snapshot',
    id: snapshotId,
  });
}

/** Deletes the instance (final snapshot unless skipped) and waits until it is gone; resumes a started delete. */
async function deleteInstance(ctx: DestroyContext, db: DBInstance): Promise<void> {
  const id = db.DBInstanceIdentifier!;
  let resumed = db.DBInstanceStatus === 'deleting';
  if (!resumed) {
    if (db.DeletionProtection) throw deletionProtected(ctx, id);
    // RDS refuses to delete an instance that is still being created or modified.
    if (isSettling(db.DBInstanceStatus)) await waitAvailable(ctx, id);
    const snapshotId = ctx.options.skipFinalSnapshots
      ? undefined
      : finalSnapshotIdentifier(ctx.config.name, new Date());
    try {
      await ctx.aws.rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: id,
          ...(snapshotId ? { FinalDBSnapshotIdentifier: snapshotId } : { SkipFinalSnapshot: true }),
          // Automated backups stay for their retention period: a second way back after a mistake.
          DeleteAutomatedBackups: false,
        }),
      );
      if (snapshotId) reportKept(ctx, id, snapshotId);
      else
        ctx.events.warn(
          'note',
          `deleting DB instance ${id} without a final snapshot (--skip-final-snapshots)`,
          { id },
        );
    } catch (error) {
      if (isNotFound(error)) return;
      // Someone switched deletion protection on after we looked.
      if (
        failedWith(error, AwsErrorCode.invalidParameterCombination) &&
        /deletion protection/i.test(String((error as Error).message))
      )
        throw deletionProtected(ctx, id);
      // A concurrent destroy (or one whose answer was lost) may be deleting it already.
      const already =
        failedWith(error, AwsErrorCode.invalidDbInstanceState, 'InvalidDBInstanceStateFault') &&
        (await describeInstance(ctx, id))?.DBInstanceStatus === 'deleting';
      if (!already) throw translateAwsError('deleting RDS DB instance', error, id);
      resumed = true;
    }
  }
  await waitDeleted(ctx, id);
  if (resumed) for (const snapshotId of await finalSnapshotsOf(ctx, id)) reportKept(ctx, id, snapshotId);
}

export async function destroyDatabase(ctx: DestroyContext): Promise<void> {
  const layout: DatabaseLayout = databaseLayout(ctx.config);
  const spec = instanceSpec(ctx, layout);
  const db = await findLive(ctx, spec);
  if (db && !destroyDeletes(ctx, INSTANCE_ROLE, db.TagList)) {
    await keepAll(ctx, db.DBInstanceIdentifier!, layout);
    return;
  }
  if (db) {
    await deleteInstance(ctx, db);
    ctx.events.info('resource.delete', `deleted DB instance ${db.DBInstanceIdentifier}`, {
      type: spec.type,
      role: INSTANCE_ROLE,
      id: db.DBInstanceIdentifier,
    });
  }
  await ctx.forget(INSTANCE_ROLE);
  await destroyResource(
    ctx,
    subnetGroupSpec(ctx, layout, () => []),
  );
  // Last: while the instance exists, this parameter is the only record of its password.
  if (ctx.recorded(SECRET_ROLE) || (await secretExists(ctx, PASSWORD_KEY)))
    await deleteSecret(ctx, PASSWORD_KEY);
}

/**
 * An adopted instance is left alone without --force, and with it its subnet group (which it uses)
 * and its password parameter (the only record of its password).
 */
async function keepAll(ctx: DestroyContext, id: string, layout: DatabaseLayout): Promise<void> {
  const kept = [
    { role: INSTANCE_ROLE, type: DB_INSTANCE_TYPE, id, label: 'DB instance' },
    ...(ctx.recorded(SUBNET_GROUP_ROLE)
      ? [
          {
            role: SUBNET_GROUP_ROLE,
            type: DB_SUBNET_GROUP_TYPE,
            id: layout.subnetGroupName,
            label: 'DB subnet group',
          },
        ]
      : []),
    ...(ctx.recorded(SECRET_ROLE)
      ? [
          {
            role: SECRET_ROLE,
            type: SECRET_TYPE,
            id: secretParameterName(ctx.config.name, PASSWORD_KEY),
            label: 'SSM parameter',
          },
        ]
      : []),
  ];
  for (const resource of kept) {
    ctx.events.warn(
      'resource.keep',
      `kept ${resource.label} ${resource.id}: the DB instance was adopted, not created by gitlab-ha (use --force to delete it)`,
      { type: resource.type, role: resource.role, id: resource.id },
    );
    await ctx.forget(resource.role);
  }
}
