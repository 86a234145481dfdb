import type { FakeService } from '../core/service.js';

/**
 * Services whose calls the fake does not model yet. They are stubbed anyway so that no test can
 * reach a real endpoint by accident: every call fails with FakeAwsNotImplemented. Replace an entry
 * with its own module (like ec2/) when a step needs the service. Every service the tool uses is
 * modelled now: the list is empty.
 */
export function createNotYetModelledServices(): FakeService[] {
  return [];
}
