/**
 * The plumbing every step test shares: a fresh fake AWS per test, state files in temporary
 * directories, fast timing, the demo deployment's config, and the contexts a run of the tool builds.
 */
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { makeDestroyContext, makePlanContext, makeStepContext } from '../../src/engine/context.js';
import type { EngineEnv } from '../../src/engine/context.js';
import { EventBus } from '../../src/engine/events.js';
import type { DestroyOptions, HttpProbe, Timing } from '../../src/engine/step.js';
import { StateStore } from '../../src/state/index.js';
import type { StepId } from '../../src/steps/ids.js';
import { useTempDirs } from '../state/temp-dir.js';
import { FakeAws, FakeCrashError } from './fake-aws/index.js';
import { RecordingReporter } from './recording-reporter.js';

/** A fresh fake AWS installed before each test (an empty account) and restored after it. */
export function useFakeAws(): () => FakeAws {
  let fake: FakeAws | undefined;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake?.restore());
  return () => {
    if (!fake) throw new Error('useFakeAws: the fake is only installed while a test runs');
    return fake;
  };
}

/** Waits and retries in milliseconds, with the real wait bounds. */
export const FAST_TIMING: Timing = {
  minDelaySeconds: 0.001,
  maxDelaySeconds: 0.002,
  maxWaitScale: 1,
  heartbeatSeconds: 3600,
};

/** A new, empty state file path (`demo.state.json` in a fresh temporary directory) per call. */
export function useStatePaths(): () => Promise<string> {
  const tempDir = useTempDirs();
  return async () => path.join(await tempDir(), 'demo.state.json');
}

/** The state file of deployment `demo` in eu-west-1, as the tool opens it. */
export function openTestState(statePath: string): Promise<StateStore> {
  return StateStore.open(statePath, { deployment: 'demo', region: 'eu-west-1', toolVersion: '0.0.0-test' });
}

/**
 * Sections to lay over the base config. Values stay `unknown` on purpose: tests feed invalid
 * sections to see the schema reject them, and configSchema.parse checks everything anyway.
 */
export type ConfigOverrides = Partial<Record<keyof ConfigInput, unknown>>;

const BASE_CONFIG: Readonly<Record<string, unknown>> = {
  name: 'demo',
  region: 'eu-west-1',
  tags: { team: 'platform' },
  network: {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
    privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
  },
  gitlab: { externalUrl: 'https://gitlab.example.com' },
};

/**
 * The demo deployment's config (two zones in eu-west-1) with `overrides` deep-merged in: objects
 * merge key by key, anything else (arrays included) replaces, and an undefined override is ignored.
 */
export function baseConfig(overrides: ConfigOverrides = {}): Config {
  return configSchema.parse(merged(BASE_CONFIG, overrides));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merged(base: Readonly<Record<string, unknown>>, overrides: Readonly<Record<string, unknown>>) {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? merged(current, value) : value;
  }
  return result;
}

export interface StepRunOptions {
  step: StepId;
  aws: AwsClients;
  config: Config;
  statePath: string;
  timing?: Timing;
  /** Environment variables the step may read; left out of the engine env when not given. */
  env?: Record<string, string>;
  httpProbe?: HttpProbe;
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
export async function stepRun(options: StepRunOptions) {
  const { step, aws } = options;
  const store = await openTestState(options.statePath);
  const bus = new EventBus();
  const reporter = new RecordingReporter(bus);
  const env: EngineEnv = {
    config: options.config,
    state: store,
    bus,
    signal: new AbortController().signal,
    timing: options.timing ?? FAST_TIMING,
    ...(options.env ? { env: options.env } : {}),
    ...(options.httpProbe ? { httpProbe: options.httpProbe } : {}),
  };
  return {
    store,
    reporter,
    step: makeStepContext(env, aws, step),
    plan: makePlanContext(env, aws, step),
    offlinePlan: makePlanContext(env, null, step),
    destroy: (destroyOptions: Partial<DestroyOptions> = {}) =>
      makeDestroyContext(env, aws, step, { force: false, skipFinalSnapshots: false, ...destroyOptions }),
  };
}

/** The commands of every mutating call, in call order. */
export function mutatingCommands(fake: FakeAws): string[] {
  return fake.mutatingCalls().map((c) => c.command);
}

/** The inputs of every call of one command, in call order (SDK retries included). */
export function inputsOf(fake: FakeAws, command: string): Record<string, unknown>[] {
  return fake
    .calls()
    .filter((c) => c.command === command)
    .map((c) => c.input);
}

/** The inputs of every call of one command, in call order, without the SDK's retries. */
export function firstAttemptInputsOf(fake: FakeAws, command: string): Record<string, unknown>[] {
  return fake
    .calls()
    .filter((c) => c.command === command && c.attempt === 1)
    .map((c) => c.input);
}

/**
 * The outcome failed because of the simulated crash, whether an AWS helper passed it through or
 * wrapped it (the SDK's retry middleware gives every error `$metadata`, so it may look like an AWS error).
 */
export async function expectCrash(outcome: Promise<unknown>): Promise<void> {
  let error: unknown = await outcome.then(
    () => undefined,
    (e: unknown) => e,
  );
  while (error instanceof Error && !(error instanceof FakeCrashError) && error.cause !== undefined)
    error = error.cause;
  expect(error).toBeInstanceOf(FakeCrashError);
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
