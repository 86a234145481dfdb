/**
 * The GitLab nodes as the group and the load balancer see them: each instance's zone, its lifecycle
 * state and health in the group, and its state behind the classic load balancer. A node serves when
 * the group has it InService and Healthy and the load balancer's health check (GitLab's readiness
 * endpoint) has it InService. apply waits for `min` such nodes; status shows them per zone.
 */
import { DescribeInstanceHealthCommand } from '@aws-sdk/client-elastic-load-balancing';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { awsFind } from '../../aws/errors.js';
import { pollUntil } from '../../aws/wait.js';
import { WaitTimeoutError } from '../../engine/errors.js';
import { NODE_LOG_PATH } from '../../gitlab/rails-node.js';
import { describeGroup } from './group.js';
import { ASG_WAITS } from './layout.js';
import type { AsgCtx } from './launch-template.js';

export interface NodeHealth {
  instanceId: string;
  availabilityZone: string;
  lifecycleState: string;
  healthStatus: string;
  launchTemplateVersion: string | undefined;
  /** InService / OutOfService / Unknown as the load balancer says, or `not registered`. */
  elbState: string;
  elbReason: string | undefined;
}

export function isServing(node: NodeHealth): boolean {
  return (
    node.lifecycleState === 'InService' && node.healthStatus === 'Healthy' && node.elbState === 'InService'
  );
}

export function describeNode(node: NodeHealth): string {
  const elb =
    node.elbReason && node.elbState !== 'InService' ? `${node.elbState}: ${node.elbReason}` : node.elbState;
  return `${node.instanceId} (${node.availabilityZone}) ${node.lifecycleState}, ${node.healthStatus}, ELB ${elb}`;
}

/** The group (undefined when gone) and its nodes with their load balancer state. */
export async function readNodes(
  ctx: Pick<AsgCtx, 'aws'>,
  groupName: string,
  loadBalancerName: string,
): Promise<{ group: AutoScalingGroup | undefined; nodes: NodeHealth[] }> {
  const group = await describeGroup(ctx, groupName);
  if (!group) return { group, nodes: [] };
  // A load balancer that is gone reports nothing: every node is then `not registered`.
  const states =
    (await awsFind(
      'describing the instance health of classic load balancer',
      async () =>
        (await ctx.aws.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: loadBalancerName })))
          .InstanceStates,
      loadBalancerName,
    )) ?? [];
  const nodes = (group.Instances ?? []).map((instance) => {
    const elb = states.find((s) => s.InstanceId === instance.InstanceId);
    return {
      instanceId: instance.InstanceId!,
      availabilityZone: instance.AvailabilityZone ?? 'unknown',
      lifecycleState: instance.LifecycleState ?? 'unknown',
      healthStatus: instance.HealthStatus ?? 'unknown',
      launchTemplateVersion: instance.LaunchTemplate?.Version,
      elbState: elb?.State ?? 'not registered',
      elbReason: elb?.Description && elb.Description !== 'N/A' ? elb.Description : undefined,
    };
  });
  return { group, nodes };
}

/**
 * Waits, bounded, until at least `wanted` nodes serve behind the load balancer, reporting progress
 * each time the count changes ("1 of 2 GitLab nodes InService"). Returns the nodes as last seen.
 */
export async function awaitServingNodes(
  ctx: AsgCtx,
  groupName: string,
  loadBalancerName: string,
  wanted: number,
): Promise<NodeHealth[]> {
  const what = `${wanted} GitLab node(s) of ${groupName} to be InService behind ${loadBalancerName}`;
  let reported: number | undefined;
  let lastSeen = 'no nodes yet';
  try {
    return await pollUntil(
      ctx,
      { what, resourceId: groupName, maxWaitSeconds: ASG_WAITS.inService },
      async () => {
        const { group, nodes } = await readNodes(ctx, groupName, loadBalancerName);
        if (!group) return { failed: `the Auto Scaling group ${groupName} is gone` };
        const serving = nodes.filter(isServing).length;
        lastSeen = `${serving} of ${wanted} InService; ${nodes.map(describeNode).join('; ') || 'no nodes yet'}`;
        if (serving !== reported) {
          reported = serving;
          ctx.events.info(
            'note',
            `${serving} of ${wanted} GitLab nodes InService behind ${loadBalancerName}`,
            {
              inService: serving,
              wanted,
              nodes: nodes.map(describeNode),
            },
          );
        }
        return serving >= wanted ? { done: true, value: nodes } : { done: false, state: lastSeen };
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const region = ctx.config.region;
    throw new WaitTimeoutError(
      `${what} (last seen: ${lastSeen})`,
      Math.round(ASG_WAITS.inService * ctx.timing.maxWaitScale),
      {
        resourceId: groupName,
        hint:
          `A node that never turns InService usually failed its boot: read its log (aws ssm start-session --target <instance-id> --region ${region}, ` +
          `then ${NODE_LOG_PATH}) and the load balancer's view (aws elb describe-instance-health --load-balancer-name ${loadBalancerName} --region ${region}). ` +
          'Run gitlab-ha apply again to keep waiting.',
      },
    );
  }
}
