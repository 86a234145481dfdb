/**
 * A classic load balancer holds a network interface in each of its subnets. They are managed by AWS
 * (untagged, requester-managed) and known only by their description, `ELB <name>`. AWS releases them
 * a while after the load balancer is deleted; until then its subnets and security groups cannot be
 * deleted (DependencyViolation). A step tearing down anything a classic load balancer used waits here.
 */
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import type { StepContext } from '../engine/step.js';
import type { AwsClients } from './clients.js';
import { awsCall } from './errors.js';
import { pollUntil } from './wait.js';

/** Bound, in seconds: AWS releases them within minutes (seen up to about five). */
export const ELB_INTERFACE_RELEASE_SECONDS = 600;

/** How AWS describes a classic load balancer's network interfaces. */
export function elbInterfaceDescription(loadBalancerName: string): string {
  return `ELB ${loadBalancerName}`;
}

/** Ids of the network interfaces a classic load balancer still holds (or held and has not released yet). */
export async function elbInterfaceIds(
  aws: Pick<AwsClients, 'ec2'>,
  loadBalancerName: string,
): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(
      'listing the network interfaces of classic load balancer',
      () =>
        aws.ec2.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: 'description', Values: [elbInterfaceDescription(loadBalancerName)] }],
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      loadBalancerName,
    );
    for (const eni of page.NetworkInterfaces ?? [])
      if (eni.NetworkInterfaceId) ids.push(eni.NetworkInterfaceId);
    token = page.NextToken || undefined;
  } while (token);
  return ids;
}

/**
 * Waits, bounded, until a deleted classic load balancer's network interfaces are gone. Returns at
 * once (without reporting a wait) when there are none.
 */
export async function waitUntilElbInterfacesReleased(
  ctx: Pick<StepContext, 'aws' | 'events' | 'signal' | 'timing'>,
  loadBalancerName: string,
  maxWaitSeconds: number = ELB_INTERFACE_RELEASE_SECONDS,
): Promise<void> {
  if ((await elbInterfaceIds(ctx.aws, loadBalancerName)).length === 0) return;
  await pollUntil(
    ctx,
    {
      what: `the network interfaces of load balancer ${loadBalancerName} to be released`,
      resourceId: loadBalancerName,
      maxWaitSeconds,
    },
    async () => {
      const left = await elbInterfaceIds(ctx.aws, loadBalancerName);
      return left.length === 0
        ? { done: true, value: undefined }
        : { done: false, state: `${left.length} left` };
    },
  );
}
