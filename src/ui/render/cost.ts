/**
 * The cost estimate as a table (used by `cost`, and at the end of `plan` and `init`):
 *
 *   resource       detail                              quantity  unit price     at min (2)  at max (4)
 *   NAT gateways   per-az: one in each of 2 zones             2  $0.048/hour        $70.08
 *   GitLab nodes   c5.2xlarge, Auto Scaling group 2-4       2-4  $0.384/hour       $560.64   $1,121.28
 *   Total                                                                       $1,234.56   $1,795.20
 *
 *   Prices: USD, on-demand, 730 hours a month; from the bundled table (AWS list prices as of ...).
 *   Not included:
 *     - data transfer (out to the internet, and between availability zones)
 */
import type { ChalkInstance } from 'chalk';
import type { CostEstimate, CostLine, PriceUnit } from '../../cost/estimate.js';
import { createChalk } from '../color.js';
import { padEnd } from '../format.js';
import { columnWidths } from './columns.js';
import type { RenderOptions } from './options.js';

/** `$1,234.56`: two decimals, thousands separated (fixed, not the machine's locale). */
export function formatUsd(amount: number): string {
  const [whole = '0', cents = '00'] = Math.abs(amount).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}$${grouped}.${cents}`;
}

/** Unit prices keep their significant decimals (`$0.0416`, `$0.34`), at least two. */
function formatUnitPrice(usd: number, unit: PriceUnit): string {
  const trimmed = usd.toFixed(6).replace(/0+$/, '');
  const [whole = '0', decimals = ''] = trimmed.split('.');
  return `$${whole}.${decimals.padEnd(2, '0')}/${unit}`;
}

const QUANTITY_SUFFIX: Readonly<Record<PriceUnit, string>> = {
  hour: '',
  'GB-month': ' GB',
  'IOPS-month': ' IOPS',
};

function formatQuantity(line: CostLine): string {
  const range =
    line.quantity === line.quantityAtMax ? `${line.quantity}` : `${line.quantity}-${line.quantityAtMax}`;
  return `${range}${QUANTITY_SUFFIX[line.unit]}`;
}

export function renderCostEstimate(estimate: CostEstimate, opts: RenderOptions): string {
  const c = createChalk(opts.color);
  const { min, max } = estimate.autoScaling;
  const scales = estimate.lines.some((line) => line.quantity !== line.quantityAtMax);
  const header = [
    'resource',
    'detail',
    'quantity',
    'unit price',
    ...(scales ? [`at min (${min})`, `at max (${max})`] : ['monthly']),
  ];
  const money = (amount: number | null) => (amount === null ? '?' : formatUsd(amount));
  const rows = estimate.lines.map((line) => [
    line.resource,
    line.detail,
    formatQuantity(line),
    line.unitPrice === null ? 'unknown' : formatUnitPrice(line.unitPrice, line.unit),
    money(line.monthly),
    // At max only where the line scales with the group, so the eye finds what grows.
    ...(scales ? [line.quantityAtMax === line.quantity ? '' : money(line.monthlyAtMax)] : []),
  ]);
  const total = [
    'Total',
    '',
    '',
    '',
    formatUsd(estimate.totalAtMin),
    ...(scales ? [formatUsd(estimate.totalAtMax)] : []),
  ];
  const widths = columnWidths([header, ...rows, total]);
  // Text columns align left, numbers right.
  const align = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < 2 ? padEnd(cell, widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();

  const table = [
    c.dim(`  ${align(header)}`),
    ...rows.map((row, i) => {
      const text = `  ${align(row)}`;
      return estimate.lines[i]?.unknown === undefined ? text : c.yellow(text);
    }),
    c.bold(`  ${align(total)}`),
  ];
  return `${[table.join('\n'), ...footnotes(c, estimate)].join('\n\n')}\n`;
}

function footnotes(c: ChalkInstance, estimate: CostEstimate): string[] {
  const notes = [priceNote(estimate)];
  if (estimate.unknown.length > 0) {
    notes.push(
      c.yellow(`Unknown prices, left out of the totals (never guessed): ${estimate.unknown.join('; ')}.`),
    );
  }
  notes.push(c.dim(['Not included:', ...estimate.notIncluded.map((item) => `  - ${item}`)].join('\n')));
  return notes;
}

/** Where the prices came from: the bundled table, the Price List API, or some of each. */
function priceNote(estimate: CostEstimate): string {
  const basis = `USD, on-demand, ${estimate.hoursPerMonth} hours a month, ${estimate.region}`;
  const table = `the bundled table of AWS list prices as of ${estimate.bundledPricesAsOf} (they may have changed since)`;
  const known = estimate.lines.filter((line) => line.priceOrigin !== undefined);
  const live = known.filter((line) => line.priceOrigin === 'price-list-api').map((line) => line.resource);
  const bundled = known.filter((line) => line.priceOrigin === 'bundled-table').map((line) => line.resource);
  if (live.length === 0) return `Prices: ${basis}; from ${table}.`;
  const api = `AWS Price List API (${estimate.priceListDate ?? 'today'})`;
  if (bundled.length === 0) return `Prices: ${basis}; from the ${api}.`;
  return `Prices: ${basis}; from the ${api} for ${live.join(', ')}; from ${table} for ${bundled.join(', ')}.`;
}
