import { sql } from 'drizzle-orm';
import { char, check, date, doublePrecision, index, integer, jsonb, numeric, pgPolicy, pgRole, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { partners } from './partners.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => numeric(name, { precision: 12, scale: 2, mode: 'number' });

/**
 * The role user-data queries run as (src/db/as-viewer.ts), so that Row Level Security applies to
 * them: the pool's own user owns the tables and is not subject to it. Created, idempotently, by
 * the custom migration `quotes_role` (roles are cluster-wide), hence `existing()`.
 */
export const contrailApp = pgRole('contrail_app').existing();

/** The viewer id the transaction set (`asViewer`). Unset, it is NULL or '': no row matches. */
const isViewersRow = sql`user_id = current_setting('contrail.viewer_id', true)`;

/**
 * Delay-insurance quotes and, once bought, policies. Each row belongs to one viewer (`user_id`),
 * and Row Level Security keeps it theirs: as `contrail_app`, a statement sees and writes only the
 * rows of the viewer its transaction names, whatever its WHERE clause says.
 *
 * A partner's quotes live here too, owned by the principal `partner:<id>` (its `partner_id` set):
 * the same policy keeps partners apart from each other and from users, and the check below keeps
 * that namespace to partners' rows.
 */
export const quotes = pgTable(
  'quotes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Whose quote: a user's JWT subject, or `partner:<partner_id>`. */
    userId: text('user_id').notNull(),
    /** The partner that asked for it; null for a user's own quote. */
    partnerId: integer('partner_id').references(() => partners.id),
    /** IATA flight number of the operating flight, e.g. BA117. */
    flightNumber: text('flight_number').notNull(),
    /** The local date of departure. */
    flightDate: date('flight_date', { mode: 'string' }).notNull(),
    originIata: char('origin_iata', { length: 3 }).notNull(),
    destinationIata: char('destination_iata', { length: 3 }).notNull(),
    coverage: money('coverage').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    delayThresholdMinutes: integer('delay_threshold_minutes').notNull(),
    premium: money('premium').notNull(),
    /** The chance that the policy pays. */
    probability: doublePrecision('probability').notNull(),
    riskScore: integer('risk_score').notNull(),
    /** How the price came about (resolvers/pricing: `Quote['breakdown']`). */
    breakdown: jsonb('breakdown').notNull(),
    status: text('status', { enum: ['quoted', 'purchased'] }).notNull().default('quoted'),
    /** The price holds until then: a later purchase is refused as expired. */
    validUntil: instant('valid_until').notNull(),
    // Milliseconds, as a JavaScript Date holds them: a myQuotes cursor made from a row then
    // names exactly that row's position (with microseconds it would fall between rows).
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().default(sql`now()`),
    purchasedAt: instant('purchased_at'),
    /** The idempotency key of the purchase: a retry with it gets the same policy back. */
    purchaseKey: text('purchase_key'),
  },
  (t) => [
    uniqueIndex('quotes_user_purchase_key_idx').on(t.userId, t.purchaseKey).where(sql`${t.purchaseKey} is not null`),
    // myQuotes: a viewer's quotes, newest first, paged by (created_at, id). Read backwards, this
    // index gives `order by created_at desc, id desc` exactly (a DESC column here would be
    // NULLS LAST, which that ORDER BY is not), and serves the row comparison of the next page.
    index('quotes_user_created_idx').on(t.userId, t.createdAt, t.id),
    // The coverage sold on a flight, summed across viewers (the exposure cap).
    index('quotes_flight_idx').on(t.flightNumber, t.flightDate),
    // '' is what an unset viewer id reads as: no row may belong to it.
    check('quotes_user_id_check', sql`${t.userId} <> ''`),
    check(
      'quotes_partner_owner_check',
      sql`case when ${t.partnerId} is null then left(${t.userId}, 8) <> 'partner:' else ${t.userId} = 'partner:' || ${t.partnerId} end`,
    ),
    check('quotes_purchase_check', sql`(${t.status} = 'purchased') = (${t.purchasedAt} is not null and ${t.purchaseKey} is not null)`),
    pgPolicy('quotes_owner', { as: 'permissive', for: 'all', to: contrailApp, using: isViewersRow, withCheck: isViewersRow }),
  ],
).enableRLS();

export type QuoteRow = typeof quotes.$inferSelect;
export type NewQuoteRow = typeof quotes.$inferInsert;
