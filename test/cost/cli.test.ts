/** `gitlab-ha cost` through the real CLI: offline by default, the Price List API with --live-prices. */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { installFakePricing, type FakePricing } from './fake-pricing.js';
import { EXAMPLE_PATH, SMALL_CONFIG_TEXT } from './samples.js';

interface CostJson {
  deployment: string;
  region: string;
  pricesAsOf: string;
  priceListDate?: string;
  totalAtMin: number;
  totalAtMax: number;
  unknown: string[];
  lines: { resource: string; monthly: number | null; monthlyAtMax: number | null; priceOrigin?: string }[];
  lookups?: { item: string; hourlyUsd?: number; fallbackReason?: string }[];
}

describe('gitlab-ha cost (offline)', () => {
  it('prints the table per resource, both totals, the price date and what is not included', async () => {
    // GIVEN the example config and no AWS at all (runCli fails the test if AWS clients are built)
    const { dir } = await tempConfig('');

    // WHEN cost runs without --live-prices
    const result = await runCli(['cost', '--config', EXAMPLE_PATH], { cwd: dir });

    // THEN it succeeds offline with the bundled prices
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toMatch(/^Estimated monthly cost of acme-gitlab in eu-west-1\n/);
    expect(out).toMatch(/resource\s+detail\s+quantity\s+unit price\s+at min \(2\)\s+at max \(4\)/);
    expect(out).toMatch(
      /GitLab nodes\s+c5\.2xlarge, Auto Scaling group 2-4\s+2-4\s+\$0\.384\/hour\s+\$560\.64\s+\$1,121\.28/,
    );
    expect(out).toMatch(
      /database instance\s+RDS PostgreSQL db\.m6i\.large, Multi-AZ\s+1\s+\$0\.396\/hour\s+\$289\.08\n/,
    );
    expect(out).toMatch(
      /database IOPS\s+io1 provisioned IOPS, Multi-AZ\s+1000 IOPS\s+\$0\.22\/IOPS-month\s+\$220\.00\n/,
    );
    expect(out).toMatch(/Total\s+\$1,532\.93\s+\$2,102\.37\n/);
    expect(out).toContain('from the bundled table of AWS list prices as of 2025-01-01');
    expect(out).toContain('Not included:\n  - data transfer');
    expect(out).toContain('\n  - NAT gateway and load balancer data processing (per GB)\n');
    expect(out).toContain('\n  - CloudWatch (alarms, metrics, logs)\n');
    expect(out).toContain('add --live-prices');
  });

  it('--json: the estimate as one JSON document, money rounded to cents', async () => {
    // GIVEN the small us-east-1 config
    const { dir } = await tempConfig(SMALL_CONFIG_TEXT);

    // WHEN cost runs with --json
    const result = await runCli(['cost', '--json'], { cwd: dir });

    // THEN stdout is the estimate, its totals the hand-computed sums
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as CostJson;
    const fixed =
      0.045 * 730 +
      0.005 * 730 +
      0.065 * 730 +
      50 * 0.115 +
      2 * 0.065 * 730 +
      0.0832 * 730 +
      30 * 0.08 +
      50 * 0.08 +
      0.025 * 730;
    expect(estimate).toMatchObject({
      deployment: 'small-gitlab',
      region: 'us-east-1',
      pricesAsOf: '2025-01-01',
      unknown: [],
      totalAtMin: Math.round((fixed + 0.17 * 730 + 40 * 0.08) * 100) / 100,
      totalAtMax: Math.round((fixed + 2 * 0.17 * 730 + 80 * 0.08) * 100) / 100,
    });
    expect(estimate.lines.find((l) => l.resource === 'GitLab nodes')).toMatchObject({
      monthly: 124.1,
      monthlyAtMax: 248.2,
      priceOrigin: 'bundled-table',
    });
    expect(estimate.lookups).toBeUndefined();
  });

  it('marks an unknown instance type in the table and leaves it out of the totals', async () => {
    // GIVEN a config with a GitLab instance type the bundled table does not know
    const { dir } = await tempConfig(
      SMALL_CONFIG_TEXT.replace('instanceType: c6i.xlarge', 'instanceType: x9.mega'),
    );

    // WHEN cost runs
    const result = await runCli(['cost'], { cwd: dir });

    // THEN the line shows no price, and a note lists it as unknown
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /GitLab nodes\s+x9\.mega, Auto Scaling group 1-2\s+1-2\s+unknown\s+\?\s+\?\n/,
    );
    expect(result.stdout).toContain(
      'Unknown prices, left out of the totals (never guessed): EC2 instance type x9.mega in us-east-1.',
    );
  });

  it('shows an example in its help', async () => {
    // GIVEN any directory
    const { dir } = await tempConfig('');

    // WHEN cost --help runs
    const result = await runCli(['cost', '--help'], { cwd: dir });

    // THEN the help names the flag and shows an example
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--live-prices');
    expect(result.stdout).toContain('gitlab-ha cost --config examples/gitlab-ha.yaml');
  });
});

