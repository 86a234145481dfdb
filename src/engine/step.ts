/**
 * The step contract (design.md section 3). Each file in src/steps implements one Step.
 * Steps never print or prompt: they emit events through ctx.events and make AWS requests through ctx.aws.
 */
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import type { JsonValue, RecordedResource } from '../state/schema.js';
import type { StepId } from '../steps/ids.js';
import type { StepEmitter } from './events.js';

export type PlanAction = 'create' | 'adopt' | 'update' | 'noop' | 'delete' | 'keep';

export interface PlannedResource {
  /** Role inside the step, e.g. `vpc`, `subnet/public/eu-west-1a`. */
  role: string;
  /** Kind of resource, e.g. `ec2:vpc`. */
  type: string;
  action: PlanAction;
  /** Live id when the resource exists. */
  id?: string;
  /** Why this action (e.g. "recorded in state and present", "found by tags"). */
  reason?: string;
  /** Key parameters worth showing (CIDR, AZ, instance class...). */
  details?: Record<string, string | number | boolean>;
}

export interface StepPlan {
  step: StepId;
  /** Summary action: `noop` only when every resource is a noop. */
  action: PlanAction;
  resources: PlannedResource[];
  /** Offline plans cannot see AWS; every resource is a create. */
  live: boolean;
}

export type StepOutputs = Record<string, JsonValue>;

export interface StepResult {
  outputs: StepOutputs;
}

export type Health = 'healthy' | 'degraded' | 'missing' | 'not-deployed' | 'unknown';

export interface ResourceStatus {
  role: string;
  type: string;
  id?: string;
  /** Live state as AWS reports it (available, pending, ...), or `missing`. */
  state: string;
  healthy: boolean;
  /** What differs from the recorded or desired state, when anything does. */
  drift?: string;
}

export interface StepStatus {
  step: StepId;
  health: Health;
  resources: ResourceStatus[];
  /** Endpoints and ids worth showing (VPC id, DB endpoint, URL...). */
  outputs: StepOutputs;
  drift: string[];
}

/** Waiter pacing: tests shrink the delays; production keeps them near the design's 10-15 s. */
export interface Timing {
  minDelaySeconds: number;
  maxDelaySeconds: number;
  /** Multiplies every per-resource maximum wait (1 in production). */
  maxWaitScale: number;
  /** How often a long wait reports that it is still waiting. */
  heartbeatSeconds: number;
}

export const PRODUCTION_TIMING: Timing = {
  minDelaySeconds: 5,
  maxDelaySeconds: 15,
  maxWaitScale: 1,
  heartbeatSeconds: 30,
};

export interface ResourceRecord {
  type: string;
  id: string;
  origin: RecordedResource['origin'];
  attributes?: Record<string, JsonValue>;
}

/** The result of an HTTP GET: the status code, or why there was none. */
export type ProbeResult = { status: number } | { error: string };

/**
 * Fetches a URL (GitLab's readiness endpoint). Injected: the CLI passes a real one with a short
 * timeout; tests pass a fake, so no test sends traffic beyond loopback.
 */
export type HttpProbe = (url: string) => Promise<ProbeResult>;

/** What a step sees while it runs. */
export interface StepContext {
  readonly step: StepId;
  readonly config: Config;
  readonly aws: AwsClients;
  readonly events: StepEmitter;
  /** Aborted on SIGINT: waits stop, no new resources are started. */
  readonly signal: AbortSignal;
  readonly timing: Timing;
  /** The environment the tool runs in (e.g. GITLAB_HA_DB_PASSWORD); injected so tests control it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** HTTP GET for readiness checks of the deployed GitLab. */
  readonly httpProbe: HttpProbe;
  /** Resources this step recorded in state, by role. */
  recorded(role: string): RecordedResource | undefined;
  recordedAll(): Readonly<Record<string, RecordedResource>>;
  /** Record a resource in state and save the state file before returning (design rule 3). */
  record(role: string, resource: ResourceRecord): Promise<void>;
  /** Drop a resource from state after it has been deleted. */
  forget(role: string): Promise<void>;
  /** Outputs of a step this one depends on. Throws when that step has not completed. */
  outputsOf(step: StepId): StepOutputs;
  /** The tags every resource of this deployment carries, plus the role tag. */
  tags(role: string): { Key: string; Value: string }[];
}

export interface PlanContext {
  readonly step: StepId;
  readonly config: Config;
  /** Null for an offline plan: nothing may be contacted. */
  readonly aws: AwsClients | null;
  recorded(role: string): RecordedResource | undefined;
  recordedAll(): Readonly<Record<string, RecordedResource>>;
  /** Outputs of a dependency when it has completed, undefined otherwise. */
  outputsOfIfDone(step: StepId): StepOutputs | undefined;
}

export interface DestroyOptions {
  /** Also delete resources this tool adopted but did not create. */
  force: boolean;
  /** Skip final RDS / volume / ElastiCache snapshots. */
  skipFinalSnapshots: boolean;
}

export interface DestroyContext extends StepContext {
  readonly options: DestroyOptions;
}

export interface Step {
  readonly id: StepId;
  readonly title: string;
  readonly dependsOn: readonly StepId[];
  plan(ctx: PlanContext): Promise<StepPlan>;
  ensure(ctx: StepContext): Promise<StepResult>;
  inspect(ctx: StepContext): Promise<StepStatus>;
  destroy(ctx: DestroyContext): Promise<void>;
}
