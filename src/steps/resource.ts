/**
 * The find -> adopt | create -> record pattern every step follows for each of its resources, written
 * once. A step describes one resource with a ResourceSpec; ensureResource, planResource and
 * destroyResource apply design.md's rules 1-3 and 6 to it.
 */
import { createdByTool } from '../aws/tags.js';
import { exactlyOneOrNone } from '../aws/find.js';
import type {
  DestroyContext,
  PlanContext,
  PlannedResource,
  ResourceStatus,
  StepContext,
} from '../engine/step.js';
import type { JsonValue } from '../state/schema.js';

type Tags = { Key?: string; Value?: string }[] | undefined;

export interface ResourceSpec<R> {
  /** Role inside the step, e.g. `vpc`, `subnet/public/eu-west-1a`. */
  role: string;
  /** Kind, e.g. `ec2:vpc`. */
  type: string;
  /** Human name for messages, e.g. `VPC`, `public subnet in eu-west-1a`. */
  label: string;
  /** Live resource by id; undefined when it is gone (or going: deleted/deleting). */
  findById(id: string): Promise<R | undefined>;
  /** Live resources carrying this role's tags (not counting deleted ones). */
  findByTags(): Promise<R[]>;
  idOf(resource: R): string;
  tagsOf(resource: R): Tags;
  /** Key parameters for plans and events. */
  details?: Record<string, string | number | boolean>;
  /** Non-secret facts to keep in state beside the id. */
  attributes?(resource: R): Record<string, JsonValue>;
}

export interface CreatableSpec<R> extends ResourceSpec<R> {
  /** Creates it, tagged in the create call itself (TagSpecifications) and with a ClientToken where the API has one. */
  create(): Promise<R>;
}

export type EnsureAction = 'created' | 'adopted' | 'unchanged';

export async function ensureResource<R>(
  ctx: StepContext,
  spec: CreatableSpec<R>,
): Promise<{ resource: R; action: EnsureAction }> {
  const recorded = ctx.recorded(spec.role);
  if (recorded) {
    const live = await spec.findById(recorded.id);
    if (live) return { resource: live, action: 'unchanged' };
    ctx.events.warn(
      'resource.drift',
      `${spec.label} ${recorded.id} is gone; it will be found by tags or created again`,
      {
        type: spec.type,
        role: spec.role,
        id: recorded.id,
      },
    );
    await ctx.forget(spec.role);
  }
  const found = exactlyOneOrNone(spec.label, await spec.findByTags(), spec.idOf);
  if (found) {
    const id = spec.idOf(found);
    await ctx.record(spec.role, {
      type: spec.type,
      id,
      origin: createdByTool(spec.tagsOf(found)) ? 'tool' : 'adopted',
      ...(spec.attributes ? { attributes: spec.attributes(found) } : {}),
    });
    ctx.events.info('resource.adopt', `found ${spec.label} ${id} by its tags`, eventData(spec, id));
    return { resource: found, action: 'adopted' };
  }
  const created = await spec.create();
  const id = spec.idOf(created);
  // Recorded before anything else happens to it (design rule 3).
  await ctx.record(spec.role, {
    type: spec.type,
    id,
    origin: 'tool',
    ...(spec.attributes ? { attributes: spec.attributes(created) } : {}),
  });
  ctx.events.info('resource.create', `created ${spec.label} ${id}`, eventData(spec, id));
  return { resource: created, action: 'created' };
}

function eventData(spec: ResourceSpec<unknown>, id: string): Record<string, unknown> {
  return { type: spec.type, role: spec.role, id, ...(spec.details ? { details: spec.details } : {}) };
}

/** Read-only: what ensureResource would do. Offline (no AWS), everything is a create. */
export async function planResource<R>(ctx: PlanContext, spec: ResourceSpec<R>): Promise<PlannedResource> {
  const base = { role: spec.role, type: spec.type, ...(spec.details ? { details: spec.details } : {}) };
  if (!ctx.aws) return { ...base, action: 'create' };
  const recorded = ctx.recorded(spec.role);
  if (recorded) {
    const live = await spec.findById(recorded.id);
    if (live) return { ...base, action: 'noop', id: recorded.id, reason: 'recorded in state and present' };
  }
  const found = exactlyOneOrNone(spec.label, await spec.findByTags(), spec.idOf);
  if (found) return { ...base, action: 'adopt', id: spec.idOf(found), reason: 'found by tags' };
  return {
    ...base,
    action: 'create',
    reason: recorded ? `recorded ${recorded.id} is gone` : 'not found',
  };
}

export interface DeletableSpec<R> extends ResourceSpec<R> {
  /** Deletes it (not-found is success) and waits until it is gone. */
  delete(resource: R): Promise<void>;
}

/** The live resource of a role: the recorded one while it exists, else the one carrying the role's tags. */
export async function findLive<R>(
  ctx: Pick<StepContext, 'recorded'>,
  spec: ResourceSpec<R>,
): Promise<R | undefined> {
  const recorded = ctx.recorded(spec.role);
  const live = recorded ? await spec.findById(recorded.id) : undefined;
  return live ?? exactlyOneOrNone(spec.label, await spec.findByTags(), spec.idOf);
}

/**
 * Whether destroy deletes the live resource of a role: it was created by this tool (per state, or per
 * its tags when a crash kept it out of state), or --force is set. Steps that must prepare a delete
 * (e.g. revoke rules that reference a security group) ask this first.
 */
export function destroyDeletes(ctx: DestroyContext, role: string, tags: Tags): boolean {
  const recorded = ctx.recorded(role);
  const ours = recorded ? recorded.origin === 'tool' : createdByTool(tags);
  return ours || ctx.options.force;
}

/**
 * Deletes the resource recorded for a role, or found by its tags when a crash kept it out of state.
 * Adopted resources the tool did not create are left alone unless --force (design rule 6).
 */
export async function destroyResource<R>(ctx: DestroyContext, spec: DeletableSpec<R>): Promise<void> {
  const recorded = ctx.recorded(spec.role);
  const live = await findLive(ctx, spec);
  if (!live) {
    if (recorded) await ctx.forget(spec.role);
    return;
  }
  const id = spec.idOf(live);
  if (!destroyDeletes(ctx, spec.role, spec.tagsOf(live))) {
    ctx.events.warn(
      'resource.keep',
      `kept ${spec.label} ${id}: it was adopted, not created by gitlab-ha (use --force to delete it)`,
      {
        type: spec.type,
        role: spec.role,
        id,
      },
    );
    await ctx.forget(spec.role);
    return;
  }
  await spec.delete(live);
  await ctx.forget(spec.role);
  ctx.events.info('resource.delete', `deleted ${spec.label} ${id}`, { type: spec.type, role: spec.role, id });
}

/** A resource's line in `status`: healthy when nothing is wrong, with what is wrong as its drift. */
export function resourceStatus(
  role: string,
  type: string,
  id: string | undefined,
  state: string,
  problems: readonly string[],
): ResourceStatus {
  return {
    role,
    type,
    ...(id ? { id } : {}),
    state,
    healthy: problems.length === 0,
    ...(problems.length > 0 ? { drift: problems.join('; ') } : {}),
  };
}
