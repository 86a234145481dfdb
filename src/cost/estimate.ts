/**
 * The monthly on-demand cost of a deployment, per resource, from a config and a PriceSource. Pure:
 * the Price List API source does its lookups before this runs. A resource whose price the source
 * does not know gets a line saying so and is left out of the totals: never guessed.
 */
import { normalizeConfig } from '../config/normalize.js';
import type { Config } from '../config/schema.js';
import { STORAGE_ROOT_VOLUME_GB } from '../steps/storage/layout.js';
import type { StepId } from '../steps/ids.js';
import type { Price, PriceOrigin, PriceSource, RdsDeployment } from './price-source.js';
import { HOURS_PER_MONTH, PRICE_TABLE_AS_OF } from './price-table.js';

/** What a line's unit price is per: an hour of one resource, a GB-month, or an IOPS-month. */
export type PriceUnit = 'hour' | 'GB-month' | 'IOPS-month';

export interface CostLine {
  /** The step that creates the resource. */
  step: StepId;
  resource: string;
  detail: string;
  unit: PriceUnit;
  /** Instances, GB or IOPS with the Auto Scaling group at its minimum. */
  quantity: number;
  /** The same at the group's maximum (equal to quantity for everything outside the group). */
  quantityAtMax: number;
  /** USD per unit; null when unknown. */
  unitPrice: number | null;
  /** USD per month at the group's minimum; null when unknown. */
  monthly: number | null;
  /** USD per month at the group's maximum; null when unknown. */
  monthlyAtMax: number | null;
  /** Where the unit price came from (absent when unknown). */
  priceOrigin?: PriceOrigin;
  /** Why there is no price: the line is not in the totals. */
  unknown?: string;
}

export interface CostEstimate {
  currency: 'USD';
  region: string;
  hoursPerMonth: number;
  /** The bundled table's date, or 'Price List API' when prices were looked up live. */
  pricesAsOf: string;
  /** The bundled table's date, for the lines it priced (the fallback of the live source too). */
  bundledPricesAsOf: string;
  /** Publication date of the live prices, with the Price List API. */
  priceListDate?: string;
  /** The Auto Scaling group's bounds the two totals are computed at. */
  autoScaling: { min: number; max: number };
  lines: CostLine[];
  /** Known lines only, with the group at min / at max. */
  totalAtMin: number;
  totalAtMax: number;
  /** The items without a price ("EC2 instance type x1.huge in eu-west-1"); not in the totals. */
  unknown: string[];
  /** Costs the estimate does not include. */
  notIncluded: string[];
}

/** RDS gp3 at 400 GB and more includes 12,000 IOPS (below 400 GB a fixed 3,000, not configurable). */
const RDS_GP3_INCLUDED_IOPS = 12_000;
const RDS_GP3_CONFIGURABLE_IOPS_MIN_GB = 400;
/** EBS gp3 includes 3,000 IOPS per volume. */
const EBS_GP3_INCLUDED_IOPS = 3_000;

export const NOT_INCLUDED: readonly string[] = [
  'data transfer (out to the internet, and between availability zones)',
  'NAT gateway and load balancer data processing (per GB)',
  'backups and snapshots beyond the free allowance (RDS backups, final snapshots, AMI snapshots)',
  'CloudWatch (alarms, metrics, logs)',
  "the temporary image builder instance while an AMI is built, and the load balancer's public IPv4 addresses",
  'taxes; savings plans and reserved instances lower these on-demand prices',
];

interface LineSpec {
  step: StepId;
  resource: string;
  detail: string;
  unit: PriceUnit;
  quantity: number;
  quantityAtMax?: number;
  price: Price | undefined;
  /** Names the priced item for the unknown list: "EC2 instance type c5.2xlarge". */
  item: string;
}

function monthlyOf(unit: PriceUnit, quantity: number, usd: number): number {
  return quantity * usd * (unit === 'hour' ? HOURS_PER_MONTH : 1);
}

