import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { KeyvTier, sharedKeyv, type TagStore } from './keyv-tier.ts';

export interface PostgresTierOptions {
  url: string;
  /** Pool size; PGlite behind pglite-socket serves one query at a time anyway. */
  poolSize?: number;
  timeoutMs: number;
  logger: Logger;
}

const TABLE = 'cache_entries';

/**
 * @keyv/postgres, extended where it falls short: it keeps one module-global pg Pool (a second
 * URI silently replaces the first) with no 'error' listener, so an idle connection killed by
 * a Postgres restart would crash the process; and its delete is a SELECT then a DELETE.
 * This subclass queries through a pool the tier owns and deletes in one statement.
 */
class PooledKeyvPostgres extends KeyvPostgres {
  // Called from the base constructor, before subclass fields exist: the pool travels in opts.
  override async connect() {
    const pool = (this.opts as unknown as { pool: pg.Pool }).pool;
    return async (sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows;
  }

  override async delete(key: string): Promise<boolean> {
    const rows = await this.query(`DELETE FROM ${TABLE} WHERE key = $1 RETURNING key`, [key]);
    return rows.length > 0;
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    const rows = await this.query(`DELETE FROM ${TABLE} WHERE key = ANY($1) RETURNING key`, [keys]);
    return rows.length > 0;
  }

  // The tier owns and ends the pool.
  override async disconnect(): Promise<void> {}
}

function postgresTagStore(pool: pg.Pool): TagStore {
  return {
    async times(tags) {
      if (tags.length === 0) return [];
      const { rows } = await pool.query<{ tag: string; invalidated_at: string }>(
        'SELECT tag, invalidated_at FROM cache_tags WHERE tag = ANY($1) AND expires_at > $2',
        [tags, Date.now()],
      );
      const byTag = new Map(rows.map((r) => [r.tag, Number(r.invalidated_at)]));
      return tags.map((tag) => byTag.get(tag));
    },
    async latest() {
      const { rows } = await pool.query<{ invalidated_at: string }>("SELECT invalidated_at FROM cache_tags WHERE tag = ''");
      return rows[0] ? Number(rows[0].invalidated_at) : 0;
    },
    async invalidate(tags, at, lifetimeMs) {
      // GREATEST: two instances invalidating at once must not lower the stored time. The row
      // of the empty tag (no real tag is empty) holds the newest invalidation of all.
      await pool.query(
        `INSERT INTO cache_tags (tag, invalidated_at, expires_at)
         SELECT unnest($1::text[]), $2::bigint, $3::bigint
         ON CONFLICT (tag) DO UPDATE SET
           invalidated_at = GREATEST(cache_tags.invalidated_at, excluded.invalidated_at),
           expires_at = GREATEST(cache_tags.expires_at, excluded.expires_at)`,
        [[...new Set(tags), ''], at, Math.ceil(at + lifetimeMs)],
      );
    },
  };
}

export class PostgresTier extends KeyvTier {
  constructor(
    keyvTierArgs: ConstructorParameters<typeof KeyvTier>,
    private readonly pool: pg.Pool,
  ) {
    super(...keyvTierArgs);
  }

  /**
   * Deletes expired entries and tag times in batches through the expiry indexes: each batch
   * is one short statement, so pruning never holds a long lock or scans the table.
   */
  async prune(batchSize = 1000): Promise<{ entries: number; tags: number }> {
    const now = Date.now();
    const removed = { entries: 0, tags: 0 };
    for (const [table, column, counter] of [
      [TABLE, 'key', 'entries'],
      ['cache_tags', 'tag', 'tags'],
    ] as const) {
      for (;;) {
        const { rowCount } = await this.pool.query(
          `DELETE FROM ${table} WHERE ${column} IN (
             SELECT ${column} FROM ${table} WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)`,
          [now, batchSize],
        );
        removed[counter] += rowCount ?? 0;
        if ((rowCount ?? 0) < batchSize) break;
      }
    }
    return removed;
  }
}

/** L3: Keyv + @keyv/postgres on the drizzle-migrated cache_entries table. */
export function createPostgresTier({ url, poolSize = 4, timeoutMs, logger }: PostgresTierOptions): PostgresTier {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: timeoutMs,
    // Client-side only: a server-side statement_timeout would be a session setting, and
    // behind pglite-socket every connection shares one session.
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // An idle client killed by a server restart emits here; without a listener the process dies.
  pool.on('error', (err) => logger.debug({ tier: 'postgres', err: err.message }, 'postgres idle client error'));
  const adapter = new PooledKeyvPostgres({ uri: url, table: TABLE, pool } as never);
  const keyv = sharedKeyv(adapter, 'postgres', logger);
  return new PostgresTier(['postgres', keyv, postgresTagStore(pool), logger, () => pool.end()], pool);
}
