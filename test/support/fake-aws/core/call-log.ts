import type { ServiceName } from './service.js';

/** One attempt that reached the fake (each SDK retry is its own entry, with `attempt` > 1). */
export interface FakeCall {
  service: ServiceName;
  /** Without the `Command` suffix, e.g. `CreateVpc`. */
  command: string;
  /** A copy of the input, as sent. */
  input: Record<string, unknown>;
  /** False for Describe*, Get* and List* calls. */
  mutating: boolean;
  /** 1 for the first try, 2 for the SDK's first retry... */
  attempt: number;
  /** The AWS error code (or `FakeCrash`) when the attempt failed. */
  error?: string;
}

export function isMutating(command: string): boolean {
  return !/^(Describe|Get|List)/.test(command);
}

export class CallLog {
  private entries: FakeCall[] = [];

  record(call: Omit<FakeCall, 'mutating'>): FakeCall {
    const entry: FakeCall = { ...call, mutating: isMutating(call.command) };
    this.entries.push(entry);
    return entry;
  }

  all(): FakeCall[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
