/**
 * Rolling the group onto a new launch template version (a new GitLab image, new settings): an
 * instance refresh that launches each replacement before it terminates an old node
 * (MinHealthyPercentage 100, MaxHealthyPercentage 150), so the group never serves with fewer than its
 * desired nodes, at the price of up to half again as many while it rolls. Each new node warms up for
 * the health check grace period (its boot and first reconfigure) before the next one is replaced.
 * SkipMatching leaves nodes already on the version alone, so a refresh restarted after a crash only
 * replaces what is left. A refresh already running (a resumed apply) is waited for, not started again.
 */
import { DescribeInstanceRefreshesCommand, StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroup, Instance, InstanceRefresh } from '@aws-sdk/client-auto-scaling';
import { awsCall } from '../../aws/errors.js';
import { pollUntil } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import { ASG_ROLES, ASG_TYPES, instanceRefreshWaitSeconds } from './layout.js';
import type { AsgCtx } from './launch-template.js';

export const REFRESH_PREFERENCES = { MinHealthyPercentage: 100, MaxHealthyPercentage: 150 } as const;

/** Statuses of a refresh that has not finished yet. */
const RUNNING = ['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'];
const LEAVING = ['Terminating', 'Terminating:Wait', 'Terminating:Proceed', 'Terminated'];

/** The group's nodes that do not run its launch template version (and are not on their way out). */
export function outdatedInstances(group: AutoScalingGroup): Instance[] {
  const want = group.LaunchTemplate;
  return (group.Instances ?? []).filter(
    (i) =>
      !LEAVING.includes(i.LifecycleState ?? '') &&
      (i.LaunchTemplate?.LaunchTemplateId !== want?.LaunchTemplateId ||
        i.LaunchTemplate?.Version !== want?.Version),
  );
}

async function refreshes(
  ctx: Pick<AsgCtx, 'aws'>,
  group: string,
  ids?: string[],
): Promise<InstanceRefresh[]> {
  return (
    (
      await awsCall(
        'describing the instance refreshes of Auto Scaling group',
        () =>
          ctx.aws.autoscaling.send(
            new DescribeInstanceRefreshesCommand({
              AutoScalingGroupName: group,
              ...(ids ? { InstanceRefreshIds: ids } : {}),
            }),
          ),
        group,
      )
    ).InstanceRefreshes ?? []
  );
}

/** The group's refresh that is still running, if any. */
export async function runningRefresh(
  ctx: Pick<AsgCtx, 'aws'>,
  group: string,
): Promise<InstanceRefresh | undefined> {
  return (await refreshes(ctx, group)).find((r) => RUNNING.includes(r.Status ?? ''));
}

/** Waits, bounded, until the refresh ends; a refresh that failed or was cancelled is an error with AWS's reason. */
export async function awaitRefresh(ctx: AsgCtx, group: string, refreshId: string): Promise<void> {
  const what = `instance refresh ${refreshId} of Auto Scaling group ${group}`;
  let lastPercentage: number | undefined;
  const outcome = await pollUntil(
    ctx,
    { what, resourceId: group, maxWaitSeconds: instanceRefreshWaitSeconds(ctx.config) },
    async () => {
      const refresh = (await refreshes(ctx, group, [refreshId]))[0];
      if (!refresh) return { failed: `the instance refresh ${refreshId} is not known to Auto Scaling` };
      const status = refresh.Status ?? 'unknown';
      if (!RUNNING.includes(status)) return { done: true, value: refresh };
      const percentage = refresh.PercentageComplete ?? 0;
      if (percentage !== lastPercentage) {
        lastPercentage = percentage;
        ctx.events.info('note', `rolling the GitLab nodes: ${percentage} % done (${status})`, {
          refreshId,
          status,
          percentageComplete: percentage,
          instancesToUpdate: refresh.InstancesToUpdate ?? null,
        });
      }
      return { done: false, state: `${status}, ${percentage} % done` };
    },
  );
  if (outcome.Status === 'Successful') return;
  throw new ProvisioningError(
    `The ${what} ended ${outcome.Status}: ${outcome.StatusReason ?? 'Auto Scaling gave no reason'}`,
    {
      code: 'INSTANCE_REFRESH_FAILED',
      resourceId: group,
      hint:
        'The nodes that were not replaced keep serving. Look at the new nodes (aws autoscaling describe-scaling-activities ' +
        `--auto-scaling-group-name ${group}, and each node's log through SSM), fix the cause, and run gitlab-ha apply again: ` +
        'it starts a new refresh for the nodes still on the old version.',
    },
  );
}

/**
 * Brings every node onto the group's launch template version: waits for a refresh already running,
 * then starts one when nodes are still on another version, and waits for it.
 */
export async function rollGroup(ctx: AsgCtx, group: () => Promise<AutoScalingGroup>): Promise<void> {
  const current = await group();
  const name = current.AutoScalingGroupName!;
  const running = await runningRefresh(ctx, name);
  if (running) {
    ctx.events.info(
      'note',
      `waiting for instance refresh ${running.InstanceRefreshId} of ${name}, already ${running.Status}`,
      {
        refreshId: running.InstanceRefreshId,
      },
    );
    await awaitRefresh(ctx, name, running.InstanceRefreshId!);
  }
  const outdated = outdatedInstances(running ? await group() : current);
  if (outdated.length === 0) return;
  const version = current.LaunchTemplate?.Version;
  const { InstanceRefreshId } = await awsCall(
    `starting an instance refresh of Auto Scaling group`,
    () =>
      ctx.aws.autoscaling.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: name,
          Strategy: 'Rolling',
          Preferences: {
            ...REFRESH_PREFERENCES,
            InstanceWarmup: ctx.config.autoScaling.healthCheckGracePeriodSeconds,
            SkipMatching: true,
          },
        }),
      ),
    name,
  );
  ctx.events.info(
    'resource.update',
    `rolling ${outdated.length} GitLab node(s) of ${name} onto launch template version ${version} (instance refresh ${InstanceRefreshId})`,
    {
      type: ASG_TYPES.group,
      role: ASG_ROLES.group,
      id: name,
      refreshId: InstanceRefreshId,
      nodes: outdated.length,
    },
  );
  await awaitRefresh(ctx, name, InstanceRefreshId!);
}
