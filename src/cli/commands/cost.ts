/**
 * `gitlab-ha cost`: the deployment's monthly on-demand cost per resource. From the bundled price
 * table without credentials (nothing is contacted), or from the AWS Price List API with --live-prices.
 */
import { estimateMonthlyCost } from '../../cost/estimate.js';
import { loadPriceListPrices, type PriceLookup } from '../../cost/price-list-api.js';
import { bundledPriceSource, type PriceSource } from '../../cost/price-source.js';
import type { Config } from '../../config/index.js';
import { WrongTargetError } from '../../engine/errors.js';
import { shouldUseColor } from '../../ui/index.js';
import { renderCostEstimate } from '../../ui/render/cost.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { loadDeployment, makeAws } from '../session.js';

export interface CostOptions {
  livePrices: boolean;
}

/** Money fields are rounded to cents in JSON; unit prices keep their precision. */
const MONEY_FIELDS = new Set(['monthly', 'monthlyAtMax', 'totalAtMin', 'totalAtMax']);

function roundMoney(key: string, value: unknown): unknown {
  return MONEY_FIELDS.has(key) && typeof value === 'number' ? Math.round(value * 100) / 100 : value;
}

export async function costCommand(options: GlobalOptions & CostOptions, io: CliIo): Promise<number> {
  const { config } = await loadDeployment(options, io);
  const live = options.livePrices ? await fetchLivePrices(config, options, io) : undefined;
  const prices: PriceSource = live?.source ?? bundledPriceSource();
  const estimate = estimateMonthlyCost(config, prices);

  // Items the API did not answer are priced from the table; say why, on stderr (not part of the result).
  for (const lookup of live?.lookups ?? []) {
    if (lookup.fallbackReason !== undefined) {
      io.stderr.write(`note: ${lookup.item}: ${lookup.fallbackReason}; using the bundled price table\n`);
    }
  }
  if (options.json) {
    const document = { deployment: config.name, ...estimate, ...(live ? { lookups: live.lookups } : {}) };
    io.stdout.write(`${JSON.stringify(document, roundMoney, 2)}\n`);
    return 0;
  }
  const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
  io.stdout.write(`Estimated monthly cost of ${config.name} in ${config.region}\n\n`);
  io.stdout.write(renderCostEstimate(estimate, { color }));
  if (!live) {
    io.stdout.write(
      '\nFor current prices from the AWS Price List API (needs credentials): add --live-prices\n',
    );
  }
  return 0;
}

async function fetchLivePrices(
  config: Config,
  options: GlobalOptions,
  io: CliIo,
): Promise<{ source: PriceSource; lookups: readonly PriceLookup[] }> {
  const aws = makeAws(config, options, io);
  try {
    const source = await loadPriceListPrices(aws, config);
    return { source, lookups: source.lookups };
  } catch (error) {
    if (error instanceof WrongTargetError) {
      throw new WrongTargetError(error.message, {
        code: error.code,
        hint: `${error.hint ?? 'Configure AWS credentials.'} Or drop --live-prices to use the bundled price table.`,
        cause: error,
      });
    }
    throw error;
  } finally {
    aws.destroy();
  }
}
