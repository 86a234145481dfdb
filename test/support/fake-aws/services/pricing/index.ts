import {
  PricingClient,
  PricingServiceException,
  type GetProductsCommandInput,
  type GetProductsCommandOutput,
} from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import { serviceException } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { FakeService, Result } from '../../core/service.js';
import {
  defaultProducts,
  FAKE_PUBLICATION_DATE,
  priceListEntry,
  type FakePricingProduct,
} from './products.js';

export { FAKE_PUBLICATION_DATE, type FakePricingProduct } from './products.js';

/** The service codes the fake knows (any other is refused, as AWS does for a misspelt one). */
const SERVICE_CODES = new Set(['AmazonEC2', 'AmazonRDS', 'AmazonElastiCache', 'AWSELB', 'AmazonVPC']);
const MAX_RESULTS = 100;

export class PricingStore {
  /** The Price List; tests add, change or remove products. */
  products: FakePricingProduct[] = defaultProducts();
  publicationDate = FAKE_PUBLICATION_DATE;
}

function pricingError(name: string, message: string): Error {
  return serviceException(PricingServiceException as never, { name, message });
}

/** Whether `product` matches every filter: TERM_MATCH on an attribute (or on ServiceCode). */
function matches(product: FakePricingProduct, filters: GetProductsCommandInput['Filters']): boolean {
  return (filters ?? []).every((filter) => {
    if (filter.Type !== 'TERM_MATCH') {
      throw pricingError(
        'InvalidParameterException',
        `fake-aws models only TERM_MATCH filters, got ${filter.Type}`,
      );
    }
    const field = filter.Field ?? '';
    const value = field === 'ServiceCode' ? product.serviceCode : product.attributes[field];
    return value !== undefined && value === filter.Value;
  });
}

/** The fake AWS Price List API (pricing:GetProducts): on-demand prices for a few products. */
export function createPricingService(): { service: FakeService; store: PricingStore } {
  const store = new PricingStore();
  const service = defineService({
    name: 'pricing',
    mockClient: () => mockClient(PricingClient),
    exceptionClass: PricingServiceException,
    faultCodes: {
      throttle: { name: 'ThrottlingException', message: 'Rate exceeded' },
      internal: { name: 'InternalErrorException', message: 'An internal error has occurred' },
      unavailable: { name: 'ServiceUnavailableException', message: 'Service is unavailable' },
    },
    handlers: {
      GetProducts(input: GetProductsCommandInput): Result<GetProductsCommandOutput> {
        const serviceCode = input.ServiceCode ?? '';
        if (!SERVICE_CODES.has(serviceCode)) {
          throw pricingError(
            'InvalidParameterException',
            `Input validation error: invalid ServiceCode ${serviceCode}`,
          );
        }
        if (input.FormatVersion !== undefined && input.FormatVersion !== 'aws_v1') {
          throw pricingError('InvalidParameterException', `Invalid FormatVersion ${input.FormatVersion}`);
        }
        if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > MAX_RESULTS)) {
          throw pricingError('InvalidParameterException', `MaxResults must be between 1 and ${MAX_RESULTS}`);
        }
        const found = store.products
          .map((product, index) => ({ product, index }))
          .filter(({ product }) => product.serviceCode === serviceCode && matches(product, input.Filters));
        const { page, nextToken } = paginate(found, input.MaxResults, input.NextToken, (token) =>
          pricingError('InvalidNextTokenException', `The pagination token ${token} is invalid`),
        );
        return {
          FormatVersion: 'aws_v1',
          PriceList: page.map(({ product, index }) => priceListEntry(product, index, store.publicationDate)),
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        };
      },
    },
  });
  return { service, store };
}
