/**
 * The classic load balancer `<deployment>-elb` as a ResourceSpec. Classic ELB has no ClientToken:
 * its name is the idempotency key. CreateLoadBalancer with the name of one that exists answers with
 * it when every setting (tags included) is the same, and fails with DuplicateLoadBalancerName
 * otherwise; either way the load balancer under our name is taken only when its own tags say this
 * tool made it for this deployment's role. Anything else under our name is someone else's.
 */
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import type { LoadBalancerDescription, Tag } from '@aws-sdk/client-elastic-load-balancing';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { awsCall, awsDelete, awsFind, failedWith, translateAwsError } from '../../aws/errors.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, createdByTool, resourceTagValue, tagValue } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import type { LoadBalancerLayout } from './layout.js';
import { ROLES, TYPES, loadBalancerDetails, toSdkListener } from './layout.js';

export type ElbCtx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'>;

export interface LiveLoadBalancer {
  lb: LoadBalancerDescription;
  /** Known when found by tags or read after a name clash; state's origin covers the rest. */
  tags: Tag[] | undefined;
}

/** Where the load balancer goes: the public subnets and the `lb` security group. */
export interface LoadBalancerWiring {
  publicSubnetIds: string[];
  securityGroupId: string;
}

export type LoadBalancerSpec = CreatableSpec<LiveLoadBalancer> & DeletableSpec<LiveLoadBalancer>;

const LABEL = 'classic load balancer';
const DUPLICATE_NAME = 'DuplicateLoadBalancerName';
/** Bound, in seconds, for a new load balancer to show up in DescribeLoadBalancers. */
const VISIBLE_SECONDS = 60;

export async function describeLoadBalancer(
  ctx: Pick<StepContext, 'aws'>,
  name: string,
): Promise<LoadBalancerDescription | undefined> {
  return awsFind(
    `describing ${LABEL}`,
    async () =>
      (await ctx.aws.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] })))
        .LoadBalancerDescriptions?.[0],
    name,
  );
}

async function tagsOf(ctx: Pick<StepContext, 'aws'>, name: string): Promise<Tag[]> {
  const out = await awsCall(
    `reading the tags of ${LABEL}`,
    () => ctx.aws.elb.send(new DescribeTagsCommand({ LoadBalancerNames: [name] })),
    name,
  );
  return out.TagDescriptions?.[0]?.Tags ?? [];
}

