import type { AwsErrorSpec } from './errors.js';
import { seededRandom, type Random } from './random.js';
import type { FaultCodes, ServiceName } from './service.js';

/** `throttle`: the service's throttling code (HTTP 400); `5xx`: an internal error (500) or unavailable (503). */
export type FaultKind = 'throttle' | '5xx';

/** A command name without the `Command` suffix (`CreateVpc`), or a pattern over such names. */
export type CommandMatch = string | RegExp;

/** Which calls a fault applies to; omitted fields match everything. */
export interface FaultScope {
  service?: ServiceName;
  command?: CommandMatch;
}

export interface FailRandomlyOptions extends FaultScope {
  /** Share of attempts that fail, in [0, 1]. */
  fraction: number;
  kinds?: FaultKind[];
  /** Seed of the PRNG deciding which attempts fail (same seed, same calls: same faults). */
  seed?: number;
}

export interface CrashAfterOptions extends FaultScope {
  command: CommandMatch;
  /** Crash after the n-th successful matching call from now (default 1). */
  nth?: number;
  /** Runs after the call took effect, before FakeCrashError is thrown (e.g. to snapshot state). */
  onCrash?: () => void;
}

export interface FailNextOptions extends FaultScope {
  command: CommandMatch;
  /** The AWS error to answer with (HTTP status 400 unless given). */
  error: AwsErrorSpec;
  /** How many matching attempts fail (default 1). */
  times?: number;
}

interface CallIdentity {
  service: ServiceName;
  command: string;
}

/**
 * Injected failures. A call failed by `failRandomly` or `failNext` never reaches the fake's state
 * (no effect, like a throttled request); `crashAfter` lets the call take effect, then loses the answer.
 */
export class Faults {
  private random: { options: FailRandomlyOptions; next: Random } | undefined;
  private crashes: { options: CrashAfterOptions; remaining: number }[] = [];
  private failures: { options: FailNextOptions; remaining: number }[] = [];

  failRandomly(options: FailRandomlyOptions): void {
    if (!(options.fraction >= 0 && options.fraction <= 1)) {
      throw new RangeError(`faults.failRandomly: fraction must be in [0, 1], got ${options.fraction}`);
    }
    this.random = { options, next: seededRandom(options.seed ?? 1) };
  }

  crashAfter(options: CrashAfterOptions): void {
    this.crashes.push({ options, remaining: options.nth ?? 1 });
  }

  failNext(options: FailNextOptions): void {
    this.failures.push({ options, remaining: options.times ?? 1 });
  }

  clear(): void {
    this.random = undefined;
    this.crashes = [];
    this.failures = [];
  }

  /** The error this attempt fails with before touching any state, if any. */
  errorBefore(call: CallIdentity, codes: FaultCodes): AwsErrorSpec | undefined {
    const failure = this.failures.find((f) => f.remaining > 0 && matches(f.options, call));
    if (failure) {
      failure.remaining -= 1;
      return failure.options.error;
    }
    const random = this.random;
    if (!random || !matches(random.options, call)) return undefined;
    if (random.next() >= random.options.fraction) return undefined;
    const kinds = random.options.kinds?.length ? random.options.kinds : (['throttle', '5xx'] as const);
    const kind = kinds[Math.floor(random.next() * kinds.length)];
    if (kind === 'throttle') return { ...codes.throttle, httpStatusCode: 400 };
    return random.next() < 0.5
      ? { ...codes.internal, httpStatusCode: 500 }
      : { ...codes.unavailable, httpStatusCode: 503 };
  }

  /** After a successful call: the crash plan that fires now, if any (each fires once). */
  crashAfterSuccess(call: CallIdentity): CrashAfterOptions | undefined {
    let fired: CrashAfterOptions | undefined;
    for (const crash of this.crashes) {
      if (crash.remaining === 0 || !matches(crash.options, call)) continue;
      crash.remaining -= 1;
      if (crash.remaining === 0) fired ??= crash.options;
    }
    return fired;
  }
}

function matches(scope: FaultScope, call: CallIdentity): boolean {
  if (scope.service !== undefined && scope.service !== call.service) return false;
  if (scope.command === undefined) return true;
  return typeof scope.command === 'string'
    ? scope.command === call.command
    : scope.command.test(call.command);
}
