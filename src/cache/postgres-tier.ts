import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { prefixUpperBound } from './key-glob.ts';
import { KeyvTier, readHead, sharedKeyv, type KeyStore, type TagStore } from './keyv-tier.ts';
import type { ScannedKey } from './tier.ts';

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

/** Rows a scan reads per statement. */
const SCAN_PAGE = 1000;

// Collations whose order is code-point order: there `[prefix, upper)` is exactly the keys with
// that prefix, a range the primary key's btree walks directly.
const CODE_POINT_ORDER = /^(c|posix|c\.utf-?8|ucs_basic)$/i;

/**
 * Keys by the primary key's btree: a scan walks the range of its glob's literal prefix, page by
 * page (keyset: `key > last`), and LIKE (escaped) checks the rest. Under a collation that does
 * not sort by code point a prefix is no range, so LIKE alone decides (a sequential scan, said
 * once in the log).
 */
function postgresKeyStore(pool: pg.Pool, logger: Logger): KeyStore {
  let ordered: Promise<boolean> | undefined;
  const codePointOrder = () =>
    (ordered ??= pool
      .query<{ datcollate: string }>('SELECT datcollate FROM pg_database WHERE datname = current_database()')
      .then(({ rows }) => {
        const yes = CODE_POINT_ORDER.test(rows[0]?.datcollate ?? '');
        if (!yes) logger.info({ collation: rows[0]?.datcollate }, 'cache key scans match by LIKE alone: this database does not sort text by code point');
        return yes;
      })
      .catch((err: Error) => {
        ordered = undefined;
        throw err;
      }));
  /** `key >= lo AND key < hi` for `prefix`, from parameter `$n` on (nothing when no range applies). */
  const range = async (prefix: string, n: number): Promise<{ sql: string; params: string[] }> => {
    if (!prefix || !(await codePointOrder())) return { sql: '', params: [] };
    const upper = prefixUpperBound(prefix);
    return upper === null
      ? { sql: ` AND key >= $${n}`, params: [prefix] }
      : { sql: ` AND key >= $${n} AND key < $${n + 1}`, params: [prefix, upper] };
  };
  return {
    async *scan({ glob, heads }) {
      const { sql, params } = await range(glob.literalPrefix, 3);
      const columns = heads ? `key, split_part(value, E'\\n', 1) AS head` : 'key';
      let last = '';
      for (;;) {
        const { rows } = await pool.query<{ key: string; head?: string }>(
          `SELECT ${columns} FROM ${TABLE} WHERE key LIKE $1 ESCAPE '\\' AND key > $2${sql} ORDER BY key LIMIT ${SCAN_PAGE}`,
          [glob.like, last, ...params],
        );
        if (!rows.length) return;
        last = rows[rows.length - 1]!.key;
        // LIKE compares characters as the pattern says; the compiled glob decides, as in every tier.
        const found: ScannedKey[] = rows.filter((row) => glob.test(row.key)).map((row) => (heads ? { key: row.key, head: readHead(`${row.head}\n`) } : { key: row.key }));
        if (found.length) yield found;
        if (rows.length < SCAN_PAGE) return;
      }
    },
    async present(keys) {
      const { rows } = await pool.query<{ key: string }>(`SELECT key FROM ${TABLE} WHERE key = ANY($1)`, [keys]);
      const stored = new Set(rows.map((row) => row.key));
      return keys.filter((key) => stored.has(key));
    },
    async remove(keys) {
      const { rowCount } = await pool.query(`DELETE FROM ${TABLE} WHERE key = ANY($1)`, [keys]);
      return rowCount ?? 0;
    },
    async countPrefix(prefix) {
      const { sql, params } = await range(prefix, 2);
      const like = prefix.replace(/[\\%_]/g, '\\$&') + '%';
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE} WHERE key LIKE $1 ESCAPE '\\'${sql}`, [like, ...params]);
      return Number(rows[0]?.n ?? 0);
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
  return new PostgresTier(['postgres', keyv, postgresTagStore(pool), logger, () => pool.end(), postgresKeyStore(pool, logger)], pool);
}
