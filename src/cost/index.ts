/** The cost estimate: a pure model over a PriceSource (the bundled table, or the AWS Price List API). */
export { estimateMonthlyCost, NOT_INCLUDED } from './estimate.js';
export type { CostEstimate, CostLine, PriceUnit } from './estimate.js';
export { bundledPriceSource } from './price-source.js';
export type { Price, PriceOrigin, PriceSource, RdsDeployment } from './price-source.js';
export { loadPriceListPrices, PRICE_LIST_API } from './price-list-api.js';
export type { PriceListOptions, PriceListSource, PriceLookup } from './price-list-api.js';
export { regionFilter } from './price-list-locations.js';
export { BUNDLED_REGIONS, HOURS_PER_MONTH, PRICE_TABLE, PRICE_TABLE_AS_OF } from './price-table.js';
export type { RegionPrices, VolumeKind } from './price-table.js';
