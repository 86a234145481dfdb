/**
 * The bundled price table: AWS on-demand list prices (USD) for the regions most deployments use,
 * transcribed by hand from AWS's public pricing pages (EC2 Linux, RDS for PostgreSQL, ElastiCache for
 * Redis OSS, VPC NAT gateway and public IPv4, classic Elastic Load Balancing, EBS). They are list
 * prices as of PRICE_TABLE_AS_OF and may have changed since: `gitlab-ha cost --live-prices` asks the
 * AWS Price List API instead. Anything not listed here has no price: the estimate says so rather
 * than guessing.
 */

/** The date the prices below were taken from AWS's pricing pages. */
export const PRICE_TABLE_AS_OF = '2025-01-01';

/** AWS bills a month of an always-on resource as 730 hours (8760 / 12). */
export const HOURS_PER_MONTH = 730;

export type VolumeKind = 'gp3' | 'io1' | 'io2';

export interface RegionPrices {
  /** EC2 Linux, shared tenancy, per instance-hour. */
  readonly ec2Hourly: Readonly<Record<string, number>>;
  /** RDS for PostgreSQL Single-AZ, per instance-hour (a Multi-AZ instance is billed twice this). */
  readonly rdsPostgresSingleAzHourly: Readonly<Record<string, number>>;
  /** RDS storage, Single-AZ, per GB-month (Multi-AZ: twice). */
  readonly rdsStorageGbMonth: Readonly<Record<VolumeKind, number>>;
  /**
   * RDS provisioned IOPS, Single-AZ, per IOPS-month (Multi-AZ: twice). gp3: IOPS above the included
   * baseline (12,000 IOPS at 400 GB and more).
   */
  readonly rdsIopsMonth: Readonly<Record<VolumeKind, number>>;
  /** ElastiCache for Redis OSS, per node-hour. */
  readonly elastiCacheNodeHourly: Readonly<Record<string, number>>;
  /** Per NAT gateway-hour; data processed (per GB) is extra and not estimated. */
  readonly natGatewayHourly: number;
  /** Per public IPv4 address-hour (charged since February 2024, Elastic IPs of NAT gateways included). */
  readonly publicIpv4Hourly: number;
  /** Per classic load balancer-hour; data processed (per GB) is extra and not estimated. */
  readonly classicElbHourly: number;
  /** EBS volumes per GB-month. */
  readonly ebsGbMonth: Readonly<Record<VolumeKind, number>>;
  /**
   * EBS IOPS per IOPS-month. gp3: above the free 3,000; io2: the first tier (up to 32,000 IOPS;
   * IOPS beyond it are cheaper, so the estimate errs high there).
   */
  readonly ebsIopsMonth: Readonly<Record<VolumeKind, number>>;
}

/**
 * A family's sizes priced from its `large` price: within the families below, on-demand prices double
 * with each size step (large, xlarge, 2xlarge, 4xlarge).
 */
function family(prefix: string, largeHourly: number, sizes: readonly string[]): Record<string, number> {
  const steps = ['large', 'xlarge', '2xlarge', '4xlarge'];
  return Object.fromEntries(
    sizes.map((size) => {
      const step = steps.indexOf(size);
      if (step < 0) throw new Error(`price table: size ${size} is not a doubling step of ${prefix}`);
      // Exact: scaling by a power of two never adds floating-point error.
      return [`${prefix}.${size}`, largeHourly * 2 ** step];
    }),
  );
}

const LARGE_TO_4XLARGE = ['large', 'xlarge', '2xlarge', '4xlarge'] as const;
const LARGE_TO_2XLARGE = ['large', 'xlarge', '2xlarge'] as const;
const LARGE_TO_XLARGE = ['large', 'xlarge'] as const;

interface RegionInput {
  ec2: { c5: number; c6i: number; m5: number; m6i: number; m7i: number; t3Medium: number };
  rds: {
    m5: number;
    m6i: number;
    m6g: number;
    r6i: number;
    r6g: number;
    t4gMedium: number;
    t3Medium: number;
  };
  rdsStorageGbMonth: Record<VolumeKind, number>;
  rdsIopsMonth: Record<VolumeKind, number>;
  cache: { m6g: number; m5: number; m7g: number; r6g: number; t4gMedium: number; t3Medium: number };
  natGatewayHourly: number;
  classicElbHourly: number;
  ebsGbMonth: Record<VolumeKind, number>;
  ebsIopsMonth: Record<VolumeKind, number>;
}