export function estimateMonthlyCost(input: Config, prices: PriceSource): CostEstimate {
  // io1/io2 without iops get the same default the database step creates them with.
  const config = normalizeConfig(input);
  const { region } = config;
  const unknown: string[] = [];
  const lines: CostLine[] = [];

  function add(spec: LineSpec): void {
    const quantityAtMax = spec.quantityAtMax ?? spec.quantity;
    const base = {
      step: spec.step,
      resource: spec.resource,
      detail: spec.detail,
      unit: spec.unit,
      quantity: spec.quantity,
      quantityAtMax,
    };
    if (spec.price === undefined) {
      const what = `${spec.item} in ${region}`;
      if (!unknown.includes(what)) unknown.push(what);
      lines.push({
        ...base,
        unitPrice: null,
        monthly: null,
        monthlyAtMax: null,
        unknown: `price unknown: no price for ${what} in ${prices.name}`,
      });
      return;
    }
    lines.push({
      ...base,
      unitPrice: spec.price.usd,
      monthly: monthlyOf(spec.unit, spec.quantity, spec.price.usd),
      monthlyAtMax: monthlyOf(spec.unit, quantityAtMax, spec.price.usd),
      priceOrigin: spec.price.origin,
    });
  }

  addNetwork(config, prices, add);
  addDatabase(config, prices, add);
  addRedis(config, prices, add);
  addStorage(config, prices, add);
  add({
    step: 'load-balancer',
    resource: 'load balancer',
    detail: 'classic ELB',
    unit: 'hour',
    quantity: 1,
    price: prices.classicElbHourly(region),
    item: 'classic load balancer',
  });
  addGitlabNodes(config, prices, add);

  const sum = (pick: (line: CostLine) => number | null) =>
    lines.reduce((total, line) => total + (pick(line) ?? 0), 0);
  return {
    currency: 'USD',
    region,
    hoursPerMonth: HOURS_PER_MONTH,
    pricesAsOf: prices.pricesAsOf,
    bundledPricesAsOf: PRICE_TABLE_AS_OF,
    ...(prices.priceListDate === undefined ? {} : { priceListDate: prices.priceListDate }),
    autoScaling: { min: config.autoScaling.min, max: config.autoScaling.max },
    lines,
    totalAtMin: sum((line) => line.monthly),
    totalAtMax: sum((line) => line.monthlyAtMax),
    unknown,
    notIncluded: [...NOT_INCLUDED],
  };
}

type Add = (spec: LineSpec) => void;

function addNetwork(config: Config, prices: PriceSource, add: Add): void {
  const zones = config.network.availabilityZones.length;
  const perAz = config.network.natGateways === 'per-az';
  const natGateways = perAz ? zones : 1;
  add({
    step: 'network',
    resource: 'NAT gateways',
    detail: perAz ? `per-az: one in each of ${zones} zones` : 'single: one for all zones',
    unit: 'hour',
    quantity: natGateways,
    price: prices.natGatewayHourly(config.region),
    item: 'NAT gateway',
  });
  add({
    step: 'network',
    resource: 'public IPv4 addresses',
    detail: "the NAT gateways' Elastic IPs",
    unit: 'hour',
    quantity: natGateways,
    price: prices.publicIpv4Hourly(config.region),
    item: 'public IPv4 address',
  });
}

function addDatabase(config: Config, prices: PriceSource, add: Add): void {
  const { instanceClass, multiAz, storage } = config.database;
  const deployment: RdsDeployment = multiAz ? 'Multi-AZ' : 'Single-AZ';
  add({
    step: 'database',
    resource: 'database instance',
    detail: `RDS PostgreSQL ${instanceClass}, ${deployment}`,
    unit: 'hour',
    quantity: 1,
    price: prices.rdsInstanceHourly(config.region, instanceClass, deployment),
    item: `RDS instance class ${instanceClass} (${deployment})`,
  });
  add({
    step: 'database',
    resource: 'database storage',
    detail: `${storage.type}, ${deployment}`,
    unit: 'GB-month',
    quantity: storage.sizeGb,
    price: prices.rdsStorageGbMonth(config.region, storage.type, deployment),
    item: `RDS ${storage.type} storage (${deployment})`,
  });
  const billedIops = rdsBilledIops(storage.type, storage.sizeGb, storage.iops);
  if (billedIops > 0) {
    add({
      step: 'database',
      resource: 'database IOPS',
      detail:
        storage.type === 'gp3'
          ? `gp3 IOPS above the ${RDS_GP3_INCLUDED_IOPS} included, ${deployment}`
          : `${storage.type} provisioned IOPS, ${deployment}`,
      unit: 'IOPS-month',
      quantity: billedIops,
      price: prices.rdsIopsMonth(config.region, storage.type, deployment),
      item: `RDS ${storage.type} IOPS (${deployment})`,
    });
  }
}

