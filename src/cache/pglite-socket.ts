import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Serves an in-process PGlite on a loopback port, so the Postgres cache tier (a pg client)
 * works in the embedded mode too. Every connection shares PGlite's one session: the tier
 * uses no session settings and no named prepared statements.
 */
export async function servePgliteOnLoopback(db: PGlite, maxConnections = 8): Promise<{ url: string; close(): Promise<void> }> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    close: () => server.stop(),
  };
}
