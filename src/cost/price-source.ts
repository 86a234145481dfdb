/**
 * Where the estimate gets its prices: synchronous lookups, so the estimate stays a pure function.
 * The bundled table answers them directly; the Price List API source (price-list-api.ts) fetches
 * its answers up front and falls back to the table item by item.
 */
import { PRICE_TABLE, PRICE_TABLE_AS_OF, type RegionPrices, type VolumeKind } from './price-table.js';

export type PriceOrigin = 'bundled-table' | 'price-list-api';

/** One unit price in USD and where it came from. */
export interface Price {
  usd: number;
  origin: PriceOrigin;
}

export type RdsDeployment = 'Single-AZ' | 'Multi-AZ';

export interface PriceSource {
  /** Names the source in "no price for ... in <name>". */
  readonly name: string;
  /** The bundled table's date (YYYY-MM-DD), or 'Price List API' when prices were looked up live. */
  readonly pricesAsOf: string;
  /** The publication date (YYYY-MM-DD) of the live prices; only for the Price List API. */
  readonly priceListDate?: string;
  /** Per instance-hour, EC2 Linux on-demand. */
  ec2InstanceHourly(region: string, instanceType: string): Price | undefined;
  /** Per instance-hour, RDS for PostgreSQL; Multi-AZ is the price of the pair. */
  rdsInstanceHourly(region: string, instanceClass: string, deployment: RdsDeployment): Price | undefined;
  /** Per GB-month of RDS storage. */
  rdsStorageGbMonth(region: string, type: VolumeKind, deployment: RdsDeployment): Price | undefined;
  /** Per provisioned IOPS-month of RDS storage (gp3: above the included baseline). */
  rdsIopsMonth(region: string, type: VolumeKind, deployment: RdsDeployment): Price | undefined;
  /** Per node-hour, ElastiCache for Redis OSS. */
  elastiCacheNodeHourly(region: string, nodeType: string): Price | undefined;
  natGatewayHourly(region: string): Price | undefined;
  publicIpv4Hourly(region: string): Price | undefined;
  classicElbHourly(region: string): Price | undefined;
  /** Per GB-month of EBS volume. */
  ebsGbMonth(region: string, type: VolumeKind): Price | undefined;
  /** Per IOPS-month of EBS volume (gp3: above the free 3,000). */
  ebsIopsMonth(region: string, type: VolumeKind): Price | undefined;
}

/** RDS bills a Multi-AZ instance, its storage and its IOPS at twice the Single-AZ price (primary + standby). */
const MULTI_AZ_FACTOR = 2;

function deploymentFactor(deployment: RdsDeployment): number {
  return deployment === 'Multi-AZ' ? MULTI_AZ_FACTOR : 1;
}

function fromTable(usd: number | undefined): Price | undefined {
  return usd === undefined ? undefined : { usd, origin: 'bundled-table' };
}

/** The PriceSource answering from the bundled table (PRICE_TABLE); no price for anything it lacks. */
export function bundledPriceSource(table: Readonly<Record<string, RegionPrices>> = PRICE_TABLE): PriceSource {
  // `Object.hasOwn`: a region or type named like an Object.prototype member must not find one.
  const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
    record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
  const at = (region: string): RegionPrices | undefined => own(table, region);
  return {
    name: `the bundled price table (as of ${PRICE_TABLE_AS_OF})`,
    pricesAsOf: PRICE_TABLE_AS_OF,
    ec2InstanceHourly: (region, instanceType) => fromTable(own(at(region)?.ec2Hourly, instanceType)),
    rdsInstanceHourly: (region, instanceClass, deployment) => {
      const single = own(at(region)?.rdsPostgresSingleAzHourly, instanceClass);
      return fromTable(single === undefined ? undefined : single * deploymentFactor(deployment));
    },
    rdsStorageGbMonth: (region, type, deployment) => {
      const single = at(region)?.rdsStorageGbMonth[type];
      return fromTable(single === undefined ? undefined : single * deploymentFactor(deployment));
    },
    rdsIopsMonth: (region, type, deployment) => {
      const single = at(region)?.rdsIopsMonth[type];
      return fromTable(single === undefined ? undefined : single * deploymentFactor(deployment));
    },
    elastiCacheNodeHourly: (region, nodeType) => fromTable(own(at(region)?.elastiCacheNodeHourly, nodeType)),
    natGatewayHourly: (region) => fromTable(at(region)?.natGatewayHourly),
    publicIpv4Hourly: (region) => fromTable(at(region)?.publicIpv4Hourly),
    classicElbHourly: (region) => fromTable(at(region)?.classicElbHourly),
    ebsGbMonth: (region, type) => fromTable(at(region)?.ebsGbMonth[type]),
    ebsIopsMonth: (region, type) => fromTable(at(region)?.ebsIopsMonth[type]),
  };
}
