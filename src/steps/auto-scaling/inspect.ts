/**
 * Live status of the auto-scaling step: the launch template (is the group's version on the image
 * the image step built?), the group (desired and in-service counts), every node with its zone and
 * load balancer state, the policies, the alarms with their state, the URL, and a readiness probe of
 * the URL. The probe only informs: DNS may not point at the load balancer yet, so an unreachable URL
 * never makes the step unhealthy.
 */
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { awsFind } from '../../aws/errors.js';
import type { Health, ResourceStatus, StepContext, StepOutputs, StepStatus } from '../../engine/step.js';
import type { JsonValue } from '../../state/schema.js';
import type { StepId } from '../ids.js';
import { ASG_ROLES, ASG_TYPES, groupName, readinessUrl } from './layout.js';
import { launchTemplateSpec } from './launch-template.js';
import { describeNode, isServing, readNodes } from './nodes.js';
import type { Direction } from './scaling.js';
import { DIRECTIONS, alarmName, alarmSpec, policyName, policySpec } from './scaling.js';
import { resourceStatus } from '../resource.js';

function outputsIfDone(ctx: StepContext, step: StepId): StepOutputs | undefined {
  try {
    return ctx.outputsOf(step);
  } catch {
    return undefined;
  }
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** "ready (200)", "not ready (HTTP 503)" or "unreachable: <why>". */
export async function probeReadiness(ctx: Pick<StepContext, 'config' | 'httpProbe'>): Promise<string> {
  const result = await ctx.httpProbe(readinessUrl(ctx.config));
  if ('error' in result) return `unreachable: ${result.error}`;
  return result.status === 200 ? 'ready (200)' : `not ready (HTTP ${result.status})`;
}

async function templateAmi(
  ctx: StepContext,
  templateId: string,
  version: string | undefined,
): Promise<string | undefined> {
  const found = await awsFind(
    'describing EC2 launch template version',
    async () =>
      (
        await ctx.aws.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({
            LaunchTemplateId: templateId,
            Versions: [version ?? '$Default'],
          }),
        )
      ).LaunchTemplateVersions?.[0],
    templateId,
  );
  return found?.LaunchTemplateData?.ImageId;
}

export async function inspectAutoScaling(ctx: StepContext): Promise<StepStatus> {
  const { config } = ctx;
  const name = groupName(config);
  const loadBalancerName = text(outputsIfDone(ctx, 'load-balancer')?.name) ?? `${config.name}-elb`;
  const wantedAmi = text(outputsIfDone(ctx, 'image')?.amiId);
  const resources: ResourceStatus[] = [];
  const drift: string[] = [];
  const add = (resource: ResourceStatus) => {
    resources.push(resource);
    if (resource.drift) drift.push(resource.drift);
  };

  const templateId = ctx.recorded(ASG_ROLES.launchTemplate)?.id;
  const template = templateId ? await launchTemplateSpec(ctx).findById(templateId) : undefined;
  const { group, nodes } = await readNodes(ctx, name, loadBalancerName);
  const recordedGroup = ctx.recorded(ASG_ROLES.group);

  const groupVersion = group?.LaunchTemplate?.Version;
  const ami = template ? await templateAmi(ctx, template.LaunchTemplateId!, groupVersion) : undefined;
  add(
    resourceStatus(
      ASG_ROLES.launchTemplate,
      ASG_TYPES.launchTemplate,
      templateId,
      template ? `version ${groupVersion ?? template.DefaultVersionNumber} (${ami ?? 'no AMI'})` : 'missing',
      [
        !templateId ? 'launch template is not recorded in state' : undefined,
        templateId && !template ? `launch template ${templateId} no longer exists` : undefined,
        template && wantedAmi && ami !== wantedAmi
          ? `the nodes run ${ami}, the image step built ${wantedAmi} (gitlab-ha apply rolls them onto it)`
          : undefined,
      ].filter((p): p is string => p !== undefined),
    ),
  );

  const serving = nodes.filter(isServing).length;
  const min = group?.MinSize ?? config.autoScaling.min;
  add(
    resourceStatus(
      ASG_ROLES.group,
      ASG_TYPES.group,
      group?.AutoScalingGroupName ?? recordedGroup?.id,
      group
        ? `${serving} of ${group.DesiredCapacity} InService (min ${group.MinSize}, max ${group.MaxSize})`
        : 'missing',
      [
        !group ? `Auto Scaling group ${name} does not exist` : undefined,
        group && serving < min
          ? `only ${serving} of at least ${min} GitLab nodes are InService behind ${loadBalancerName}`
          : undefined,
      ].filter((p): p is string => p !== undefined),
    ),
  );
  for (const node of nodes) {
    add(
      resourceStatus(
        `${ASG_ROLES.node}/${node.availabilityZone}`,
        ASG_TYPES.instance,
        node.instanceId,
        `${node.lifecycleState}, ${node.healthStatus}, ELB ${node.elbState}`,
        isServing(node) ? [] : [`GitLab node ${describeNode(node)}`],
      ),
    );
  }

  const alarmStates: Record<string, string> = {};
  for (const direction of ['out', 'in'] as Direction[]) {
    const policy = group
      ? await policySpec(ctx, direction, { name, tags: group.Tags }).findById(policyName(config, direction))
      : undefined;
    add(
      resourceStatus(
        DIRECTIONS[direction].policyRole,
        ASG_TYPES.policy,
        policy?.PolicyARN ?? ctx.recorded(DIRECTIONS[direction].policyRole)?.id,
        policy ? 'present' : 'missing',
        policy ? [] : [`scaling policy ${policyName(config, direction)} is missing`],
      ),
    );
    const found = await alarmSpec(ctx, direction).findById(alarmName(config, direction));
    const alarmState = found?.alarm.StateValue ?? 'missing';
    alarmStates[alarmName(config, direction)] = alarmState;
    add(
      resourceStatus(
        DIRECTIONS[direction].alarmRole,
        ASG_TYPES.alarm,
        alarmName(config, direction),
        alarmState,
        found ? [] : [`CloudWatch alarm ${alarmName(config, direction)} is missing`],
      ),
    );
  }

  const perZone: Record<string, string> = {};
  for (const zone of [...new Set(nodes.map((n) => n.availabilityZone))].sort()) {
    const inZone = nodes.filter((n) => n.availabilityZone === zone);
    perZone[zone] = `${inZone.filter(isServing).length} of ${inZone.length} InService`;
  }
  const outputs: StepOutputs = {
    url: config.gitlab.externalUrl,
    readiness: await probeReadiness(ctx),
    groupName: name,
    ...(group ? { desired: group.DesiredCapacity ?? 0, inService: serving, nodesPerZone: perZone } : {}),
    alarms: alarmStates,
  };
  const loadBalancerDnsName = text(outputsIfDone(ctx, 'load-balancer')?.dnsName);
  if (loadBalancerDnsName) outputs.loadBalancerDnsName = loadBalancerDnsName;
  const health: Health = !group && !template ? 'missing' : drift.length > 0 ? 'degraded' : 'healthy';
  return { step: 'auto-scaling', health, resources, outputs, drift };
}
