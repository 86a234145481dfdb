import type { GetProductsCommand } from '@aws-sdk/client-pricing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import {
  estimateMonthlyCost,
  loadPriceListPrices,
  regionFilter,
  type CostEstimate,
  type CostLine,
} from '../../src/cost/index.js';
import { ProvisioningError } from '../../src/engine/errors.js';
import { installFakePricing, type FakePricing } from './fake-pricing.js';
import { exampleConfig, withChanges } from './samples.js';

const HOURS = 730;

let pricing: FakePricing;
let aws: AwsClients;
beforeEach(() => {
  pricing = installFakePricing();
  aws = createAwsClients({ region: 'eu-west-1', maxAttempts: 2 });
});
afterEach(() => {
  aws.destroy();
  pricing.restore();
});

function line(estimate: CostEstimate, resource: string): CostLine {
  const found = estimate.lines.find((l) => l.resource === resource);
  if (!found) throw new Error(`no line "${resource}"`);
  return found;
}

describe('loadPriceListPrices', () => {
  it("prices the config's instances from the Price List API and the rest from the bundled table", async () => {
    // GIVEN the example config (eu-west-1) and a Price List whose instance prices differ from the table
    const config = await exampleConfig();

    // WHEN the live prices are loaded and the estimate runs on them
    const source = await loadPriceListPrices(aws, config);
    const estimate = estimateMonthlyCost(config, source);

    // THEN each instance was answered by the API with its on-demand price (not the cheaper reserved one)
    expect(source.lookups).toEqual([
      { item: 'EC2 c5.2xlarge', hourlyUsd: 0.386 },
      { item: 'EC2 m6i.large', hourlyUsd: 0.107 },
      { item: 'RDS db.m6i.large (Multi-AZ)', hourlyUsd: 0.4 },
      { item: 'ElastiCache cache.m6g.large', hourlyUsd: 0.166 },
    ]);
    expect(estimate).toMatchObject({ pricesAsOf: 'Price List API', priceListDate: '2026-11-01' });
    const live = estimate.lines.filter((l) => l.priceOrigin === 'price-list-api').map((l) => l.resource);
    expect(live).toEqual(['database instance', 'Redis nodes', 'storage node', 'GitLab nodes']);
    expect(line(estimate, 'database instance').monthly).toBeCloseTo(0.4 * HOURS, 9);
    expect(line(estimate, 'GitLab nodes').monthlyAtMax).toBeCloseTo(4 * 0.386 * HOURS, 9);
    // AND the total mixes the live instance prices with the table's eu-west-1 storage, NAT and ELB prices
    const fromTable =
      2 * 0.048 * HOURS + 2 * 0.005 * HOURS + 100 * 0.138 * 2 + 1000 * 0.11 * 2 + 30 * 0.088 + 100 * 0.088;
    const elb = 0.028 * HOURS;
    expect(estimate.totalAtMin).toBeCloseTo(
      fromTable + elb + 0.4 * HOURS + 2 * 0.166 * HOURS + 0.107 * HOURS + 2 * 0.386 * HOURS + 2 * 50 * 0.088,
      9,
    );
  });

  it('asks with TERM_MATCH filters on the documented attributes, the region by its location name', async () => {
    // GIVEN the example config
    const config = await exampleConfig();

    // WHEN the live prices are loaded
    await loadPriceListPrices(aws, config);

    // THEN one GetProducts per item, each filtered precisely
    const filters = (call: (typeof pricing.calls)[number]) =>
      Object.fromEntries((call.Filters ?? []).map((f) => [f.Field, `${f.Type}:${f.Value}`]));
    // The lookups run concurrently: find each call by what it asked for.
    const callFor = (serviceCode: string, instanceType: string) =>
      filters(
        pricing.calls.find(
          (c) => c.ServiceCode === serviceCode && filters(c).instanceType === `TERM_MATCH:${instanceType}`,
        )!,
      );
    expect(pricing.calls).toHaveLength(4);
    expect(pricing.calls.every((c) => c.FormatVersion === 'aws_v1' && c.MaxResults === 100)).toBe(true);
    expect(callFor('AmazonEC2', 'c5.2xlarge')).toEqual({
      instanceType: 'TERM_MATCH:c5.2xlarge',
      location: 'TERM_MATCH:EU (Ireland)',
      operatingSystem: 'TERM_MATCH:Linux',
      tenancy: 'TERM_MATCH:Shared',
      preInstalledSw: 'TERM_MATCH:NA',
      capacitystatus: 'TERM_MATCH:Used',
    });
    expect(callFor('AmazonEC2', 'm6i.large')).toMatchObject({ instanceType: 'TERM_MATCH:m6i.large' });
    expect(callFor('AmazonRDS', 'db.m6i.large')).toEqual({
      instanceType: 'TERM_MATCH:db.m6i.large',
      location: 'TERM_MATCH:EU (Ireland)',
      databaseEngine: 'TERM_MATCH:PostgreSQL',
      deploymentOption: 'TERM_MATCH:Multi-AZ',
    });
    expect(callFor('AmazonElastiCache', 'cache.m6g.large')).toEqual({
      instanceType: 'TERM_MATCH:cache.m6g.large',
      location: 'TERM_MATCH:EU (Ireland)',
      cacheEngine: 'TERM_MATCH:Redis',
    });
  });

  it('asks for the Single-AZ price when the database is not Multi-AZ', async () => {
    // GIVEN the example with a Single-AZ database
    const base = await exampleConfig();
    const config = withChanges(base, { database: { ...base.database, multiAz: false } });

    // WHEN the live prices are loaded
    const source = await loadPriceListPrices(aws, config);

    // THEN the Single-AZ product answered
    expect(source.lookups).toContainEqual({ item: 'RDS db.m6i.large (Single-AZ)', hourlyUsd: 0.198 });
    expect(source.rdsInstanceHourly('eu-west-1', 'db.m6i.large', 'Single-AZ')).toEqual({
      usd: 0.198,
      origin: 'price-list-api',
    });
  });

  it('falls back to the bundled table, item by item, when the API has no price', async () => {
    // GIVEN a Price List without the storage node's instance type
    pricing.store.products = pricing.store.products.filter((p) => p.attributes.instanceType !== 'm6i.large');
    const config = await exampleConfig();

    // WHEN the live prices are loaded
    const source = await loadPriceListPrices(aws, config);
    const estimate = estimateMonthlyCost(config, source);

    // THEN that item says why, and its line is priced from the table; the others stay live
    expect(source.lookups).toContainEqual({
      item: 'EC2 m6i.large',
      fallbackReason: 'the Price List API has no on-demand hourly price for it in eu-west-1',
    });
    expect(line(estimate, 'storage node')).toMatchObject({ unitPrice: 0.107, priceOrigin: 'bundled-table' });
    expect(line(estimate, 'GitLab nodes')).toMatchObject({ unitPrice: 0.386, priceOrigin: 'price-list-api' });
  });

  it('does not pick between two different prices for one item', async () => {
    // GIVEN a second c5.2xlarge product that the filters cannot tell apart, at another price
    const original = pricing.store.products.find(
      (p) => p.attributes.instanceType === 'c5.2xlarge' && p.attributes.location === 'EU (Ireland)',
    )!;
    pricing.store.products.push({
      ...original,
      attributes: { ...original.attributes, licenseModel: 'Bring your own license' },
      onDemandHourlyUsd: '0.3900000000',
    });
    const config = await exampleConfig();

    // WHEN the live prices are loaded
    const source = await loadPriceListPrices(aws, config);

    // THEN the item is ambiguous and the table's price is used
    expect(source.lookups).toContainEqual({
      item: 'EC2 c5.2xlarge',
      fallbackReason:
        'the Price List API lists 2 different on-demand prices for it (0.386, 0.39 USD/hour); not picking one',
    });
    expect(source.ec2InstanceHourly('eu-west-1', 'c5.2xlarge')).toEqual({
      usd: 0.384,
      origin: 'bundled-table',
    });
  });

  it('follows NextToken across pages', async () => {
    // GIVEN 150 matching copies of the RDS product at one price (two pages of 100)
    const rds = pricing.store.products.find(
      (p) => p.serviceCode === 'AmazonRDS' && p.attributes.deploymentOption === 'Multi-AZ',
    )!;
    pricing.store.products.push(...Array.from({ length: 149 }, () => ({ ...rds })));
    const config = await exampleConfig();

    // WHEN the live prices are loaded
    const source = await loadPriceListPrices(aws, config);

    // THEN two RDS pages were read and the single price kept
    const rdsCalls = pricing.calls.filter((c) => c.ServiceCode === 'AmazonRDS');
    expect(rdsCalls.map((c) => c.NextToken)).toEqual([undefined, 'fake-page-100']);
    expect(source.lookups).toContainEqual({ item: 'RDS db.m6i.large (Multi-AZ)', hourlyUsd: 0.4 });
  });

  it('selects a region without a known location name by its regionCode', async () => {
    // GIVEN a region the location map does not list, and a product for it
    expect(regionFilter('eu-west-1')).toEqual({ field: 'location', value: 'EU (Ireland)' });
    expect(regionFilter('mx-central-1')).toEqual({ field: 'regionCode', value: 'mx-central-1' });
    pricing.store.products.push({
      serviceCode: 'AmazonElastiCache',
      productFamily: 'Cache Instance',
      attributes: {
        location: 'Mexico (Central)',
        regionCode: 'mx-central-1',
        instanceType: 'cache.m6g.large',
        cacheEngine: 'Redis',
      },
      onDemandHourlyUsd: '0.1790000000',
    });
    const base = await exampleConfig();
    const config = withChanges(base, {
      region: 'mx-central-1',
      network: { ...base.network, availabilityZones: ['mx-central-1a', 'mx-central-1b'] },
      gitlab: { ...base.gitlab, externalUrl: 'http://gitlab.example.com' },
      loadBalancer: { healthCheck: base.loadBalancer.healthCheck },
    });

    // WHEN the live prices are loaded and estimated
    const source = await loadPriceListPrices(aws, config);
    const estimate = estimateMonthlyCost(config, source);

    // THEN the cache node is priced live; what neither the API nor the table knows is unknown, not guessed
    expect(line(estimate, 'Redis nodes')).toMatchObject({ unitPrice: 0.179, priceOrigin: 'price-list-api' });
    expect(line(estimate, 'NAT gateways').unknown).toBe(
      'price unknown: no price for NAT gateway in mx-central-1 in the AWS Price List API or the bundled price table (as of 2025-01-01)',
    );
    expect(estimate.unknown).toContain('EC2 instance type c5.2xlarge in mx-central-1');
    expect(estimate.totalAtMin).toBeCloseTo(2 * 0.179 * HOURS, 9);
  });

  it('reports a refused request with what was being looked up and the AWS error code', async () => {
    // GIVEN a client whose c5.2xlarge request the API refuses (a misspelt service code stands in for
    // any refusal), while the other lookups succeed
    const config = await exampleConfig();
    const send = aws.pricing.send.bind(aws.pricing);
    const broken = {
      pricing: Object.assign(Object.create(aws.pricing) as AwsClients['pricing'], {
        send: (command: GetProductsCommand) => {
          const asksForC5 = command.input.Filters?.some((f) => f.Value === 'c5.2xlarge');
          if (asksForC5) command.input.ServiceCode = 'AmazonEC3';
          return send(command);
        },
      }),
    };

    // WHEN the live prices are loaded
    const failure = await loadPriceListPrices(broken, config).catch((error: unknown) => error);

    // THEN a typed error names the item, the region, the API call and the code
    expect(failure).toBeInstanceOf(ProvisioningError);
    expect((failure as ProvisioningError).message).toMatch(
      /^looking up the on-demand price of EC2 c5\.2xlarge in eu-west-1 \(pricing:GetProducts\): .*invalid ServiceCode AmazonEC3 \(InvalidParameterException\)$/,
    );
  });
});
