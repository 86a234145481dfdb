/**
 * The runner: apply, destroy, status and plan over the registered steps. It owns step life cycle in
 * state (in-progress / done / failed / destroying / destroyed), timing, and the run summary; steps
 * own their resources.
 */
import type { AwsClients } from '../aws/clients.js';
import type { StepId } from '../steps/ids.js';
import type { EngineEnv } from './context.js';
import { makeDestroyContext, makePlanContext, makeStepContext, stepStateIn } from './context.js';
import { GitlabHaError, InterruptedError, ProvisioningError } from './errors.js';
import { assertValidGraph, dependentsOf } from './graph.js';
import { runScheduled } from './scheduler.js';
import type { DestroyOptions, Step, StepPlan, StepStatus } from './step.js';
import type { RunSummary, StepSummary } from './summary.js';

export interface RunResult {
  summary: RunSummary;
  /** The errors steps failed with, in the order they happened (for the exit code). */
  failures: unknown[];
}

export interface RunOptions {
  steps: readonly Step[];
  aws: AwsClients;
  /** Steps running at once. */
  concurrency: number;
  /** The command that resumes this run, for messages. */
  resumeCommand: string;
}

/** Counts resource events per step, to say what each step did ("created 3, adopted 1"). */
function actionCounter(env: EngineEnv) {
  const counts = new Map<StepId, Record<string, number>>();
  const unsubscribe = env.bus.subscribe((event) => {
    if (!event.step || !event.code.startsWith('resource.') || event.code === 'resource.drift') return;
    const verb = event.code.slice('resource.'.length);
    const entry = counts.get(event.step) ?? {};
    entry[verb] = (entry[verb] ?? 0) + 1;
    counts.set(event.step, entry);
  });
  const past: Record<string, string> = {
    create: 'created',
    adopt: 'adopted',
    update: 'updated',
    delete: 'deleted',
    keep: 'kept',
  };
  return {
    describe(step: StepId, idle: string): string {
      const entry = counts.get(step);
      if (!entry) return idle;
      return Object.entries(entry)
        .map(([verb, n]) => `${past[verb] ?? verb} ${n}`)
        .join(', ');
    },
    stop: unsubscribe,
  };
}

function errorText(error: unknown): string {
  if (error instanceof GitlabHaError) return error.message + (error.hint ? ` ${error.hint}` : '');
  return error instanceof Error ? error.message : String(error);
}

function errorCodeOf(error: unknown): string {
  return error instanceof GitlabHaError ? error.code : 'INTERNAL';
}

function finish(
  env: EngineEnv,
  command: RunSummary['command'],
  started: number,
  ids: readonly StepId[],
  outcomes: Map<StepId, 'done' | 'failed' | 'not-started'>,
  details: Map<StepId, Omit<StepSummary, 'step' | 'outcome'>>,
  resumeCommand: string,
  remaining: RemainingResources = { kept: [], leftovers: [] },
  otherFailure = false,
): RunSummary {
  const steps: StepSummary[] = ids.map((step) => ({
    step,
    outcome: outcomes.get(step) ?? 'not-started',
    ...details.get(step),
  }));
  const failed = otherFailure || steps.some((s) => s.outcome === 'failed');
  const outcome: RunSummary['outcome'] = env.signal.aborted ? 'interrupted' : failed ? 'failed' : 'succeeded';
  const summary: RunSummary = {
    command,
    outcome,
    elapsedMs: Date.now() - started,
    steps,
    ...(outcome === 'succeeded' ? {} : { resumeCommand }),
    ...(remaining.kept.length > 0 ? { kept: remaining.kept } : {}),
    ...(remaining.leftovers.length > 0 ? { leftovers: remaining.leftovers } : {}),
  };
  env.bus.emit({
    level: outcome === 'succeeded' ? 'info' : 'error',
    code: 'run.done',
    message: `${command} ${outcome}`,
    data: { ...summary },
  });
  return summary;
}

/** What differs between apply and destroy; runPhase does the rest (events, timing, summary, failures). */
interface Phase {
  command: RunSummary['command'];
  /** Steps in the order they are considered. */
  order: StepId[];
  prerequisitesOf(id: StepId): readonly StepId[];
  startMessage(step: Step): string;
  failMessage(step: Step, error: unknown): string;
  /** What a step that touched nothing did. */
  idleAction: string;
  /** State changes before the step's work. */
  begin(id: StepId): Promise<void>;
  /** The step's work and the state changes after it succeeds. */
  work(step: Step): Promise<void>;
  /** State changes after it fails. */
  fail(id: StepId, error: unknown): Promise<void>;
}

