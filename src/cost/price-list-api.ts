/**
 * A PriceSource backed by the AWS Price List API (pricing:GetProducts). Every lookup the estimate
 * needs from it (the EC2 instance types, the RDS instance class, the ElastiCache node type) is made
 * up front, so estimateMonthlyCost stays pure; each item the API does not answer, and every other
 * price (storage, IOPS, NAT gateway, public IPv4, load balancer), comes from the bundled table.
 */
import { GetProductsCommand, type Filter } from '@aws-sdk/client-pricing';
import { z } from 'zod';
import type { AwsClients } from '../aws/clients.js';
import { awsCall } from '../aws/errors.js';
import type { Config } from '../config/schema.js';
import { regionFilter } from './price-list-locations.js';
import { bundledPriceSource, type Price, type PriceSource, type RdsDeployment } from './price-source.js';

/** One item asked of the Price List API, and what it answered. */
export interface PriceLookup {
  /** "EC2 c5.2xlarge", "RDS db.m6i.large (Multi-AZ)", "ElastiCache cache.m6g.large". */
  item: string;
  /** USD per hour when the API gave exactly one on-demand price; absent otherwise. */
  hourlyUsd?: number;
  /** Why the bundled table is used instead, when the API did not answer. */
  fallbackReason?: string;
}

export interface PriceListSource extends PriceSource {
  readonly lookups: readonly PriceLookup[];
}

export interface PriceListOptions {
  /** Prices for anything the API does not answer (default: the bundled table). */
  fallback?: PriceSource;
  /** The date used when the API's answers carry no publication date (default: now). */
  now?: () => Date;
}

export const PRICE_LIST_API = 'Price List API';

/** Products per page: the API's maximum. */
const PAGE_SIZE = 100;
/** A precise query matches one product; more pages than this means the filters are not precise. */
const MAX_PAGES = 5;

interface ProductQuery {
  key: string;
  item: string;
  serviceCode: 'AmazonEC2' | 'AmazonRDS' | 'AmazonElastiCache';
  attributes: Readonly<Record<string, string>>;
  /** Drops products the filters cannot exclude (e.g. EC2 capacity-block or dedicated-host variants). */
  accept?: (attributes: Readonly<Record<string, string>>) => boolean;
}

const ec2Key = (instanceType: string) => `ec2:${instanceType}`;
const rdsKey = (instanceClass: string, deployment: RdsDeployment) => `rds:${instanceClass}:${deployment}`;
const elastiCacheKey = (nodeType: string) => `elasticache:${nodeType}`;

/** The products the estimate of `config` prices by the hour. */
function queriesFor(config: Config): ProductQuery[] {
  const ec2Types = [...new Set([config.gitlab.instanceType, config.storage.instanceType])];
  const deployment: RdsDeployment = config.database.multiAz ? 'Multi-AZ' : 'Single-AZ';
  const { instanceClass } = config.database;
  const { nodeType } = config.redis;
  return [
    ...ec2Types.map((instanceType): ProductQuery => ({
      key: ec2Key(instanceType),
      item: `EC2 ${instanceType}`,
      serviceCode: 'AmazonEC2',
      attributes: {
        instanceType,
        operatingSystem: 'Linux',
        tenancy: 'Shared',
        preInstalledSw: 'NA',
        // "Used": the price of a running instance (not of an unused capacity reservation).
        capacitystatus: 'Used',
      },
      // Plain RunInstances is Linux without licensed add-ons; on-demand, not capacity blocks.
      accept: (a) =>
        (a.operation === undefined || a.operation === 'RunInstances') &&
        (a.marketoption === undefined || a.marketoption === 'OnDemand'),
    })),
    {
      key: rdsKey(instanceClass, deployment),
      item: `RDS ${instanceClass} (${deployment})`,
      serviceCode: 'AmazonRDS',
      // "Multi-AZ" is the classic primary + standby pair; Multi-AZ DB clusters are "Multi-AZ (readable standbys)".
      attributes: { instanceType: instanceClass, databaseEngine: 'PostgreSQL', deploymentOption: deployment },
    },
    {
      key: elastiCacheKey(nodeType),
      item: `ElastiCache ${nodeType}`,
      serviceCode: 'AmazonElastiCache',
      attributes: { instanceType: nodeType, cacheEngine: 'Redis' },
    },
  ];
}

/** One entry of GetProducts' PriceList, as far as the estimate reads it. */
const priceListProduct = z.object({
  product: z.object({ attributes: z.record(z.string(), z.string()).default({}) }).default({ attributes: {} }),
  terms: z
    .object({
      OnDemand: z
        .record(
          z.string(),
          z.object({
            priceDimensions: z.record(
              z.string(),
              z.object({ unit: z.string().default(''), pricePerUnit: z.record(z.string(), z.string()) }),
            ),
          }),
        )
        .default({}),
    })
    .default({ OnDemand: {} }),
  publicationDate: z.string().optional(),
});
type PriceListProduct = z.infer<typeof priceListProduct>;

