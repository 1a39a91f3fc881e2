import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { quotes, type NewQuoteRow, type QuoteRow } from '../../drizzle/schema/index.ts';
import type { ViewerTransaction } from '../db/as-viewer.ts';
import type { Database } from '../db/database.ts';

// The quote statements. Every one but soldCoverage takes a transaction from asViewer
// (src/db/as-viewer.ts) and names no user: Row Level Security narrows each to the viewer's rows.

/** What the pricing decided; the owner comes from the transaction, the rest from the defaults. */
export type NewQuote = Omit<NewQuoteRow, 'id' | 'userId' | 'status' | 'createdAt' | 'purchasedAt' | 'purchaseKey'>;

/** A position in myQuotes: the last row shown. */
export interface QuoteCursor {
  createdAt: Date;
  id: string;
}

export type PurchaseResult =
  /** Bought by this call, or by an earlier one with the same key: the same answer either way. */
  | { status: 'purchased'; quote: QuoteRow }
  /** Bought earlier with another key. */
  | { status: 'already_purchased'; quote: QuoteRow }
  /** The key already bought another of the viewer's quotes. */
  | { status: 'key_reused' }
  /** Still a quote, its price no longer valid. */
  | { status: 'expired' }
  /** No such quote of this viewer's: another viewer's id reads the same as a made-up one. */
  | { status: 'not_found' }
  /** Buying it would take the flight past the exposure cap: `sold` is what it carries already. */
  | { status: 'exposure_cap'; sold: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stores a quote as the transaction's viewer's (WITH CHECK would refuse anyone else). */
export async function insertQuote(tx: ViewerTransaction, row: NewQuote): Promise<QuoteRow> {
  const [quote] = await tx
    .insert(quotes)
    .values({ ...row, userId: sql`current_setting('contrail.viewer_id')` })
    .returning();
  return quote!;
}

/** The viewer's quote with this id; null for anyone else's, and for an id that is not a UUID. */
export async function quoteById(tx: ViewerTransaction, id: string): Promise<QuoteRow | null> {
  if (!UUID.test(id)) return null;
  const [quote] = await tx.select().from(quotes).where(eq(quotes.id, id));
  return quote ?? null;
}

/** The viewer's quotes, newest first, `first` at a time after `after`. */
export async function myQuotes(
  tx: ViewerTransaction,
  { first, after }: { first: number; after?: QuoteCursor },
): Promise<{ quotes: QuoteRow[]; hasNextPage: boolean }> {
  const rows = await tx
    .select()
    .from(quotes)
    .where(after && sql`(${quotes.createdAt}, ${quotes.id}) < (${after.createdAt.toISOString()}, ${after.id})`)
    .orderBy(desc(quotes.createdAt), desc(quotes.id))
    // One more than shown tells whether another page follows.
    .limit(first + 1);
  return { quotes: rows.slice(0, first), hasNextPage: rows.length > first };
}

/**
 * Turns a valid quote into a policy, once, if the flight can still carry its coverage
 * (`exposureCap`, summed over every viewer's policies by contrail_sold_coverage, migration
 * quote_exposure). Purchases of one flight take turns on a transaction-scoped advisory lock, so
 * two buyers cannot both fit under the cap by reading the sum before either wrote. The UPDATE is
 * the decision: of concurrent purchases of one quote one changes the row, and the others, taking
 * the lock after it commits, find it bought. Only when it changes nothing does a statement read why.
 */
export async function purchaseQuote(tx: ViewerTransaction, id: string, key: string, now: Date, exposureCap: number): Promise<PurchaseResult> {
  const seen = await quoteById(tx, id);
  if (!seen) return { status: 'not_found' };
  if (seen.status === 'quoted') {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`quote-exposure:${seen.flightNumber}:${seen.flightDate}`}, 0))`);
  }
  const sold = sql`contrail_sold_coverage(${quotes.flightNumber}, ${quotes.flightDate})`;
  const [bought] = await tx
    .update(quotes)
    .set({ status: 'purchased', purchasedAt: now, purchaseKey: key })
    .where(
      and(
        eq(quotes.id, id),
        eq(quotes.status, 'quoted'),
        gt(quotes.validUntil, now),
        // The key names one purchase: reused for another quote it is an answer, not a
        // unique-index error (two such purchases at the same instant still meet that error).
        sql`not exists (select from ${quotes} as used where used.purchase_key = ${key})`,
        sql`${sold} + ${quotes.coverage} <= ${exposureCap}`,
      ),
    )
    .returning();
  if (bought) return { status: 'purchased', quote: bought };

  const [quote] = await tx.select({ row: quotes, sold: sql<number>`${sold}`.mapWith(Number) }).from(quotes).where(eq(quotes.id, id));
  if (!quote) return { status: 'not_found' };
  const { row } = quote;
  if (row.status === 'purchased') return row.purchaseKey === key ? { status: 'purchased', quote: row } : { status: 'already_purchased', quote: row };
  if (row.validUntil <= now) return { status: 'expired' };
  if (quote.sold + row.coverage > exposureCap) return { status: 'exposure_cap', sold: quote.sold };
  // Still quoted, valid and within the cap, yet not bought: only the key can have stopped it.
  return { status: 'key_reused' };
}

/**
 * The coverage sold (purchased) on a flight, summed over every viewer's policies: the pricing's
 * exposure cap. It runs as the pool's own user, the table's owner, to whom RLS does not apply;
 * only the sum leaves the database. In a viewer's transaction RLS would narrow it to that
 * viewer's policies and understate the exposure, so that is refused.
 */
export async function soldCoverage(db: Database, flightNumber: string, flightDate: string): Promise<number> {
  const [row] = await db
    .select({
      sold: sql<number>`coalesce(sum(${quotes.coverage}), 0)`.mapWith(Number),
      narrowed: sql<boolean>`row_security_active('quotes')`,
    })
    .from(quotes)
    .where(and(eq(quotes.flightNumber, flightNumber), eq(quotes.flightDate, flightDate), eq(quotes.status, 'purchased')));
  if (row!.narrowed) {
    throw new Error("soldCoverage: expected the database (the tables' owner), received a viewer's transaction, where Row Level Security hides other viewers' policies");
  }
  return row!.sold;
}