interface PhaseResult {
  outcomes: Map<StepId, 'done' | 'failed' | 'not-started'>;
  details: Map<StepId, Omit<StepSummary, 'step' | 'outcome'>>;
  failures: unknown[];
  started: number;
}

async function runPhase(env: EngineEnv, options: RunOptions, phase: Phase): Promise<PhaseResult> {
  assertValidGraph(options.steps);
  const started = Date.now();
  const byId = new Map(options.steps.map((s) => [s.id, s]));
  const details = new Map<StepId, Omit<StepSummary, 'step' | 'outcome'>>();
  const counter = actionCounter(env);
  const failures: unknown[] = [];
  env.bus.emit({
    level: 'info',
    code: 'run.start',
    message: `${phase.command} ${env.config.name}`,
    data: { command: phase.command, deployment: env.config.name, steps: phase.order },
  });
  const outcomes = await runScheduled(
    phase.order,
    phase.prerequisitesOf,
    async (id) => {
      const step = byId.get(id)!;
      const stepStarted = Date.now();
      env.bus.emit({ level: 'info', step: id, code: 'step.start', message: phase.startMessage(step) });
      await phase.begin(id);
      try {
        if (env.signal.aborted) throw new InterruptedError(`${step.title}: interrupted before it started`);
        await phase.work(step);
        const elapsedMs = Date.now() - stepStarted;
        const action = counter.describe(id, phase.idleAction);
        details.set(id, { elapsedMs, action });
        env.bus.emit({
          level: 'info',
          step: id,
          code: 'step.done',
          message: `${step.title}: ${action}`,
          data: { action, elapsedMs },
        });
      } catch (error) {
        const elapsedMs = Date.now() - stepStarted;
        await phase.fail(id, error);
        details.set(id, { elapsedMs, error: errorText(error) });
        env.bus.emit({
          level: 'error',
          step: id,
          code: 'step.fail',
          message: phase.failMessage(step, error),
          data: { elapsedMs, errorCode: errorCodeOf(error) },
        });
        failures.push(error);
        throw error;
      }
    },
    { concurrency: options.concurrency, signal: env.signal },
  );
  counter.stop();
  return { outcomes, details, failures, started };
}

const nowIso = () => new Date().toISOString();

export async function runApply(env: EngineEnv, options: RunOptions): Promise<RunResult> {
  const byId = new Map(options.steps.map((s) => [s.id, s]));
  const order = options.steps.map((s) => s.id);
  const result = await runPhase(env, options, {
    command: 'apply',
    order,
    prerequisitesOf: (id) => byId.get(id)?.dependsOn ?? [],
    startMessage: (step) => step.title,
    failMessage: (step, error) => `${step.title} failed: ${errorText(error)}`,
    idleAction: 'unchanged',
    begin: (id) =>
      env.state.update((draft) => {
        const entry = stepStateIn(draft, id);
        entry.status = 'in-progress';
        entry.startedAt = nowIso();
        delete entry.error;
      }),
    work: async (step) => {
      const { outputs } = await step.ensure(makeStepContext(env, options.aws, step.id));
      await env.state.update((draft) => {
        const entry = stepStateIn(draft, step.id);
        entry.status = 'done';
        entry.outputs = outputs;
        entry.finishedAt = nowIso();
      });
    },
    fail: (id, error) => {
      const interrupted = error instanceof InterruptedError || env.signal.aborted;
      return env.state.update((draft) => {
        const entry = stepStateIn(draft, id);
        // An interrupted step stays in progress: its recorded resources are picked up on resume.
        entry.status = interrupted ? 'in-progress' : 'failed';
        entry.error = {
          code: interrupted ? 'INTERRUPTED' : errorCodeOf(error),
          message: errorText(error),
          at: nowIso(),
        };
      });
    },
  });
  const summary = finish(
    env,
    'apply',
    result.started,
    order,
    result.outcomes,
    result.details,
    options.resumeCommand,
  );
  return { summary, failures: result.failures };
}

export interface DestroyRunOptions extends RunOptions {
  destroy: DestroyOptions;
  /** ARNs of resources still tagged for the deployment (checked once every step is destroyed). */
  listLeftovers(): Promise<string[]>;
  /** Whether a leftover is kept on purpose (final snapshots). */
  isExpectedLeftover(arn: string): boolean;
}

