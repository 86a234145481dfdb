/**
 * destroy for the auto-scaling step: the alarms first (they would run the policies), the policies,
 * the group with ForceDelete (it terminates its nodes; waited for until the group and its nodes are
 * gone, so the `app` group and the subnets can go next), then the launch template.
 */
import {
  DescribeInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { awsCall } from '../../aws/errors.js';
import { ec2TagFilters } from '../../aws/tags.js';
import { waitWithSdk } from '../../aws/wait.js';
import type { DestroyContext } from '../../engine/step.js';
import { destroyDeletes, destroyResource, findLive } from '../resource.js';
import { awaitGroupGone, describeGroup, groupSpec, isBeingDeleted } from './group.js';
import { ASG_ROLES, ASG_TYPES, ASG_WAITS, groupName } from './layout.js';
import { launchTemplateSpec } from './launch-template.js';
import { alarmSpec, policySpec } from './scaling.js';

/** States of a node that is not yet terminated. */
const NOT_TERMINATED = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

/**
 * Nodes launched from this deployment's template that outlived the group (a destroy interrupted while
 * they shut down, or a group deleted by hand without its instances): terminated, and waited for.
 */
async function removeLeftoverNodes(ctx: DestroyContext): Promise<void> {
  const nodes =
    (
      await awsCall('finding the GitLab nodes left by the Auto Scaling group', () =>
        ctx.aws.ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              ...ec2TagFilters(ctx.config.name, ctx.step, ASG_ROLES.node),
              { Name: 'instance-state-name', Values: NOT_TERMINATED },
            ],
          }),
        ),
      )
    ).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  if (nodes.length === 0) return;
  const ids = nodes.map((n) => n.InstanceId!);
  const running = nodes.filter((n) => n.State?.Name !== 'shutting-down').map((n) => n.InstanceId!);
  if (running.length > 0) {
    await awsCall('terminating GitLab nodes', () =>
      ctx.aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: running })),
    );
    for (const id of running) {
      ctx.events.info(
        'resource.delete',
        `terminated GitLab node ${id}, left behind by its Auto Scaling group`,
        {
          type: ASG_TYPES.instance,
          role: ASG_ROLES.node,
          id,
        },
      );
    }
  }
  await waitWithSdk(
    ctx,
    ctx.aws.ec2,
    {
      what: `GitLab node(s) ${ids.join(', ')} to terminate`,
      resourceId: ids[0]!,
      maxWaitSeconds: ASG_WAITS.instancesTerminated,
    },
    (config) => waitUntilInstanceTerminated(config, { InstanceIds: ids }),
  );
}

export async function destroyAutoScaling(ctx: DestroyContext): Promise<void> {
  const group = groupSpec(ctx);
  const live = await findLive(ctx, group);
  const owner = { name: live?.AutoScalingGroupName ?? groupName(ctx.config), tags: live?.Tags };
  for (const direction of ['out', 'in'] as const) await destroyResource(ctx, alarmSpec(ctx, direction));
  for (const direction of ['out', 'in'] as const)
    await destroyResource(ctx, policySpec(ctx, direction, owner));
  const groupKept = live !== undefined && !destroyDeletes(ctx, ASG_ROLES.group, live.Tags);
  await destroyResource(ctx, group);
  // A group left alone (adopted, no --force) keeps its nodes.
  if (!groupKept) {
    // A delete an earlier destroy started (and died in) may still be running: wait for it too.
    const name = groupName(ctx.config);
    if (isBeingDeleted(await describeGroup(ctx, name)))
      await awaitGroupGone(ctx, name, ASG_WAITS.groupDeleted);
    await removeLeftoverNodes(ctx);
  }
  await destroyResource(ctx, launchTemplateSpec(ctx));
}