describe('gitlab-ha cost --live-prices', () => {
  let fake: FakeAws | undefined;
  let pricing: FakePricing | undefined;
  afterEach(() => {
    pricing?.restore();
    fake?.restore();
  });

  it('prices the instances from the Price List API and says which prices came from where', async () => {
    // GIVEN the fake AWS with its Price List
    fake = new FakeAws().install();
    pricing = installFakePricing();
    const { dir } = await tempConfig('');

    // WHEN cost runs with --live-prices
    const result = await runCli(['cost', '--config', EXAMPLE_PATH, '--live-prices'], { fake, cwd: dir });

    // THEN only the Price List API was asked, and the note names both sources
    expect(result.code).toBe(0);
    expect(fake.calls()).toEqual([]);
    expect(pricing.calls).toHaveLength(4);
    expect(result.stdout).toMatch(
      /GitLab nodes\s+c5\.2xlarge, Auto Scaling group 2-4\s+2-4\s+\$0\.386\/hour/,
    );
    expect(result.stdout).toContain(
      'from the AWS Price List API (2026-11-01) for database instance, Redis nodes, storage node, GitLab nodes; ' +
        'from the bundled table of AWS list prices as of 2025-01-01 (they may have changed since) for NAT gateways,',
    );
    expect(result.stdout).not.toContain('add --live-prices');
  });

  it('--json lists the lookups, and a note on stderr says which item fell back to the table', async () => {
    // GIVEN a Price List without cache.m6g.large
    fake = new FakeAws().install();
    pricing = installFakePricing();
    pricing.store.products = pricing.store.products.filter(
      (p) => p.attributes.instanceType !== 'cache.m6g.large',
    );
    const { dir } = await tempConfig('');

    // WHEN cost runs with --live-prices --json
    const result = await runCli(['cost', '--config', EXAMPLE_PATH, '--live-prices', '--json'], {
      fake,
      cwd: dir,
    });

    // THEN the document records the lookups and the fallback, and stderr explains it
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as CostJson;
    expect(estimate).toMatchObject({ pricesAsOf: 'Price List API', priceListDate: '2026-11-01' });
    expect(estimate.lookups).toContainEqual({
      item: 'ElastiCache cache.m6g.large',
      fallbackReason: 'the Price List API has no on-demand hourly price for it in eu-west-1',
    });
    expect(estimate.lines.find((l) => l.resource === 'Redis nodes')).toMatchObject({
      monthly: Math.round(2 * 0.164 * 730 * 100) / 100,
      priceOrigin: 'bundled-table',
    });
    expect(result.stderr).toBe(
      'note: ElastiCache cache.m6g.large: the Price List API has no on-demand hourly price for it in eu-west-1; using the bundled price table\n',
    );
  });
});
