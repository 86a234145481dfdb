import type { IdGenerator } from './ids.js';
import type { FakeLatency } from './latency.js';

/** What every faked service shares: the account and region it lives in, ids and settle times. */
export interface FakeEnvironment {
  readonly account: string;
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly ids: IdGenerator;
  /** Read when a resource starts changing state, so tests may change it between calls. */
  readonly latency: FakeLatency;
}
