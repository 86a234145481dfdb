import { describe, expect, it } from 'vitest';
import {
  bundledPriceSource,
  estimateMonthlyCost,
  type CostEstimate,
  type CostLine,
  type PriceSource,
} from '../../src/cost/index.js';
import { exampleConfig, smallConfig, withChanges } from './samples.js';

const HOURS = 730;

function line(estimate: CostEstimate, resource: string): CostLine {
  const found = estimate.lines.find((l) => l.resource === resource);
  if (!found) throw new Error(`no line "${resource}" in ${estimate.lines.map((l) => l.resource).join(', ')}`);
  return found;
}

describe('estimateMonthlyCost with the bundled table', () => {
  it('prices examples/gitlab-ha.yaml (eu-west-1) line by line, at the ASG min and max', async () => {
    // GIVEN the full example: eu-west-1, per-az NAT in 2 zones, db.m6i.large Multi-AZ with io1 100 GB /
    // 1000 IOPS, 2 x cache.m6g.large, an m6i.large storage node with 100 GB gp3, c5.2xlarge nodes 2-4 with 50 GB roots
    const config = await exampleConfig();

    // WHEN it is estimated from the bundled table
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN each line is the eu-west-1 list price times its quantity (Multi-AZ RDS at twice Single-AZ)
    const expected: [string, number, number][] = [
      ['NAT gateways', 2 * 0.048 * HOURS, 2 * 0.048 * HOURS],
      ['public IPv4 addresses', 2 * 0.005 * HOURS, 2 * 0.005 * HOURS],
      ['database instance', 2 * 0.198 * HOURS, 2 * 0.198 * HOURS],
      ['database storage', 100 * 0.138 * 2, 100 * 0.138 * 2],
      ['database IOPS', 1000 * 0.11 * 2, 1000 * 0.11 * 2],
      ['Redis nodes', 2 * 0.164 * HOURS, 2 * 0.164 * HOURS],
      ['storage node', 0.107 * HOURS, 0.107 * HOURS],
      ['storage node root volume', 30 * 0.088, 30 * 0.088],
      ['storage data volume', 100 * 0.088, 100 * 0.088],
      ['load balancer', 0.028 * HOURS, 0.028 * HOURS],
      ['GitLab nodes', 2 * 0.384 * HOURS, 4 * 0.384 * HOURS],
      ['GitLab node root volumes', 2 * 50 * 0.088, 4 * 50 * 0.088],
    ];
    expect(estimate.lines.map((l) => l.resource)).toEqual(expected.map(([resource]) => resource));
    for (const [resource, atMin, atMax] of expected) {
      expect(line(estimate, resource).monthly, resource).toBeCloseTo(atMin, 9);
      expect(line(estimate, resource).monthlyAtMax, resource).toBeCloseTo(atMax, 9);
    }
    // AND the totals are the hand-computed sums
    const fixed =
      2 * 0.048 * HOURS +
      2 * 0.005 * HOURS +
      2 * 0.198 * HOURS +
      100 * 0.138 * 2 +
      1000 * 0.11 * 2 +
      2 * 0.164 * HOURS +
      0.107 * HOURS +
      30 * 0.088 +
      100 * 0.088 +
      0.028 * HOURS;
    expect(estimate.totalAtMin).toBeCloseTo(fixed + 2 * 0.384 * HOURS + 2 * 50 * 0.088, 9);
    expect(estimate.totalAtMax).toBeCloseTo(fixed + 4 * 0.384 * HOURS + 4 * 50 * 0.088, 9);
    expect(estimate.totalAtMin).toBeCloseTo(1532.93, 2);
    expect(estimate.totalAtMax).toBeCloseTo(2102.37, 2);
    expect(estimate).toMatchObject({
      currency: 'USD',
      region: 'eu-west-1',
      hoursPerMonth: 730,
      pricesAsOf: '2025-01-01',
      autoScaling: { min: 2, max: 4 },
      unknown: [],
    });
    expect(estimate.lines.every((l) => l.priceOrigin === 'bundled-table' && l.unknown === undefined)).toBe(
      true,
    );
  });

  it('prices a small single-NAT, Single-AZ config in us-east-1', () => {
    // GIVEN a small config: one NAT gateway, db.t4g.medium Single-AZ on 50 GB gp3, 2 x cache.t4g.medium,
    // a t3.large storage node with 50 GB gp3, c6i.xlarge nodes 1-2 with 40 GB roots
    const config = smallConfig();

    // WHEN it is estimated
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN the totals are the us-east-1 list prices summed by hand; gp3 under 400 GB has no IOPS line
    const fixed =
      1 * 0.045 * HOURS + // NAT gateway
      1 * 0.005 * HOURS + // its Elastic IP
      0.065 * HOURS + // db.t4g.medium Single-AZ
      50 * 0.115 + // RDS gp3
      2 * 0.065 * HOURS + // 2 x cache.t4g.medium
      0.0832 * HOURS + // t3.large storage node
      30 * 0.08 + // its root volume
      50 * 0.08 + // its data volume
      0.025 * HOURS; // classic ELB
    expect(estimate.totalAtMin).toBeCloseTo(fixed + 1 * 0.17 * HOURS + 1 * 40 * 0.08, 9);
    expect(estimate.totalAtMax).toBeCloseTo(fixed + 2 * 0.17 * HOURS + 2 * 40 * 0.08, 9);
    expect(estimate.lines.map((l) => l.resource)).not.toContain('database IOPS');
    expect(line(estimate, 'NAT gateways')).toMatchObject({
      quantity: 1,
      detail: 'single: one for all zones',
    });
    expect(line(estimate, 'GitLab nodes')).toMatchObject({ quantity: 1, quantityAtMax: 2, unitPrice: 0.17 });
  });

  it('doubles the RDS instance, storage and IOPS for Multi-AZ', async () => {
    // GIVEN the example config with Multi-AZ on and off
    const multi = await exampleConfig();
    const single = withChanges(multi, { database: { ...multi.database, multiAz: false } });

    // WHEN both are estimated
    const a = estimateMonthlyCost(multi, bundledPriceSource());
    const b = estimateMonthlyCost(single, bundledPriceSource());

    // THEN every database line of the Multi-AZ one is twice the Single-AZ one, the rest unchanged
    for (const resource of ['database instance', 'database storage', 'database IOPS']) {
      expect(line(a, resource).monthly, resource).toBeCloseTo(2 * line(b, resource).monthly!, 9);
    }
    expect(line(b, 'database instance').monthly).toBeCloseTo(0.198 * HOURS, 9);
    expect(line(b, 'database instance').detail).toBe('RDS PostgreSQL db.m6i.large, Single-AZ');
    expect(a.totalAtMin - b.totalAtMin).toBeCloseTo(0.198 * HOURS + 100 * 0.138 + 1000 * 0.11, 9);
  });

  it('counts one NAT gateway (and Elastic IP) per zone for per-az, one for single', async () => {
    // GIVEN the example spread over three zones, with per-az and with single NAT
    const base = await exampleConfig();
    const network = {
      ...base.network,
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
      privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
    };
    const perAz = withChanges(base, { network: { ...network, natGateways: 'per-az' } });
    const single = withChanges(base, { network: { ...network, natGateways: 'single' } });

    // WHEN both are estimated
    const a = estimateMonthlyCost(perAz, bundledPriceSource());
    const b = estimateMonthlyCost(single, bundledPriceSource());

    // THEN per-az pays for three NAT gateways and addresses, single for one
    expect(line(a, 'NAT gateways')).toMatchObject({ quantity: 3, detail: 'per-az: one in each of 3 zones' });
    expect(line(a, 'NAT gateways').monthly).toBeCloseTo(3 * 0.048 * HOURS, 9);
    expect(line(a, 'public IPv4 addresses').monthly).toBeCloseTo(3 * 0.005 * HOURS, 9);
    expect(line(b, 'NAT gateways').monthly).toBeCloseTo(1 * 0.048 * HOURS, 9);
    expect(line(b, 'public IPv4 addresses').monthly).toBeCloseTo(1 * 0.005 * HOURS, 9);
    expect(a.totalAtMin - b.totalAtMin).toBeCloseTo(2 * (0.048 + 0.005) * HOURS, 9);
  });

  it('reports an unknown instance type instead of guessing, and leaves it out of the totals', async () => {
    // GIVEN the example with a GitLab node type the bundled table does not list
    const base = await exampleConfig();
    const config = withChanges(base, { gitlab: { ...base.gitlab, instanceType: 'x9.mega' } });

    // WHEN it is estimated
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN the nodes' line says the price is unknown, with no number in it
    expect(line(estimate, 'GitLab nodes')).toMatchObject({
      quantity: 2,
      quantityAtMax: 4,
      unitPrice: null,
      monthly: null,
      monthlyAtMax: null,
      unknown:
        'price unknown: no price for EC2 instance type x9.mega in eu-west-1 in the bundled price table (as of 2025-01-01)',
    });
    expect(line(estimate, 'GitLab nodes').priceOrigin).toBeUndefined();
    expect(estimate.unknown).toEqual(['EC2 instance type x9.mega in eu-west-1']);
    // AND the totals are those of the known lines only (the root volumes still scale 2 -> 4)
    const known = estimateMonthlyCost(base, bundledPriceSource());
    expect(estimate.totalAtMin).toBeCloseTo(known.totalAtMin - 2 * 0.384 * HOURS, 9);
    expect(estimate.totalAtMax).toBeCloseTo(known.totalAtMax - 4 * 0.384 * HOURS, 9);
  });

  it('knows no price at all in a region the bundled table does not cover', async () => {
    // GIVEN the example moved to eu-north-1
    const base = await exampleConfig();
    const config = withChanges(base, {
      region: 'eu-north-1',
      network: { ...base.network, availabilityZones: ['eu-north-1a', 'eu-north-1b'] },
      // (the example's certificate ARN names eu-west-1)
      gitlab: { ...base.gitlab, externalUrl: 'http://gitlab.example.com' },
      loadBalancer: { healthCheck: base.loadBalancer.healthCheck },
    });

    // WHEN it is estimated
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN every line is unknown, each distinct item listed once, and the totals are zero
    expect(estimate.lines.every((l) => l.unknown !== undefined && l.monthly === null)).toBe(true);
    expect(estimate.unknown).toContain('EC2 instance type c5.2xlarge in eu-north-1');
    expect(estimate.unknown).toContain('NAT gateway in eu-north-1');
    expect(estimate.unknown.filter((u) => u === 'EBS gp3 storage in eu-north-1')).toHaveLength(1);
    expect(estimate.totalAtMin).toBe(0);
    expect(estimate.totalAtMax).toBe(0);
  });

  it('bills only the IOPS above what gp3 includes (EBS 3,000; RDS 12,000 at 400 GB and more)', async () => {
    // GIVEN gp3 everywhere with IOPS above the included baselines
    const base = await exampleConfig();
    const config = withChanges(base, {
      database: { ...base.database, storage: { type: 'gp3', sizeGb: 500, iops: 15000 } },
      storage: { ...base.storage, dataVolume: { type: 'gp3', sizeGb: 200, iops: 6000 } },
    });

    // WHEN it is estimated
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN 3,000 extra IOPS are billed on each (RDS Multi-AZ at twice the rate)
    expect(line(estimate, 'database IOPS')).toMatchObject({ quantity: 3000, unit: 'IOPS-month' });
    expect(line(estimate, 'database IOPS').monthly).toBeCloseTo(3000 * 0.022 * 2, 9);
    expect(line(estimate, 'database storage').monthly).toBeCloseTo(500 * 0.127 * 2, 9);
    expect(line(estimate, 'storage data volume IOPS')).toMatchObject({ quantity: 3000 });
    expect(line(estimate, 'storage data volume IOPS').monthly).toBeCloseTo(3000 * 0.0055, 9);
    expect(line(estimate, 'storage data volume').monthly).toBeCloseTo(200 * 0.088, 9);
  });

  it('prices io1 database storage without iops at the 1000 IOPS the database step creates', async () => {
    // GIVEN a config whose io1 storage leaves iops out
    const base = await exampleConfig();
    const config = {
      ...base,
      database: { ...base.database, storage: { type: 'io1' as const, sizeGb: 100 } },
    };

    // WHEN it is estimated
    const estimate = estimateMonthlyCost(config, bundledPriceSource());

    // THEN 1000 IOPS are billed
    expect(line(estimate, 'database IOPS')).toMatchObject({ quantity: 1000 });
  });
});