/** Tagged for this deployment's load-balancer role (by this tool, or by a user to adopt it). */
function taggedForRole(ctx: ElbCtx, tags: Tag[] | undefined): boolean {
  return (
    tagValue(tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(tags, TAG_RESOURCE) === resourceTagValue(ctx.step, ROLES.loadBalancer)
  );
}

/**
 * Classic load balancers carrying this role's tags: the one under our name (asked directly, since
 * the Tagging API lags behind creates) and any other the Tagging API lists (one a user tagged).
 */
async function findTagged(ctx: ElbCtx, name: string): Promise<LiveLoadBalancer[]> {
  const found = new Map<string, LiveLoadBalancer>();
  const ours = await describeLoadBalancer(ctx, name);
  if (ours) {
    const tags = await tagsOf(ctx, name);
    if (taggedForRole(ctx, tags)) found.set(name, { lb: ours, tags });
  }
  for (const { name: other, tags } of await namesFromTaggingApi(ctx)) {
    if (found.has(other) || other === name) continue;
    const lb = await describeLoadBalancer(ctx, other);
    if (lb) found.set(other, { lb, tags });
  }
  return [...found.values()];
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>`; v2 ones have `app/` or `net/`. */
function classicNameFromArn(arn: string): string | undefined {
  const marker = ':loadbalancer/';
  const at = arn.indexOf(marker);
  const rest = at < 0 ? '' : arn.slice(at + marker.length);
  return rest && !rest.includes('/') ? rest : undefined;
}

async function namesFromTaggingApi(ctx: ElbCtx): Promise<{ name: string; tags: Tag[] }[]> {
  const found: { name: string; tags: Tag[] }[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(`finding ${LABEL}s by tags`, () =>
      ctx.aws.tagging.send(
        new GetResourcesCommand({
          TagFilters: [
            { Key: TAG_DEPLOYMENT, Values: [ctx.config.name] },
            { Key: TAG_RESOURCE, Values: [resourceTagValue(ctx.step, ROLES.loadBalancer)] },
          ],
          ResourceTypeFilters: ['elasticloadbalancing:loadbalancer'],
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const name = mapping.ResourceARN ? classicNameFromArn(mapping.ResourceARN) : undefined;
      if (name)
        found.push({ name, tags: (mapping.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value })) });
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return found;
}

export function loadBalancerSpec(
  ctx: ElbCtx,
  layout: LoadBalancerLayout,
  wiring: () => LoadBalancerWiring,
  zones: readonly string[],
): LoadBalancerSpec {
  return {
    role: ROLES.loadBalancer,
    type: TYPES.loadBalancer,
    label: LABEL,
    details: loadBalancerDetails(layout, zones),
    idOf: (live) => live.lb.LoadBalancerName!,
    tagsOf: (live) => live.tags,
    attributes: (live) => ({
      dnsName: live.lb.DNSName ?? null,
      canonicalHostedZoneId: live.lb.CanonicalHostedZoneNameID ?? null,
    }),
    findById: async (name) => {
      const lb = await describeLoadBalancer(ctx, name);
      return lb ? { lb, tags: undefined } : undefined;
    },
    findByTags: () => findTagged(ctx, layout.name),
    create: () => createLoadBalancer(ctx, layout, wiring()),
    delete: (live) => {
      const name = live.lb.LoadBalancerName!;
      return awsDelete(
        `deleting ${LABEL}`,
        () => ctx.aws.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: name })),
        name,
      );
    },
  };
}

async function createLoadBalancer(
  ctx: ElbCtx,
  layout: LoadBalancerLayout,
  wiring: LoadBalancerWiring,
): Promise<LiveLoadBalancer> {
  const name = layout.name;
  const tags = ctx.tags(ROLES.loadBalancer);
  try {
    await ctx.aws.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: name,
        Listeners: layout.listeners.map(toSdkListener),
        Subnets: wiring.publicSubnetIds,
        SecurityGroups: [wiring.securityGroupId],
        Scheme: layout.scheme,
        Tags: tags,
      }),
    );
  } catch (error) {
    if (!failedWith(error, DUPLICATE_NAME)) throw translateAwsError(`creating ${LABEL}`, error, name);
    return claimLoadBalancer(ctx, name, error);
  }
  // The answer carries only the DNS name; the rest is read back (tolerating a short lag).
  return { lb: await readAfterCreate(ctx, name), tags };
}

async function readAfterCreate(ctx: ElbCtx, name: string): Promise<LoadBalancerDescription> {
  const now = await describeLoadBalancer(ctx, name);
  if (now) return now;
  return pollUntil(
    ctx,
    { what: `${LABEL} ${name} to become visible`, resourceId: name, maxWaitSeconds: VISIBLE_SECONDS },
    async () => {
      const lb = await describeLoadBalancer(ctx, name);
      return lb ? { done: true, value: lb } : { done: false, state: 'not visible yet' };
    },
  );
}

/** The load balancer under our name, when a crashed run made it; else the name is someone else's. */
async function claimLoadBalancer(ctx: ElbCtx, name: string, cause: unknown): Promise<LiveLoadBalancer> {
  const lb = await describeLoadBalancer(ctx, name);
  const tags = lb ? await tagsOf(ctx, name) : undefined;
  if (!lb || !taggedForRole(ctx, tags) || !createdByTool(tags)) throw nameTaken(ctx, name, cause);
  ctx.events.debug('note', `${LABEL} ${name} was made by an earlier run that stopped before recording it`, {
    type: TYPES.loadBalancer,
    role: ROLES.loadBalancer,
    id: name,
  });
  return { lb, tags };
}

function nameTaken(ctx: ElbCtx, name: string, cause: unknown): ProvisioningError {
  const resourceTag = resourceTagValue(ctx.step, ROLES.loadBalancer);
  return new ProvisioningError(
    `A ${LABEL} named ${name} already exists but does not carry this deployment's tags for ${ROLES.loadBalancer}`,
    {
      code: 'NAME_TAKEN',
      awsCode: DUPLICATE_NAME,
      resourceId: name,
      hint: `Delete ${name}, or tag it ${TAG_DEPLOYMENT}=${ctx.config.name} and ${TAG_RESOURCE}=${resourceTag} to adopt it, and run again.`,
      cause,
    },
  );
}
