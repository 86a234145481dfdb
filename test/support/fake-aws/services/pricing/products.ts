/**
 * The fake Price List's products, and how GetProducts serializes one: a JSON document per product
 * (product attributes, OnDemand and Reserved terms), sent as a string, as the real API does.
 */

export interface FakePricingProduct {
  serviceCode: string;
  productFamily: string;
  /** The attributes GetProducts filters match against (instanceType, location, ...). */
  attributes: Readonly<Record<string, string>>;
  /** On-demand USD per hour, written as the API writes it ("0.3860000000"). */
  onDemandHourlyUsd: string;
}

/** The Price List's publication date the fake answers with. */
export const FAKE_PUBLICATION_DATE = '2026-11-01T00:00:00Z';

const IRELAND = { location: 'EU (Ireland)', regionCode: 'eu-west-1' };
const VIRGINIA = { location: 'US East (N. Virginia)', regionCode: 'us-east-1' };

function ec2(
  where: Record<string, string>,
  instanceType: string,
  usd: string,
  overrides: Record<string, string> = {},
): FakePricingProduct {
  return {
    serviceCode: 'AmazonEC2',
    productFamily: 'Compute Instance',
    attributes: {
      ...where,
      instanceType,
      operatingSystem: 'Linux',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
      licenseModel: 'No License required',
      operation: 'RunInstances',
      marketoption: 'OnDemand',
      ...overrides,
    },
    onDemandHourlyUsd: usd,
  };
}

function rds(
  where: Record<string, string>,
  instanceClass: string,
  databaseEngine: string,
  deploymentOption: string,
  usd: string,
): FakePricingProduct {
  return {
    serviceCode: 'AmazonRDS',
    productFamily: 'Database Instance',
    attributes: { ...where, instanceType: instanceClass, databaseEngine, deploymentOption },
    onDemandHourlyUsd: usd,
  };
}

function elastiCache(
  where: Record<string, string>,
  nodeType: string,
  cacheEngine: string,
  usd: string,
): FakePricingProduct {
  return {
    serviceCode: 'AmazonElastiCache',
    productFamily: 'Cache Instance',
    attributes: { ...where, instanceType: nodeType, cacheEngine },
    onDemandHourlyUsd: usd,
  };
}

/**
 * A few real-looking products, with look-alikes beside them that only the right filters exclude
 * (Windows, dedicated tenancy, unused capacity reservations, MySQL, Multi-AZ DB clusters, Memcached).
 * Prices differ a little from the bundled table, so tests can tell where a price came from.
 */
export function defaultProducts(): FakePricingProduct[] {
  return [
    ec2(IRELAND, 'c5.2xlarge', '0.3860000000'),
    ec2(IRELAND, 'c5.2xlarge', '0.3860000000', { capacitystatus: 'UnusedCapacityReservation' }),
    ec2(IRELAND, 'c5.2xlarge', '0.7540000000', {
      operatingSystem: 'Windows',
      operation: 'RunInstances:0002',
    }),
    ec2(IRELAND, 'c5.2xlarge', '0.4240000000', { tenancy: 'Dedicated' }),
    ec2(IRELAND, 'm6i.large', '0.1070000000'),
    ec2(VIRGINIA, 'c5.2xlarge', '0.3400000000'),
    rds(IRELAND, 'db.m6i.large', 'PostgreSQL', 'Single-AZ', '0.1980000000'),
    rds(IRELAND, 'db.m6i.large', 'PostgreSQL', 'Multi-AZ', '0.4000000000'),
    rds(IRELAND, 'db.m6i.large', 'PostgreSQL', 'Multi-AZ (readable standbys)', '0.6100000000'),
    rds(IRELAND, 'db.m6i.large', 'MySQL', 'Multi-AZ', '0.3800000000'),
    elastiCache(IRELAND, 'cache.m6g.large', 'Redis', '0.1660000000'),
    elastiCache(IRELAND, 'cache.m6g.large', 'Memcached', '0.1640000000'),
  ];
}

/** A made-up but stable SKU for the product at `index`. */
function skuOf(index: number): string {
  return `FAKESKU${String(index).padStart(9, '0')}`;
}

/** The PriceList entry for one product: a JSON string, as GetProducts returns it. */
export function priceListEntry(product: FakePricingProduct, index: number, publicationDate: string): string {
  const sku = skuOf(index);
  const onDemandCode = 'JRTCKXETXF';
  const reservedCode = '4NA7Y494T4';
  const hourly = Number(product.onDemandHourlyUsd);
  return JSON.stringify({
    product: {
      productFamily: product.productFamily,
      attributes: { ...product.attributes, servicecode: product.serviceCode },
      sku,
    },
    serviceCode: product.serviceCode,
    terms: {
      OnDemand: {
        [`${sku}.${onDemandCode}`]: {
          priceDimensions: {
            [`${sku}.${onDemandCode}.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${hourly} per On Demand ${product.attributes.instanceType ?? ''} hour`,
              appliesTo: [],
              rateCode: `${sku}.${onDemandCode}.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: product.onDemandHourlyUsd },
            },
          },
          sku,
          effectiveDate: publicationDate,
          offerTermCode: onDemandCode,
          termAttributes: {},
        },
      },
      // A 1-year reservation is cheaper per hour: a parser that does not stick to OnDemand would show it.
      Reserved: {
        [`${sku}.${reservedCode}`]: {
          priceDimensions: {
            [`${sku}.${reservedCode}.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: 'Upfront Fee',
              appliesTo: [],
              rateCode: `${sku}.${reservedCode}.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: (hourly * 0.6).toFixed(10) },
            },
          },
          sku,
          effectiveDate: publicationDate,
          offerTermCode: reservedCode,
          termAttributes: {
            LeaseContractLength: '1yr',
            OfferingClass: 'standard',
            PurchaseOption: 'No Upfront',
          },
        },
      },
    },
    version: publicationDate.replace(/\D/g, '').slice(0, 14),
    publicationDate,
  });
}
