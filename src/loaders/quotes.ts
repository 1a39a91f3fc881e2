import DataLoader from 'dataloader';
import type { Database } from '../db/database.ts';
import { routeHistories, type QuoteHistory, type QuoteHistoryKey } from '../sql/quote-history.ts';
import type { QuotePriors } from './quote-priors.ts';
import type { QuoteRow } from '../../drizzle/schema/index.ts';
import { asViewer } from '../db/as-viewer.ts';
import { partnerCommissions } from '../sql/partners.ts';
import { insertQuote, myQuotes, purchaseQuote, quoteById, soldCoverage, type NewQuote, type PurchaseResult, type QuoteCursor } from '../sql/quotes.ts';

/** The window of history a quote is priced from, in days back from now. */
export const QUOTE_HISTORY_DAYS = 90;

const historyId = (k: QuoteHistoryKey) => `${k.airline}:${k.origin}-${k.destination}:${k.delayThresholdMinutes}`;

/** What quotes read from the database: each request's keys batched, each asked once. */
export function createQuoteLoaders(db: Database, priors: QuotePriors, historyDays = QUOTE_HISTORY_DAYS) {
  return {
    /**
     * One statement for the routes of every key of the batch (src/sql/quote-history.ts), and the
     * prior levels from `priors`, which counts only those it does not keep.
     */
    quoteHistory: new DataLoader<QuoteHistoryKey, QuoteHistory, string>(
      async (keys) => {
        const [routes, shared] = await Promise.all([routeHistories(db, keys, historyDays), priors(keys)]);
        return routes.map(({ from, to, counts }, i) => ({ days: historyDays, from, to, route: counts, ...shared[i]! }));
      },
      { cacheKeyFn: historyId },
    ),
    /** The coverage sold on a flight (`BA117:2026-11-21`), over every viewer's policies. */
    soldCoverage: new DataLoader<{ number: string; date: string }, number, string>(
      (keys) => Promise.all(keys.map((k) => soldCoverage(db, k.number, k.date))),
      { cacheKeyFn: (k) => `${k.number}:${k.date}` },
    ),
    /** A partner's commission on the quotes it is priced (partner id → 0–1). */
    partnerCommission: new DataLoader<number, number>((ids) => partnerCommissions(db, ids)),
    /** One owner's stored quotes (`rowOwnerOf(viewer)`), each statement in that owner's transaction. */
    userQuotes: userQuoteStore(db),
  };
}

/**
 * A viewer's own quotes: every call runs inside asViewer, so Row Level Security keeps each to
 * `owner`'s rows whatever is asked (another owner's id reads as not found).
 */
export function userQuoteStore(db: Database) {
  return {
    create: (owner: string, row: NewQuote): Promise<QuoteRow> => asViewer(db, owner, (tx) => insertQuote(tx, row)),
    byId: (owner: string, id: string): Promise<QuoteRow | null> => asViewer(db, owner, (tx) => quoteById(tx, id)),
    list: (owner: string, page: { first: number; after?: QuoteCursor }) => asViewer(db, owner, (tx) => myQuotes(tx, page)),
    purchase: (owner: string, id: string, key: string, now: Date, exposureCap: number): Promise<PurchaseResult> =>
      asViewer(db, owner, (tx) => purchaseQuote(tx, id, key, now, exposureCap)),
  };
}
