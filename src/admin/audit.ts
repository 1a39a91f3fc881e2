import { adminAudit } from '../../drizzle/schema/operations.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

/** One admin call as the audit log keeps it (table admin_audit_log). */
export interface AuditRecord {
  /** `admin:alice`, `user:bob`, `anonymous`: the verified viewer, never a credential. */
  actor: string;
  /** `invalidateCache`, `POST /admin/cache/invalidate`, … */
  action: string;
  /** What the caller sent: null for a caller refused as not an admin (see boundedForAudit). */
  input: unknown;
  result: 'ok' | 'refused' | 'failed';
  detail?: unknown;
}

export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
}

/** What an audit record keeps of an input or detail at most (bytes of its JSON). */
export const DEFAULT_AUDIT_VALUE_MAX_BYTES = 4096;

/**
 * `value` as the audit log may keep it: unchanged when its JSON is at most `maxBytes`, else a
 * marker with its size and the start of its text, so that no caller can make one row hold a
 * whole request body.
 */
export function boundedForAudit(value: unknown, maxBytes = DEFAULT_AUDIT_VALUE_MAX_BYTES): unknown {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value) ?? 'null';
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return value;
  // A quarter of the budget for the preview: the marker's own keys fit in the rest.
  return { truncated: true, bytes, preview: Buffer.from(text).subarray(0, Math.floor(maxBytes / 4)).toString('utf8').replace(/\uFFFD$/, '') };
}

/** As JSON has it: GraphQL arguments are objects without a prototype, which the driver cannot write. */
const plain = (value: unknown) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/**
 * The audit log in the data database. A write that fails is logged loudly and does not undo
 * or fail the call it records (that has happened already).
 */
export function databaseAuditLog(db: Database, logger: Logger): AuditLog {
  return {
    async record({ actor, action, input, result, detail }) {
      try {
        await db.insert(adminAudit).values({ actor, action, input: plain(input), result, detail: plain(detail) });
      } catch (err) {
        logger.error({ err: (err as Error).message, actor, action, result }, 'admin call not audit-logged');
      }
    },
  };
}
