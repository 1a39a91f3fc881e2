import { createHash } from 'node:crypto';
import { and, desc, gte, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { queryLog } from '../../drizzle/schema/index.ts';
import type { QueryLogEntry } from '../../plugins/use-query-log.ts';
import { canonicalValue } from '../../plugins/response-cache/key.ts';
import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import type { Database } from '../db/database.ts';
import { createBatchWriter, type BatchWriter } from '../history/batch-writer.ts';
import type { Logger } from '../logger.ts';

export interface QueryLogSinkOptions {
  db: Database;
  logger: Logger;
  /** Share of requests counted (each counted as 1/rate of them). Default: 0.1. */
  sampleRate?: number;
  /** Rows kept; beyond it the least used (by count, decayed by days since last seen) go. Default: 10 000. */
  maxRows?: number;
  /**
   * Entries whose document and canonical variables together exceed this many bytes are not
   * logged: a client sets their size, and a replay of them is not worth a large row. Default: 8192.
   */
  maxEntryBytes?: number;
  /** How often the table is cut back to `maxRows` (when rows were added since), and once more on close. Default: 60 000 ms. */
  pruneIntervalMs?: number;
  /** Rows per write, and the longest a counted request waits for one. Default: 100, 1000 ms. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** For tests: the sampling's random numbers in [0, 1). Default: Math.random. */
  random?: () => number;
}

/** A row's identity: the document's and the variables' SHA-256 (hex), and the scope class. */
export interface QueryLogIdentity {
  operationHash: string;
  variablesHash: string;
  scopeClass: 'PUBLIC' | 'AUTHENTICATED';
}

type Write =
  | (QueryLogIdentity & { kind: 'upsert'; document: string; operationName: string | null; variables: Record<string, unknown>; count: number })
  | (QueryLogIdentity & { kind: 'bump'; count: number });

export interface QueryLogSink {
  /** From useQueryLog: an executed PUBLIC or AUTHENTICATED operation, answered without errors. */
  record(entry: QueryLogEntry): void;
  /** From the response cache: hits (answered before execution) count towards their row. */
  observe(outcome: CacheOutcome): void;
  /**
   * Marks a replay (the warmer's) of this document and variables: until the returned function
   * is called, its records and hits are not counted — warming must not make itself popular.
   */
  replaying(document: string, variables: Record<string, unknown> | undefined): () => void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The row a document and its variables are counted in, as the response cache keys them. */
export function identify(document: string, variables: Record<string, unknown> | undefined, scopeClass: QueryLogIdentity['scopeClass']): QueryLogIdentity {
  return identifyCanonical(document, canonicalValue(variables ?? {}), scopeClass);
}

const identifyCanonical = (document: string, variables: string, scopeClass: QueryLogIdentity['scopeClass']): QueryLogIdentity => ({
  operationHash: sha256(document),
  variablesHash: sha256(variables),
  scopeClass,
});

/**
 * The row a response cache key is counted in. A key is `rc<v>|<schema>|<document digest,
 * base64url>|<operation name>|<canonical variables>|<scope>` (plugins/response-cache/key.ts):
 * the first three parts and the scope never hold a `|`, nor does a cacheable operation's name
 * (a GraphQL name), so the variables are what lies between the fourth `|` and the last.
 */
export function identifyKey(key: string, scopeClass: QueryLogIdentity['scopeClass']): QueryLogIdentity | null {
  let at = -1;
  for (let i = 0; i < 4; i++) {
    at = key.indexOf('|', at + 1);
    if (at < 0) return null;
  }
  const parts = key.slice(0, at).split('|');
  const end = key.lastIndexOf('|');
  if (end <= at || parts.length !== 4) return null;
  return { operationHash: Buffer.from(parts[2]!, 'base64url').toString('hex'), variablesHash: sha256(key.slice(at + 1, end)), scopeClass };
}

const idOf = (i: QueryLogIdentity) => `${i.scopeClass}|${i.operationHash}|${i.variablesHash}`;

/**
 * The query log's writer: a sampled share of requests — executions (useQueryLog) and cache hits
 * (the response cache's observer) alike — each counted as 1/rate, written in batches off the
 * request path, the table kept to `maxRows`.
 *
 * Hits carry the cache key, not the document; the row's identity is derived from the key, so a
 * hit counts towards a row written by any instance. So that hits have a row to count in, an
 * execution that is not sampled still registers its document (count 0) once per instance and
 * hour; a sampled one adds to the count. Hits of an operation no instance has executed since
 * its row was pruned are not counted: that row comes back with its next execution.
 *
 * useQueryLog records only the variables an operation declares, but the response cache keys
 * every variable sent: hits of a request sent with undeclared variables count in no row (its
 * executions do count, in the row of its declared variables). Entries over `maxEntryBytes` are
 * not logged at all. The table is cut back to `maxRows` every `pruneIntervalMs`, not per batch:
 * the cut sorts the whole table.
 */
export function createQueryLogSink(options: QueryLogSinkOptions): QueryLogSink {
  const { db, logger, sampleRate = 0.1, maxRows = 10_000, maxEntryBytes = 8192, pruneIntervalMs = 60_000, batchSize = 100, flushIntervalMs = 1000, random = Math.random } = options;
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new RangeError(`query log sample rate must be above 0 and at most 1; received ${sampleRate}`);
  const weight = Math.max(1, Math.round(1 / sampleRate));
  const registered = new LRUCache<string, true>({ max: 10_000, ttl: 3600_000 });
  const replays = new Map<string, number>();

  // Rows were added since the last cut (only upserts add rows).
  let grown = false;
  const writer: BatchWriter<Write> = createBatchWriter({
    name: 'query log',
    write: async (batch) => {
      if (await writeBatch(db, batch)) grown = true;
    },
    logger,
    batchSize,
    flushIntervalMs,
  });
  let pruning: Promise<void> | undefined;
  const prune = () => {
    if (!grown || pruning) return pruning;
    grown = false;
    pruning = pruneQueryLog(db, maxRows)
      .then(() => undefined)
      .catch((err: Error) => {
        grown = true;
        logger.warn({ err: err.message }, 'query log: the table could not be cut back to its bound');
      })
      .finally(() => (pruning = undefined));
    return pruning;
  };
  const pruneTimer = setInterval(prune, pruneIntervalMs);
  pruneTimer.unref();

  const isReplay = (identity: QueryLogIdentity) => replays.size > 0 && replays.has(`${identity.operationHash}|${identity.variablesHash}`);

  return {
    record(entry) {
      // Lengths in UTF-16 units first: no byte count is needed when even those are over.
      if (entry.document.length > maxEntryBytes) return;
      let variables: string;
      try {
        variables = canonicalValue(entry.variables);
      } catch {
        return; // Nested beyond what a key represents: the response cache did not keep it either.
      }
      if (variables.length + entry.document.length > maxEntryBytes || Buffer.byteLength(entry.document) + Buffer.byteLength(variables) > maxEntryBytes) return;
      const identity = identifyCanonical(entry.document, variables, entry.scope);
      if (isReplay(identity)) return;
      const sampled = random() < sampleRate;
      const id = idOf(identity);
      if (!sampled && registered.has(id)) return;
      registered.set(id, true);
      writer.record({ kind: 'upsert', ...identity, document: entry.document, operationName: entry.operationName, variables: entry.variables, count: sampled ? weight : 0 });
    },
    observe(outcome) {
      // On the hit path: sampled before anything else is computed.
      if (outcome.outcome !== 'hit' && outcome.outcome !== 'stale' && outcome.outcome !== 'shared') return;
      if ((outcome.scope !== 'PUBLIC' && outcome.scope !== 'AUTHENTICATED') || !outcome.key || random() >= sampleRate) return;
      const identity = identifyKey(outcome.key, outcome.scope);
      if (identity && !isReplay(identity)) writer.record({ kind: 'bump', ...identity, count: weight });
    },
    replaying(document, variables) {
      const { operationHash, variablesHash } = identify(document, variables, 'PUBLIC');
      const id = `${operationHash}|${variablesHash}`;
      replays.set(id, (replays.get(id) ?? 0) + 1);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        const left = replays.get(id)! - 1;
        if (left > 0) replays.set(id, left);
        else replays.delete(id);
      };
    },
    flush: () => writer.flush(),
    async close() {
      clearInterval(pruneTimer);
      await writer.close();
      await pruning;
      await prune();
    },
  };
}

/** One batch: registrations and counts in one upsert, hits added to existing rows. True when rows may have been added. */
async function writeBatch(db: Database, batch: Write[]): Promise<boolean> {
  // One row per identity: Postgres refuses an upsert that touches a row twice.
  const upserts = new Map<string, Extract<Write, { kind: 'upsert' }>>();
  const bumps = new Map<string, Extract<Write, { kind: 'bump' }>>();
  for (const write of batch) {
    const id = idOf(write);
    if (write.kind === 'upsert') {
      const seen = upserts.get(id);
      upserts.set(id, seen ? { ...seen, count: seen.count + write.count } : write);
    } else {
      const seen = bumps.get(id);
      bumps.set(id, seen ? { ...seen, count: seen.count + write.count } : write);
    }
  }
  // A hit in the same batch as its row's registration counts in the upsert.
  for (const [id, bump] of bumps) {
    const upsert = upserts.get(id);
    if (upsert) {
      upsert.count += bump.count;
      bumps.delete(id);
    }
  }
  if (upserts.size) {
    await db
      .insert(queryLog)
      .values(
        [...upserts.values()].map((u) => ({
          operationHash: u.operationHash,
          variablesHash: u.variablesHash,
          scopeClass: u.scopeClass,
          operationName: u.operationName,
          document: u.document,
          variables: u.variables,
          count: u.count,
          lastSeen: new Date(),
        })),
      )
      .onConflictDoUpdate({
        target: [queryLog.operationHash, queryLog.variablesHash, queryLog.scopeClass],
        set: { count: sql`${queryLog.count} + excluded.count`, lastSeen: sql`excluded.last_seen` },
      });
  }
  if (bumps.size) {
    const rows = sql.join(
      [...bumps.values()].map((b) => sql`(${b.operationHash}, ${b.variablesHash}, ${b.scopeClass}, ${b.count}::bigint)`),
      sql`, `,
    );
    await db.execute(sql`
      update query_log set count = query_log.count + hit.count, last_seen = now()
      from (values ${rows}) as hit(operation_hash, variables_hash, scope_class, count)
      where query_log.operation_hash = hit.operation_hash and query_log.variables_hash = hit.variables_hash and query_log.scope_class = hit.scope_class`);
  }
  return upserts.size > 0;
}

/**
 * Keeps the `maxRows` rows most worth replaying: by count divided by one plus the days since
 * last seen, so an operation nobody asks for any more makes way, however popular it was.
 */
export async function pruneQueryLog(db: Database, maxRows: number): Promise<number> {
  const result = (await db.execute(sql`
    delete from query_log where (operation_hash, variables_hash, scope_class) in (
      select operation_hash, variables_hash, scope_class from query_log
      order by count / (1 + extract(epoch from now() - last_seen) / 86400) desc, last_seen desc
      offset ${maxRows})`)) as unknown as { rowCount?: number; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}

/** A logged operation to replay. */
export interface PopularOperation {
  document: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  scopeClass: 'PUBLIC' | 'AUTHENTICATED';
  count: number;
}

/** The `limit` most counted operations seen within the last `sinceDays`, most counted first. */
export async function popularOperations(db: Database, { limit, sinceDays }: { limit: number; sinceDays: number }): Promise<PopularOperation[]> {
  const rows = await db
    .select({ document: queryLog.document, operationName: queryLog.operationName, variables: queryLog.variables, scopeClass: queryLog.scopeClass, count: queryLog.count })
    .from(queryLog)
    .where(and(gte(queryLog.lastSeen, new Date(Date.now() - sinceDays * 86_400_000)), sql`${queryLog.count} > 0`))
    .orderBy(desc(queryLog.count), desc(queryLog.lastSeen), queryLog.operationHash)
    .limit(limit);
  return rows.map((r) => ({ ...r, variables: (r.variables ?? {}) as Record<string, unknown> }));
}
