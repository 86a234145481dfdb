/**
 * Installs the fake Price List API (test/support/fake-aws/services/pricing) on its own, routing the
 * real PricingClient's calls to its handlers (the SDK's middleware and retry path stay real). Once
 * FakeAws creates the pricing service itself, `fake.install()` does this for every test.
 */
import type { GetProductsCommandInput } from '@aws-sdk/client-pricing';
import { sdkOutput } from '../support/fake-aws/core/output.js';
import type { CommandHandler } from '../support/fake-aws/core/service.js';
import { FakeNotImplementedError } from '../support/fake-aws/index.js';
import { createPricingService, type PricingStore } from '../support/fake-aws/services/pricing/index.js';

export interface FakePricing {
  store: PricingStore;
  /** Every GetProducts input, in order. */
  calls: GetProductsCommandInput[];
  restore(): void;
}

export function installFakePricing(): FakePricing {
  const { service, store } = createPricingService();
  const calls: GetProductsCommandInput[] = [];
  const installed = service.install(async ({ command, input }) => {
    const handler: CommandHandler | undefined = service.handlers[command];
    if (!handler) throw new FakeNotImplementedError('pricing', command);
    if (command === 'GetProducts') calls.push(structuredClone(input as GetProductsCommandInput));
    // The handler declares GetProducts' input type; the SDK command carried exactly that.
    return sdkOutput((handler as (input: object) => object)(input));
  });
  return { store, calls, restore: () => installed.restore() };
}