/** IOPS RDS bills for: all of them for io1/io2, those above the included baseline for gp3. */
function rdsBilledIops(type: string, sizeGb: number, iops: number | undefined): number {
  if (iops === undefined) return 0;
  if (type !== 'gp3') return iops;
  // Below 400 GB gp3 has a fixed baseline (the config rules refuse iops there).
  if (sizeGb < RDS_GP3_CONFIGURABLE_IOPS_MIN_GB) return 0;
  return Math.max(0, iops - RDS_GP3_INCLUDED_IOPS);
}

function addRedis(config: Config, prices: PriceSource, add: Add): void {
  const { nodeType, replicas } = config.redis;
  add({
    step: 'redis',
    resource: 'Redis nodes',
    detail: `${nodeType}: primary + ${replicas} replica${replicas === 1 ? '' : 's'}`,
    unit: 'hour',
    quantity: 1 + replicas,
    price: prices.elastiCacheNodeHourly(config.region, nodeType),
    item: `ElastiCache node type ${nodeType}`,
  });
}

function addStorage(config: Config, prices: PriceSource, add: Add): void {
  const { instanceType, dataVolume } = config.storage;
  add({
    step: 'storage',
    resource: 'storage node',
    detail: `${instanceType} (Gitaly + NFS)`,
    unit: 'hour',
    quantity: 1,
    price: prices.ec2InstanceHourly(config.region, instanceType),
    item: `EC2 instance type ${instanceType}`,
  });
  add({
    step: 'storage',
    resource: 'storage node root volume',
    detail: 'gp3',
    unit: 'GB-month',
    quantity: STORAGE_ROOT_VOLUME_GB,
    price: prices.ebsGbMonth(config.region, 'gp3'),
    item: 'EBS gp3 storage',
  });
  add({
    step: 'storage',
    resource: 'storage data volume',
    detail: dataVolume.type,
    unit: 'GB-month',
    quantity: dataVolume.sizeGb,
    price: prices.ebsGbMonth(config.region, dataVolume.type),
    item: `EBS ${dataVolume.type} storage`,
  });
  const iops = dataVolume.iops;
  const billedIops =
    iops === undefined ? 0 : dataVolume.type === 'gp3' ? Math.max(0, iops - EBS_GP3_INCLUDED_IOPS) : iops;
  if (billedIops > 0) {
    add({
      step: 'storage',
      resource: 'storage data volume IOPS',
      detail:
        dataVolume.type === 'gp3'
          ? `gp3 IOPS above the ${EBS_GP3_INCLUDED_IOPS} included`
          : `${dataVolume.type} provisioned IOPS`,
      unit: 'IOPS-month',
      quantity: billedIops,
      price: prices.ebsIopsMonth(config.region, dataVolume.type),
      item: `EBS ${dataVolume.type} IOPS`,
    });
  }
}

function addGitlabNodes(config: Config, prices: PriceSource, add: Add): void {
  const { instanceType, rootVolumeGb } = config.gitlab;
  const { min, max } = config.autoScaling;
  add({
    step: 'auto-scaling',
    resource: 'GitLab nodes',
    detail: `${instanceType}, Auto Scaling group ${min}-${max}`,
    unit: 'hour',
    quantity: min,
    quantityAtMax: max,
    price: prices.ec2InstanceHourly(config.region, instanceType),
    item: `EC2 instance type ${instanceType}`,
  });
  add({
    step: 'auto-scaling',
    resource: 'GitLab node root volumes',
    detail: `gp3, ${rootVolumeGb} GB per node`,
    unit: 'GB-month',
    quantity: min * rootVolumeGb,
    quantityAtMax: max * rootVolumeGb,
    price: prices.ebsGbMonth(config.region, 'gp3'),
    item: 'EBS gp3 storage',
  });
}