/** PriceList entries are JSON documents sent as strings (the SDK may hand them over parsed). */
function parseProduct(entry: unknown): PriceListProduct | undefined {
  let value: unknown = entry;
  if (typeof entry === 'string') {
    try {
      value = JSON.parse(entry);
    } catch {
      return undefined;
    }
  }
  const parsed = priceListProduct.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The on-demand USD prices per hour a product lists (zero-priced dimensions left out). */
function hourlyPrices(product: PriceListProduct): number[] {
  return Object.values(product.terms.OnDemand).flatMap((term) =>
    Object.values(term.priceDimensions)
      .filter((dimension) => dimension.unit.toLowerCase() === 'hrs')
      .map((dimension) => Number(dimension.pricePerUnit.USD))
      .filter((usd) => Number.isFinite(usd) && usd > 0),
  );
}

interface QueryAnswer {
  lookup: PriceLookup;
  key: string;
  publicationDates: string[];
}

async function runQuery(
  pricing: AwsClients['pricing'],
  query: ProductQuery,
  region: string,
): Promise<QueryAnswer> {
  const where = regionFilter(region);
  const attributes = { ...query.attributes, [where.field]: where.value };
  const filters: Filter[] = Object.entries(attributes).map(([field, value]) => ({
    Type: 'TERM_MATCH',
    Field: field,
    Value: value,
  }));
  const products: PriceListProduct[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await awsCall(
      `looking up the on-demand price of ${query.item} in ${region} (pricing:GetProducts)`,
      () =>
        pricing.send(
          new GetProductsCommand({
            ServiceCode: query.serviceCode,
            Filters: filters,
            FormatVersion: 'aws_v1',
            MaxResults: PAGE_SIZE,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
    );
    const entries: unknown[] = Array.isArray(page.PriceList) ? page.PriceList : [];
    for (const entry of entries) {
      const product = parseProduct(entry);
      if (product && (query.accept?.(product.product.attributes) ?? true)) products.push(product);
    }
    nextToken = page.NextToken || undefined;
    pages += 1;
  } while (nextToken !== undefined && pages < MAX_PAGES);

  const prices = [...new Set(products.flatMap(hourlyPrices))];
  const publicationDates = products.flatMap((p) => (p.publicationDate ? [p.publicationDate] : []));
  const answer = (lookup: PriceLookup): QueryAnswer => ({ lookup, key: query.key, publicationDates });
  if (prices.length === 1) return answer({ item: query.item, hourlyUsd: prices[0]! });
  if (prices.length === 0) {
    return answer({
      item: query.item,
      fallbackReason: `the Price List API has no on-demand hourly price for it in ${region}`,
    });
  }
  return answer({
    item: query.item,
    fallbackReason: `the Price List API lists ${prices.length} different on-demand prices for it (${prices
      .sort((a, b) => a - b)
      .join(', ')} USD/hour); not picking one`,
  });
}

/**
 * Asks the Price List API for the hourly prices of `config`'s instances and returns a PriceSource
 * answering from them, and from `fallback` (the bundled table) for everything else.
 */
export async function loadPriceListPrices(
  aws: Pick<AwsClients, 'pricing'>,
  config: Config,
  options: PriceListOptions = {},
): Promise<PriceListSource> {
  const fallback = options.fallback ?? bundledPriceSource();
  const answers = await Promise.all(queriesFor(config).map((q) => runQuery(aws.pricing, q, config.region)));
  const live = new Map<string, number>();
  for (const { key, lookup } of answers) if (lookup.hourlyUsd !== undefined) live.set(key, lookup.hourlyUsd);
  const published = answers.flatMap((a) => a.publicationDates).sort();
  const priceListDate = (published.at(-1) ?? (options.now ?? (() => new Date()))().toISOString()).slice(
    0,
    10,
  );

  const liveOr = (region: string, key: string, otherwise: () => Price | undefined): Price | undefined => {
    const usd = region === config.region ? live.get(key) : undefined;
    return usd === undefined ? otherwise() : { usd, origin: 'price-list-api' };
  };
  return {
    name: `the AWS Price List API or ${fallback.name}`,
    pricesAsOf: PRICE_LIST_API,
    priceListDate,
    lookups: answers.map((a) => a.lookup),
    ec2InstanceHourly: (region, type) =>
      liveOr(region, ec2Key(type), () => fallback.ec2InstanceHourly(region, type)),
    rdsInstanceHourly: (region, instanceClass, deployment) =>
      liveOr(region, rdsKey(instanceClass, deployment), () =>
        fallback.rdsInstanceHourly(region, instanceClass, deployment),
      ),
    elastiCacheNodeHourly: (region, nodeType) =>
      liveOr(region, elastiCacheKey(nodeType), () => fallback.elastiCacheNodeHourly(region, nodeType)),
    rdsStorageGbMonth: (...args) => fallback.rdsStorageGbMonth(...args),
    rdsIopsMonth: (...args) => fallback.rdsIopsMonth(...args),
    natGatewayHourly: (region) => fallback.natGatewayHourly(region),
    publicIpv4Hourly: (region) => fallback.publicIpv4Hourly(region),
    classicElbHourly: (region) => fallback.classicElbHourly(region),
    ebsGbMonth: (...args) => fallback.ebsGbMonth(...args),
    ebsIopsMonth: (...args) => fallback.ebsIopsMonth(...args),
  };
}
