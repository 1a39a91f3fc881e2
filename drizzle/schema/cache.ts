import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * The Postgres cache tier, written through Keyv's @keyv/postgres adapter (key, value).
 * The adapter has no expiry column, so the tier stores values as `<expires ms>|<payload>`
 * and Postgres derives `expires_at` from that prefix: the prune job then deletes expired
 * rows through an index instead of scanning the table. Unlogged: a cache may be lost in a
 * crash, and skipping the WAL halves the cost of every write.
 */
export const cacheEntries = pgTable(
  'cache_entries',
  {
    key: text('key').primaryKey(),
    value: text('value').notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).generatedAlwaysAs(
      sql`(nullif(split_part(value, '|', 1), ''))::bigint`,
    ),
  },
  (t) => [index('cache_entries_expires_at_idx').on(t.expiresAt)],
);

/** When each tag was last invalidated: entries created before that are unreadable. */
export const cacheTags = pgTable(
  'cache_tags',
  {
    tag: text('tag').primaryKey(),
    invalidatedAt: bigint('invalidated_at', { mode: 'number' }).notNull(),
    /** After this no entry created before `invalidatedAt` can still be alive. */
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('cache_tags_expires_at_idx').on(t.expiresAt)],
);
