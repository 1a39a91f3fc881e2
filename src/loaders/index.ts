import type { Database } from '../db/database.ts';
import { createAirlineLoaders } from './airlines.ts';
import { createAirportLoaders } from './airports.ts';
import { createCountryLoaders } from './countries.ts';
import { createPatternLoaders } from './patterns.ts';
import type { QuotePriors } from './quote-priors.ts';
import { createQuoteLoaders } from './quotes.ts';
import { createRouteLoaders } from './routes.ts';

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Every DataLoader of one request. Made per request, never shared: a loader's cache is
 * the memory of one caller's request, and sharing it would serve one caller's data to another.
 */
export function createLoaders(db: Database, { quotePriors }: { quotePriors: QuotePriors }) {
  return {
    ...createAirportLoaders(db),
    ...createAirlineLoaders(db),
    ...createCountryLoaders(db),
    ...createRouteLoaders(db),
    ...createPatternLoaders(db),
    ...createQuoteLoaders(db, quotePriors),
  };
}
