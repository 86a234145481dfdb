/**
 * Bounded waits (design rule 4). SDK waiters are used where the SDK has one; `pollUntil` covers the
 * rest. Every wait has a maximum, reports a heartbeat while it runs, stops on SIGINT, and on timeout
 * says what it waited for and how to resume.
 */
import type { WaiterConfiguration } from '@smithy/types';
import { InterruptedError, ProvisioningError, WaitTimeoutError } from '../engine/errors.js';
import type { StepContext } from '../engine/step.js';
import { translateAwsError } from './errors.js';

export interface WaitSpec {
  /** What is awaited, for messages: "NAT gateway nat-0abc to become available". */
  what: string;
  resourceId?: string;
  /** Upper bound in seconds before scaling by ctx.timing.maxWaitScale. */
  maxWaitSeconds: number;
}

type WaitContext = Pick<StepContext, 'events' | 'signal' | 'timing'>;

const RESUME_HINT = 'Run the same gitlab-ha command again to resume waiting; nothing will be created twice.';

function withHeartbeat<T>(
  ctx: WaitContext,
  spec: WaitSpec,
  run: (maxWaitTime: number) => Promise<T>,
): Promise<T> {
  const maxWaitTime = Math.max(spec.maxWaitSeconds * ctx.timing.maxWaitScale, ctx.timing.minDelaySeconds * 2);
  const started = Date.now();
  ctx.events.info('wait.start', `waiting for ${spec.what}`, {
    what: spec.what,
    maxSeconds: Math.round(maxWaitTime),
    ...(spec.resourceId ? { id: spec.resourceId } : {}),
  });
  const heartbeat = setInterval(() => {
    ctx.events.info('wait.heartbeat', `still waiting for ${spec.what}`, {
      what: spec.what,
      elapsedMs: Date.now() - started,
    });
  }, ctx.timing.heartbeatSeconds * 1000);
  heartbeat.unref();
  return run(maxWaitTime).finally(() => clearInterval(heartbeat));
}

/** Runs an SDK waiter (e.g. waitUntilNatGatewayAvailable) with the context's pacing and bounds. */
export async function waitWithSdk<Client>(
  ctx: WaitContext,
  client: Client,
  spec: WaitSpec,
  waiter: (config: WaiterConfiguration<Client>) => Promise<unknown>,
): Promise<void> {
  const started = Date.now();
  await withHeartbeat(ctx, spec, async (maxWaitTime) => {
    try {
      await waiter({
        client,
        minDelay: ctx.timing.minDelaySeconds,
        maxDelay: ctx.timing.maxDelaySeconds,
        maxWaitTime,
        abortSignal: ctx.signal,
      });
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError') {
        throw new WaitTimeoutError(spec.what, Math.round(maxWaitTime), {
          ...(spec.resourceId ? { resourceId: spec.resourceId } : {}),
          hint: RESUME_HINT,
        });
      }
      if (name === 'AbortError' || ctx.signal.aborted)
        throw new InterruptedError(`Stopped waiting for ${spec.what}`);
      const translated = translateAwsError(`waiting for ${spec.what}`, error, spec.resourceId);
      if (translated !== error) throw translated;
      // The waiter reached a failure state (e.g. a NAT gateway that went to "failed").
      throw new ProvisioningError(`${spec.what} reached a failure state: ${waiterFailure(error)}`, {
        code: 'WAIT_FAILED',
        ...(spec.resourceId ? { resourceId: spec.resourceId } : {}),
      });
    }
  });
  ctx.events.debug('wait.done', `${spec.what}: done`, { what: spec.what, elapsedMs: Date.now() - started });
}

/**
 * The SDK waiter's failure error carries its whole result as JSON; what a person needs is the
 * response that ended the wait (e.g. the NAT gateway's FailureMessage), not the dump.
 */
function waiterFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const result = JSON.parse(message) as { observedResponses?: Record<string, number>; reason?: unknown };
    const reason = JSON.stringify(result.reason ?? {});
    const failure = /"(?:FailureMessage|StatusReason|Message|message)":"([^"]+)"/.exec(reason)?.[1];
    if (failure) return failure;
    const observed = Object.keys(result.observedResponses ?? {});
    return observed.length > 0 ? observed.join('; ') : message.slice(0, 300);
  } catch {
    return message.slice(0, 300);
  }
}

export type PollOutcome<T> = { done: true; value: T } | { done: false; state?: string } | { failed: string };

/**
 * Polls `check` with exponential back-off between the context's min and max delay until it reports
 * done, a failure, or the bound runs out.
 */
export async function pollUntil<T>(
  ctx: WaitContext,
  spec: WaitSpec,
  check: () => Promise<PollOutcome<T>>,
): Promise<T> {
  const started = Date.now();
  const result = await withHeartbeat(ctx, spec, async (maxWaitTime) => {
    const deadline = Date.now() + maxWaitTime * 1000;
    let delay = ctx.timing.minDelaySeconds;
    let lastState: string | undefined;
    for (;;) {
      if (ctx.signal.aborted) throw new InterruptedError(`Stopped waiting for ${spec.what}`);
      const outcome = await check();
      if ('failed' in outcome) {
        throw new ProvisioningError(`${spec.what} failed: ${outcome.failed}`, {
          code: 'WAIT_FAILED',
          ...(spec.resourceId ? { resourceId: spec.resourceId } : {}),
        });
      }
      if (outcome.done) return outcome.value;
      lastState = outcome.state ?? lastState;
      if (Date.now() + delay * 1000 > deadline) {
        throw new WaitTimeoutError(
          spec.what + (lastState ? ` (last state: ${lastState})` : ''),
          Math.round(maxWaitTime),
          {
            ...(spec.resourceId ? { resourceId: spec.resourceId } : {}),
            hint: RESUME_HINT,
          },
        );
      }
      await sleep(delay * 1000, ctx.signal);
      delay = Math.min(delay * 2, ctx.timing.maxDelaySeconds);
    }
  });
  ctx.events.debug('wait.done', `${spec.what}: done`, { what: spec.what, elapsedMs: Date.now() - started });
  return result;
}

/** Sleeps, waking early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Retries `action` while it fails with one of `codes` (e.g. DependencyViolation while a NAT gateway's
 * interface is still being released), within a bound. Used by destroy, where AWS's own ordering
 * lags behind the state it reports.
 */
export async function retryWhile<T>(
  ctx: WaitContext,
  spec: WaitSpec,
  isRetryable: (error: unknown) => boolean,
  action: () => Promise<T>,
): Promise<T> {
  // The first try is not a wait: only a refusal starts one (and its wait.start event).
  try {
    return await action();
  } catch (error) {
    if (!isRetryable(error)) throw error;
  }
  return pollUntil<T>(ctx, spec, async () => {
    try {
      return { done: true, value: await action() };
    } catch (error) {
      if (!isRetryable(error)) throw error;
      return { done: false, state: (error as Error).message };
    }
  });
}
