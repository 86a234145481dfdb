import type { MetadataBearer } from '@smithy/types';
import type { AwsStub } from 'aws-sdk-client-mock';
import { serviceException, type ServiceExceptionClass } from './errors.js';
import { interceptClient } from './interceptor.js';
import {
  COMMON_FAULT_CODES,
  type CommandHandlers,
  type FakeService,
  type FaultCodes,
  type ServiceName,
  type TaggedResource,
} from './service.js';

export interface ServiceDefinition<TInput extends object, TOutput extends MetadataBearer, TConfig> {
  name: ServiceName;
  /** `() => mockClient(EC2Client)`: called by `FakeAws.install()`. */
  mockClient: () => AwsStub<TInput, TOutput, TConfig>;
  exceptionClass: ServiceExceptionClass;
  handlers: CommandHandlers;
  faultCodes?: FaultCodes;
  listTagged?: () => TaggedResource[];
  precheck?: (command: string, input: object) => void;
}

/** Assembles a FakeService from a service module's parts. */
export function defineService<TInput extends object, TOutput extends MetadataBearer, TConfig>(
  definition: ServiceDefinition<TInput, TOutput, TConfig>,
): FakeService {
  return {
    name: definition.name,
    handlers: definition.handlers,
    faultCodes: definition.faultCodes ?? COMMON_FAULT_CODES,
    install: (dispatch) => interceptClient(definition.name, definition.mockClient(), dispatch),
    error: (spec) => serviceException(definition.exceptionClass, spec),
    listTagged: definition.listTagged ?? (() => []),
    ...(definition.precheck ? { precheck: definition.precheck } : {}),
  };
}
