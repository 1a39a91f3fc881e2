import { sql } from 'drizzle-orm';
import { check, integer, numeric, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Partner API keys, stored hashed. A key reads `ctr_<prefix>_<secret>`: the prefix finds the
 * row, the SHA-256 of the whole key (random and 256-bit, so no slow hash is needed) proves it.
 */
export const partners = pgTable(
  'partners',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(600),
    /**
     * The partner's commission on a quote, as a share of the premium before it (0.10 = 10 %),
     * added to every premium it is quoted: its quotes are cached for it alone.
     */
    commission: numeric('commission', { precision: 5, scale: 4, mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('partners_key_prefix_idx').on(t.keyPrefix),
    uniqueIndex('partners_name_idx').on(t.name),
    check('partners_commission_range', sql`${t.commission} >= 0 AND ${t.commission} <= 1`),
  ],
);

export type PartnerRow = typeof partners.$inferSelect;