export async function runDestroy(env: EngineEnv, options: DestroyRunOptions): Promise<RunResult> {
  const order = options.steps.map((s) => s.id).reverse();
  const inState = (id: StepId) => env.state.snapshot.steps[id] !== undefined;
  // Resources left alone on purpose (adopted, not created by the tool; final snapshots) are expected leftovers.
  const kept = new Set<string>();
  const stopKeeping = env.bus.subscribe((event) => {
    if (event.code === 'resource.keep' && typeof event.data?.id === 'string') kept.add(event.data.id);
  });
  const result = await runPhase(env, options, {
    command: 'destroy',
    order,
    prerequisitesOf: (id) => dependentsOf(options.steps, id),
    startMessage: (step) => `${step.title} (destroy)`,
    failMessage: (step, error) => `${step.title} (destroy) failed: ${errorText(error)}`,
    idleAction: 'nothing to delete',
    begin: async (id) => {
      if (!inState(id)) return;
      await env.state.update((draft) => {
        stepStateIn(draft, id).status = 'destroying';
      });
    },
    work: async (step) => {
      await step.destroy(makeDestroyContext(env, options.aws, step.id, options.destroy));
      if (!inState(step.id)) return;
      await env.state.update((draft) => {
        const entry = stepStateIn(draft, step.id);
        entry.status = 'destroyed';
        entry.outputs = {};
        entry.finishedAt = nowIso();
        delete entry.error;
      });
    },
    fail: async (id, error) => {
      if (!inState(id)) return;
      await env.state.update((draft) => {
        stepStateIn(draft, id).error = { code: errorCodeOf(error), message: errorText(error), at: nowIso() };
      });
    },
  });
  stopKeeping();
  const allDone = [...result.outcomes.values()].every((o) => o === 'done');
  const remaining = allDone ? await checkLeftovers(env, options, kept, result.failures) : undefined;
  const summary = finish(
    env,
    'destroy',
    result.started,
    order,
    result.outcomes,
    result.details,
    options.resumeCommand,
    remaining,
    result.failures.length > 0,
  );
  return { summary, failures: result.failures };
}

/**
 * The final check of destroy: lists what still carries the deployment's tag. Kept resources (final
 * snapshots, adopted resources left alone) are expected; anything else fails the run.
 */
async function checkLeftovers(
  env: EngineEnv,
  options: DestroyRunOptions,
  kept: ReadonlySet<string>,
  failures: unknown[],
): Promise<RemainingResources> {
  const arns = await options.listLeftovers();
  const expected = (arn: string) =>
    options.isExpectedLeftover(arn) || [...kept].some((id) => arn.endsWith(id));
  const unexpected = arns.filter((arn) => !expected(arn));
  if (unexpected.length > 0) {
    const error = new ProvisioningError(
      `${unexpected.length} resource(s) still carry the tag of deployment ${env.config.name}: ${unexpected.join(', ')}`,
      { code: 'LEFTOVERS', hint: 'Run destroy again; if they stay, delete them in the AWS console.' },
    );
    failures.push(error);
    env.bus.emit({ level: 'error', code: 'note', message: error.message, data: { leftovers: unexpected } });
  }
  return { kept: arns.filter(expected), leftovers: unexpected };
}

interface RemainingResources {
  kept: string[];
  leftovers: string[];
}

/** Live status of every step that has something in state; the rest are `not-deployed`. */
export async function runStatus(
  env: EngineEnv,
  options: Pick<RunOptions, 'steps' | 'aws'>,
): Promise<StepStatus[]> {
  return Promise.all(
    options.steps.map(async (step): Promise<StepStatus> => {
      const entry = env.state.snapshot.steps[step.id];
      if (
        !entry ||
        entry.status === 'destroyed' ||
        (entry.status === 'pending' && Object.keys(entry.resources).length === 0)
      ) {
        return { step: step.id, health: 'not-deployed', resources: [], outputs: {}, drift: [] };
      }
      return step.inspect(makeStepContext(env, options.aws, step.id));
    }),
  );
}

/** Per step, what apply would do. With `aws` null the plan is offline: nothing is contacted. */
export async function runPlan(
  env: Pick<EngineEnv, 'config' | 'state'>,
  options: { steps: readonly Step[]; aws: AwsClients | null },
): Promise<StepPlan[]> {
  assertValidGraph(options.steps);
  const plans: StepPlan[] = [];
  // In guide order, one at a time: plans are read-only and cheap, and ordered output reads better.
  for (const step of options.steps) plans.push(await step.plan(makePlanContext(env, options.aws, step.id)));
  return plans;
}
