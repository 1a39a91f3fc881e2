import type { PGlite } from '@electric-sql/pglite';
import { serveWireProtocol } from '../db/wire-server.ts';

/**
 * Serves an in-process PGlite (memory://) on a loopback port, so the Postgres cache tier (a pg
 * client) works there too. Every connection shares PGlite's one session (see
 * src/db/wire-server.ts): the tier uses no session settings and no named prepared statements.
 */
export async function servePgliteOnLoopback(db: PGlite): Promise<{ url: string; close(): Promise<void> }> {
  return serveWireProtocol(db);
}