/** The same in every region. */
const PUBLIC_IPV4_HOURLY = 0.005;

function region(input: RegionInput): RegionPrices {
  const { ec2, rds, cache } = input;
  return {
    ec2Hourly: {
      ...family('c5', ec2.c5, LARGE_TO_4XLARGE),
      ...family('c6i', ec2.c6i, LARGE_TO_4XLARGE),
      ...family('m5', ec2.m5, LARGE_TO_2XLARGE),
      ...family('m6i', ec2.m6i, LARGE_TO_2XLARGE),
      ...family('m7i', ec2.m7i, LARGE_TO_2XLARGE),
      // Burstable: fine for trying the tool, not recommended by GitLab for production nodes.
      't3.medium': ec2.t3Medium,
      't3.large': ec2.t3Medium * 2,
    },
    rdsPostgresSingleAzHourly: {
      ...family('db.m5', rds.m5, LARGE_TO_2XLARGE),
      ...family('db.m6i', rds.m6i, LARGE_TO_2XLARGE),
      ...family('db.m6g', rds.m6g, LARGE_TO_2XLARGE),
      ...family('db.r6i', rds.r6i, LARGE_TO_XLARGE),
      ...family('db.r6g', rds.r6g, LARGE_TO_XLARGE),
      'db.t4g.medium': rds.t4gMedium,
      'db.t4g.large': rds.t4gMedium * 2,
      'db.t3.medium': rds.t3Medium,
      'db.t3.large': rds.t3Medium * 2,
    },
    rdsStorageGbMonth: input.rdsStorageGbMonth,
    rdsIopsMonth: input.rdsIopsMonth,
    elastiCacheNodeHourly: {
      ...family('cache.m6g', cache.m6g, LARGE_TO_XLARGE),
      ...family('cache.m5', cache.m5, LARGE_TO_XLARGE),
      'cache.m7g.large': cache.m7g,
      ...family('cache.r6g', cache.r6g, LARGE_TO_XLARGE),
      'cache.t4g.medium': cache.t4gMedium,
      'cache.t3.medium': cache.t3Medium,
    },
    natGatewayHourly: input.natGatewayHourly,
    publicIpv4Hourly: PUBLIC_IPV4_HOURLY,
    classicElbHourly: input.classicElbHourly,
    ebsGbMonth: input.ebsGbMonth,
    ebsIopsMonth: input.ebsIopsMonth,
  };
}

/** US East (N. Virginia); Ohio and Oregon list the same prices for everything below. */
const US_EAST_1 = region({
  ec2: { c5: 0.085, c6i: 0.085, m5: 0.096, m6i: 0.096, m7i: 0.1008, t3Medium: 0.0416 },
  rds: { m5: 0.178, m6i: 0.178, m6g: 0.159, r6i: 0.25, r6g: 0.225, t4gMedium: 0.065, t3Medium: 0.072 },
  rdsStorageGbMonth: { gp3: 0.115, io1: 0.125, io2: 0.125 },
  rdsIopsMonth: { gp3: 0.02, io1: 0.1, io2: 0.1 },
  cache: { m6g: 0.149, m5: 0.156, m7g: 0.158, r6g: 0.206, t4gMedium: 0.065, t3Medium: 0.068 },
  natGatewayHourly: 0.045,
  classicElbHourly: 0.025,
  ebsGbMonth: { gp3: 0.08, io1: 0.125, io2: 0.125 },
  ebsIopsMonth: { gp3: 0.005, io1: 0.065, io2: 0.065 },
});

