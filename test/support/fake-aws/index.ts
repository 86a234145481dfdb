/**
 * A stateful in-memory fake of the AWS APIs gitlab-ha calls, for tests. See fake-aws.ts for usage;
 * core/ holds what every service shares, services/ one module per AWS service.
 */
export { FakeAws, type FakeAwsOptions } from './fake-aws.js';
export type { FakeCall } from './core/call-log.js';
export { FakeCrashError, FakeNotImplementedError, type AwsErrorSpec } from './core/errors.js';
export type {
  CommandMatch,
  CrashAfterOptions,
  FailNextOptions,
  FailRandomlyOptions,
  FaultKind,
  FaultScope,
  Faults,
} from './core/faults.js';
export { DEFAULT_LATENCY, type FakeLatency } from './core/latency.js';
export type { ServiceName, TaggedResource } from './core/service.js';
export type { TagMap } from './core/tags.js';
export type { AddNetworkInterfaceOptions, Ec2Store } from './services/ec2/index.js';
export type * from './services/ec2/records.js';
export {
  FAKE_UBUNTU_AMI,
  UBUNTU_PARAMETER,
  type ParameterRecord,
  type SsmStore,
} from './services/ssm/index.js';
