import { sql } from 'drizzle-orm';
import { integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('partners_key_prefix_idx').on(t.keyPrefix), uniqueIndex('partners_name_idx').on(t.name)],
);

export type PartnerRow = typeof partners.$inferSelect;
