import { sql } from 'drizzle-orm';
import { contrailApp } from '../../drizzle/schema/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Database } from './database.ts';

/** A transaction in which Row Level Security shows one viewer's rows, and only those. */
export type ViewerTransaction = Parameters<Parameters<Database['transaction']>[0]>[0];

const PARTNER_PREFIX = 'partner:';

/**
 * Runs `work` in a transaction as `contrail_app` (a role RLS applies to; the pool's own user
 * owns the tables and is exempt) with `contrail.viewer_id` set to `viewerId`: every statement
 * of `work` sees and writes only that viewer's rows, whatever its WHERE clause says.
 *
 * Both settings are LOCAL: COMMIT or ROLLBACK undoes them, so the pooled connection goes back
 * as the owner — and on the embedded database, whose connections share one session, nothing
 * outlives the transaction either.
 */
export async function asViewer<T>(db: Database, viewerId: string, work: (tx: ViewerTransaction) => Promise<T>): Promise<T> {
  // '' is what current_setting() reads once the setting has been used in the session: refusing
  // it here keeps "no viewer" from ever matching rows (the table refuses '' owners as well).
  if (typeof viewerId !== 'string' || viewerId === '') {
    throw new TypeError(`asViewer: expected a non-empty viewer id, received ${JSON.stringify(viewerId)}`);
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role ${sql.identifier(contrailApp.name)}`);
    // A parameter, never interpolated: the id is a JWT subject, i.e. whatever the issuer wrote.
    await tx.execute(sql`select set_config('contrail.viewer_id', ${viewerId}, true)`);
    return work(tx);
  });
}

/**
 * Whose rows a viewer reads and writes: a user's JWT subject, or `partner:<id>` for a partner.
 * A subject that itself starts with `partner:` is refused, so no user can pass for a partner;
 * other viewers (anonymous, service, admin) own no quotes.
 */
export function rowOwnerOf(viewer: Viewer): string {
  if (viewer.kind === 'user' && viewer.id && !viewer.id.startsWith(PARTNER_PREFIX)) return viewer.id;
  if (viewer.kind === 'partner' && viewer.id) return `${PARTNER_PREFIX}${viewer.id}`;
  throw new TypeError(`rowOwnerOf: expected a user (whose subject does not start with "${PARTNER_PREFIX}") or a partner, received ${viewer.kind} ${JSON.stringify(viewer.id ?? null)}`);
}