export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US_EAST_1,
  'us-east-2': US_EAST_1,
  'us-west-2': US_EAST_1,
  // EU (Ireland)
  'eu-west-1': region({
    ec2: { c5: 0.096, c6i: 0.096, m5: 0.107, m6i: 0.107, m7i: 0.1124, t3Medium: 0.0456 },
    rds: { m5: 0.198, m6i: 0.198, m6g: 0.176, r6i: 0.28, r6g: 0.251, t4gMedium: 0.072, t3Medium: 0.078 },
    rdsStorageGbMonth: { gp3: 0.127, io1: 0.138, io2: 0.138 },
    rdsIopsMonth: { gp3: 0.022, io1: 0.11, io2: 0.11 },
    cache: { m6g: 0.164, m5: 0.17, m7g: 0.174, r6g: 0.226, t4gMedium: 0.072, t3Medium: 0.075 },
    natGatewayHourly: 0.048,
    classicElbHourly: 0.028,
    ebsGbMonth: { gp3: 0.088, io1: 0.138, io2: 0.138 },
    ebsIopsMonth: { gp3: 0.0055, io1: 0.072, io2: 0.072 },
  }),
  // EU (Frankfurt)
  'eu-central-1': region({
    ec2: { c5: 0.097, c6i: 0.097, m5: 0.115, m6i: 0.115, m7i: 0.1208, t3Medium: 0.048 },
    rds: { m5: 0.212, m6i: 0.212, m6g: 0.189, r6i: 0.3, r6g: 0.27, t4gMedium: 0.077, t3Medium: 0.084 },
    rdsStorageGbMonth: { gp3: 0.137, io1: 0.149, io2: 0.149 },
    rdsIopsMonth: { gp3: 0.024, io1: 0.12, io2: 0.12 },
    cache: { m6g: 0.176, m5: 0.182, m7g: 0.187, r6g: 0.244, t4gMedium: 0.076, t3Medium: 0.08 },
    natGatewayHourly: 0.052,
    classicElbHourly: 0.03,
    ebsGbMonth: { gp3: 0.0952, io1: 0.149, io2: 0.149 },
    ebsIopsMonth: { gp3: 0.006, io1: 0.078, io2: 0.078 },
  }),
  // EU (London)
  'eu-west-2': region({
    ec2: { c5: 0.101, c6i: 0.101, m5: 0.111, m6i: 0.111, m7i: 0.1166, t3Medium: 0.0472 },
    rds: { m5: 0.206, m6i: 0.206, m6g: 0.184, r6i: 0.29, r6g: 0.261, t4gMedium: 0.075, t3Medium: 0.08 },
    rdsStorageGbMonth: { gp3: 0.133, io1: 0.145, io2: 0.145 },
    rdsIopsMonth: { gp3: 0.023, io1: 0.116, io2: 0.116 },
    cache: { m6g: 0.171, m5: 0.178, m7g: 0.181, r6g: 0.237, t4gMedium: 0.074, t3Medium: 0.077 },
    natGatewayHourly: 0.05,
    classicElbHourly: 0.028,
    ebsGbMonth: { gp3: 0.0928, io1: 0.145, io2: 0.145 },
    ebsIopsMonth: { gp3: 0.0058, io1: 0.076, io2: 0.076 },
  }),
  // Asia Pacific (Singapore)
  'ap-southeast-1': region({
    ec2: { c5: 0.098, c6i: 0.098, m5: 0.12, m6i: 0.12, m7i: 0.126, t3Medium: 0.0528 },
    rds: { m5: 0.251, m6i: 0.251, m6g: 0.224, r6i: 0.3, r6g: 0.27, t4gMedium: 0.092, t3Medium: 0.1 },
    rdsStorageGbMonth: { gp3: 0.138, io1: 0.15, io2: 0.15 },
    rdsIopsMonth: { gp3: 0.024, io1: 0.12, io2: 0.12 },
    cache: { m6g: 0.198, m5: 0.208, m7g: 0.21, r6g: 0.274, t4gMedium: 0.088, t3Medium: 0.092 },
    natGatewayHourly: 0.059,
    classicElbHourly: 0.028,
    ebsGbMonth: { gp3: 0.096, io1: 0.138, io2: 0.138 },
    ebsIopsMonth: { gp3: 0.006, io1: 0.072, io2: 0.072 },
  }),
  // Asia Pacific (Tokyo)
  'ap-northeast-1': region({
    ec2: { c5: 0.107, c6i: 0.107, m5: 0.124, m6i: 0.124, m7i: 0.1302, t3Medium: 0.0544 },
    rds: { m5: 0.247, m6i: 0.247, m6g: 0.22, r6i: 0.3, r6g: 0.27, t4gMedium: 0.091, t3Medium: 0.098 },
    rdsStorageGbMonth: { gp3: 0.138, io1: 0.15, io2: 0.15 },
    rdsIopsMonth: { gp3: 0.024, io1: 0.12, io2: 0.12 },
    cache: { m6g: 0.199, m5: 0.208, m7g: 0.211, r6g: 0.274, t4gMedium: 0.088, t3Medium: 0.092 },
    natGatewayHourly: 0.062,
    classicElbHourly: 0.027,
    ebsGbMonth: { gp3: 0.096, io1: 0.142, io2: 0.142 },
    ebsIopsMonth: { gp3: 0.006, io1: 0.074, io2: 0.074 },
  }),
};

/** The regions the bundled table covers. */
export const BUNDLED_REGIONS: readonly string[] = Object.keys(PRICE_TABLE);
