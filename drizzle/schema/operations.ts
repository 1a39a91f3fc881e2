import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Every admin call (GraphQL or REST): who, what, when and how it ended. Written after the call,
 * whatever its result, so that a refused or failed purge is on record too.
 */
export const adminAudit = pgTable(
  'admin_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull().default(sql`now()`),
    /** The viewer's kind and id (`admin:alice`); never a token. */
    actor: text('actor').notNull(),
    /** `invalidateCache`, `POST /admin/cache/invalidate`, … */
    action: text('action').notNull(),
    /** The call's input, as sent (bounded by the request's own limits). */
    input: jsonb('input'),
    result: text('result', { enum: ['ok', 'refused', 'failed'] }).notNull(),
    /** Entries affected, the error's code, the run's id: whatever the result has to say. */
    detail: jsonb('detail'),
  },
  (t) => [index('admin_audit_log_at_idx').on(t.at)],
);

/** One run of the cache warmer, whatever started it. */
export const warmingRuns = pgTable(
  'warming_runs',
  {
    id: serial('id').primaryKey(),
    /** `cli`, `admin`, `schedule:<name>`, `startup`. */
    trigger: text('trigger').notNull(),
    status: text('status', { enum: ['running', 'success', 'partial', 'failed'] }).notNull(),
    startedAt: instant('started_at').notNull().default(sql`now()`),
    finishedAt: instant('finished_at'),
    durationMs: integer('duration_ms'),
    keysWarmed: integer('keys_warmed').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    /** The options it ran with and its tasks' outcomes. */
    detail: jsonb('detail'),
  },
  (t) => [index('warming_runs_started_at_idx').on(t.startedAt)],
);

/**
 * The operations the gateway answered, sampled: what the warmer replays. PUBLIC and
 * AUTHENTICATED scopes only (never PRIVATE), one row per document × variables × scope class.
 */
export const queryLog = pgTable(
  'query_log',
  {
    /** SHA-256 of the document's text, as the persisted-documents manifest names it. */
    operationHash: text('operation_hash').notNull(),
    /** SHA-256 of the variables' canonical JSON. */
    variablesHash: text('variables_hash').notNull(),
    scopeClass: text('scope_class', { enum: ['PUBLIC', 'AUTHENTICATED'] }).notNull(),
    operationName: text('operation_name'),
    document: text('document').notNull(),
    variables: jsonb('variables').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(1),
    lastSeen: instant('last_seen').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.operationHash, t.variablesHash, t.scopeClass] }), index('query_log_count_idx').on(t.count), index('query_log_last_seen_idx').on(t.lastSeen)],
);

/**
 * Documents trusted beyond codegen's manifest (schema/generated/persisted-documents.json):
 * registered by admins, by the SHA-256 of their text.
 */
export const trustedDocuments = pgTable('trusted_documents', {
  hash: text('hash').primaryKey(),
  document: text('document').notNull(),
  name: text('name'),
  registeredBy: text('registered_by').notNull(),
  registeredAt: instant('registered_at').notNull().default(sql`now()`),
});