describe('estimateMonthlyCost with another price source', () => {
  it('only reads prices through the PriceSource, and reports their origin', () => {
    // GIVEN a source that prices everything at 1 USD per unit, as if from the Price List API
    const one = { usd: 1, origin: 'price-list-api' as const };
    const flat: PriceSource = {
      name: 'a flat test source',
      pricesAsOf: 'Price List API',
      priceListDate: '2026-11-01',
      ec2InstanceHourly: () => one,
      rdsInstanceHourly: () => one,
      rdsStorageGbMonth: () => one,
      rdsIopsMonth: () => one,
      elastiCacheNodeHourly: () => one,
      natGatewayHourly: () => one,
      publicIpv4Hourly: () => one,
      classicElbHourly: () => one,
      ebsGbMonth: () => one,
      ebsIopsMonth: () => one,
    };

    // WHEN the small config is estimated
    const estimate = estimateMonthlyCost(smallConfig(), flat);

    // THEN each line is its quantity (times 730 for hourly prices) and the source's dates are kept
    const hourly = 1 + 1 + 1 + 2 + 1 + 1 + 1; // NAT, IPv4, RDS, 2 Redis, storage node, ELB, 1 GitLab node
    const monthlyUnits = 50 + 30 + 50 + 40; // RDS GB, root GB, data GB, node root GB
    expect(estimate.totalAtMin).toBe(hourly * HOURS + monthlyUnits);
    expect(estimate.totalAtMax).toBe((hourly + 1) * HOURS + monthlyUnits + 40);
    expect(estimate).toMatchObject({ pricesAsOf: 'Price List API', priceListDate: '2026-11-01' });
    expect(estimate.lines.every((l) => l.priceOrigin === 'price-list-api')).toBe(true);
  });
});
