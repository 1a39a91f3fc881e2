import DataLoader from 'dataloader';
import type { Database } from '../db/database.ts';
import { quoteHistories, type QuoteHistory, type QuoteHistoryKey } from '../sql/quote-history.ts';
import { soldCoverage } from '../sql/quotes.ts';

/** The window of history a quote is priced from, in days back from now. */
export const QUOTE_HISTORY_DAYS = 90;

const historyId = (k: QuoteHistoryKey) => `${k.airline}:${k.origin}-${k.destination}:${k.delayThresholdMinutes}`;

/** What quotes read from the database: each request's keys batched, each asked once. */
export function createQuoteLoaders(db: Database, historyDays = QUOTE_HISTORY_DAYS) {
  return {
    /** One statement for every key of the batch (src/sql/quote-history.ts). */
    quoteHistory: new DataLoader<QuoteHistoryKey, QuoteHistory, string>((keys) => quoteHistories(db, keys, historyDays), { cacheKeyFn: historyId }),
    /** The coverage sold on a flight (`BA117:2026-11-21`), over every viewer's policies. */
    soldCoverage: new DataLoader<{ number: string; date: string }, number, string>(
      (keys) => Promise.all(keys.map((k) => soldCoverage(db, k.number, k.date))),
      { cacheKeyFn: (k) => `${k.number}:${k.date}` },
    ),
  };
}
