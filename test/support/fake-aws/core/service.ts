import type { AwsClients } from '../../../../src/aws/clients.js';
import type { AwsErrorSpec } from './errors.js';
import type { TagMap } from './tags.js';

/** The services the tool talks to, named as in `AwsClients` (ec2, sts, rds, tagging...). */
export type ServiceName = Exclude<keyof AwsClients, 'region' | 'destroy'>;

/** A command's output as a handler returns it; the fake adds `$metadata`. */
export type Result<T> = Omit<T, '$metadata'>;

/**
 * A command handler: takes the command's input, changes the fake's state, returns the output or
 * throws an AWS-shaped error. Handlers are synchronous, so every call is atomic.
 * (`never` lets handlers declare their exact SDK input type and still sit in one table.)
 */
export type CommandHandler = (input: never) => object;

/** Command name without the `Command` suffix (e.g. `CreateVpc`) -> handler. */
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

/** A live resource carrying tags, as the Resource Groups Tagging API lists it. */
export interface TaggedResource {
  arn: string;
  tags: TagMap;
}

/** The error codes this service's protocol uses for throttling and server faults. */
export interface FaultCodes {
  throttle: Omit<AwsErrorSpec, 'httpStatusCode'>;
  internal: Omit<AwsErrorSpec, 'httpStatusCode'>;
  unavailable: Omit<AwsErrorSpec, 'httpStatusCode'>;
}

/** Most AWS protocols (query, JSON) use these codes; EC2 has its own. */
export const COMMON_FAULT_CODES: FaultCodes = {
  throttle: { name: 'Throttling', message: 'Rate exceeded' },
  internal: { name: 'InternalFailure', message: 'An internal error has occurred' },
  unavailable: { name: 'ServiceUnavailable', message: 'Service is unavailable' },
};

/** One call as it reaches the fake: routed by the interceptor to `FakeAws`. */
export interface DispatchRequest {
  service: ServiceName;
  /** Without the `Command` suffix, e.g. `CreateVpc`. */
  command: string;
  input: object;
  /** 1 for the first try, 2 for the SDK's first retry... */
  attempt: number;
}
export type Dispatch = (request: DispatchRequest) => Promise<object>;

/** The aws-sdk-client-mock stub of one client class, rewired to the fake. */
export interface InstalledStub {
  /** The `AwsStub` (typed per service by `FakeAws.mock`). */
  readonly stub: unknown;
  restore(): void;
  resetHistory(): void;
}

/** One faked AWS service: its commands, its errors, and the tagged resources it holds. */
export interface FakeService {
  readonly name: ServiceName;
  readonly handlers: CommandHandlers;
  readonly faultCodes: FaultCodes;
  /** Stubs the service's client class (aws-sdk-client-mock) and routes its calls to `dispatch`. */
  install(dispatch: Dispatch): InstalledStub;
  /** An exception of the service's SDK exception class. */
  error(spec: AwsErrorSpec): Error;
  /** Live resources with at least one tag (feeds the Resource Groups Tagging API). */
  listTagged(): TaggedResource[];
  /** Runs before faults and handlers (EC2 answers DryRun here). */
  precheck?(command: string, input: object): void;
}
