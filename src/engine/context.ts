/** Builds the contexts steps run in, bound to the state store, the event bus and the config. */
import type { AwsClients } from '../aws/clients.js';
import { deploymentTags } from '../aws/tags.js';
import type { Config } from '../config/schema.js';
import type { DeploymentState, StepState } from '../state/schema.js';
import { emptyStepState } from '../state/schema.js';
import type { StepId } from '../steps/ids.js';
import type { EventBus } from './events.js';
import { stepEmitter } from './events.js';
import type {
  DestroyContext,
  DestroyOptions,
  HttpProbe,
  PlanContext,
  StepContext,
  StepOutputs,
  Timing,
} from './step.js';

/** The part of StateStore the engine needs (kept narrow so tests can see what it touches). */
export interface StateAccess {
  readonly snapshot: Readonly<DeploymentState>;
  update(mutate: (draft: DeploymentState) => void): Promise<void>;
}

export interface EngineEnv {
  config: Config;
  state: StateAccess;
  bus: EventBus;
  signal: AbortSignal;
  timing: Timing;
  /** Environment variables steps may read (GITLAB_HA_DB_PASSWORD...). */
  env?: Readonly<Record<string, string | undefined>>;
  /** HTTP GET for readiness checks; without one, probes report that they were not made. */
  httpProbe?: HttpProbe;
  now?: () => Date;
}

const NO_PROBE: HttpProbe = () => Promise.resolve({ error: 'HTTP probes are not available in this run' });

export function stepStateIn(draft: DeploymentState, step: StepId): StepState {
  let entry = draft.steps[step];
  if (!entry) {
    entry = emptyStepState();
    draft.steps[step] = entry;
  }
  return entry;
}

export function makeStepContext(env: EngineEnv, aws: AwsClients, step: StepId): StepContext {
  const now = env.now ?? (() => new Date());
  const resources = () => env.state.snapshot.steps[step]?.resources ?? {};
  return {
    step,
    config: env.config,
    aws,
    events: stepEmitter(env.bus, step),
    signal: env.signal,
    timing: env.timing,
    env: env.env ?? {},
    httpProbe: env.httpProbe ?? NO_PROBE,
    recorded: (role) => resources()[role],
    recordedAll: resources,
    record: async (role, resource) => {
      await env.state.update((draft) => {
        stepStateIn(draft, step).resources[role] = { ...resource, recordedAt: now().toISOString() };
      });
      env.bus.emit({
        level: 'debug',
        step,
        code: 'state.saved',
        message: `recorded ${resource.type} ${resource.id}`,
      });
    },
    forget: async (role) => {
      if (!(role in resources())) return;
      await env.state.update((draft) => {
        delete stepStateIn(draft, step).resources[role];
      });
    },
    outputsOf: (dependency) => {
      const entry = env.state.snapshot.steps[dependency];
      if (!entry || entry.status !== 'done') {
        throw new Error(`Step ${step} needs the outputs of ${dependency}, which has not completed`);
      }
      return entry.outputs as StepOutputs;
    },
    tags: (role) => deploymentTags(env.config, step, role),
  };
}

export function makeDestroyContext(
  env: EngineEnv,
  aws: AwsClients,
  step: StepId,
  options: DestroyOptions,
): DestroyContext {
  return { ...makeStepContext(env, aws, step), options };
}

export function makePlanContext(
  env: Pick<EngineEnv, 'config' | 'state'>,
  aws: AwsClients | null,
  step: StepId,
): PlanContext {
  const resources = () => env.state.snapshot.steps[step]?.resources ?? {};
  return {
    step,
    config: env.config,
    aws,
    recorded: (role) => resources()[role],
    recordedAll: resources,
    outputsOfIfDone: (dependency) => {
      const entry = env.state.snapshot.steps[dependency];
      return entry?.status === 'done' ? (entry.outputs as StepOutputs) : undefined;
    },
  };
}

/**
 * A StepContext for read-only work (live plans): it can find and describe, never record. Waits and
 * events are inert because a plan neither waits nor reports progress.
 */
export function readOnlyStepContext(ctx: PlanContext, aws: AwsClients): StepContext {
  const refuse = () => Promise.reject(new Error(`plan must not change state (step ${ctx.step})`));
  const inert = () => undefined;
  return {
    step: ctx.step,
    config: ctx.config,
    aws,
    events: { info: inert, warn: inert, debug: inert },
    signal: new AbortController().signal,
    timing: { minDelaySeconds: 1, maxDelaySeconds: 1, maxWaitScale: 1, heartbeatSeconds: 3600 },
    env: {},
    httpProbe: NO_PROBE,
    recorded: ctx.recorded,
    recordedAll: ctx.recordedAll,
    record: refuse,
    forget: refuse,
    outputsOf: (dependency) => {
      const outputs = ctx.outputsOfIfDone(dependency);
      if (!outputs)
        throw new Error(`Step ${ctx.step} needs the outputs of ${dependency}, which has not completed`);
      return outputs;
    },
    tags: (role) => deploymentTags(ctx.config, ctx.step, role),
  };
}
