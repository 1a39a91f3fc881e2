import { servePgliteOnLoopback } from './cache/pglite-socket.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './database.ts';

/**
 * Where the Postgres cache tier connects: the configured server, or — in the embedded mode —
 * the in-process PGlite served on a loopback port.
 */
export async function cachePostgresUrl(config: Config, database: DatabaseHandle): Promise<{ url: string; close(): Promise<void> }> {
  if (config.database.kind === 'postgres') return { url: config.database.url, close: async () => undefined };
  if (!database.pglite) throw new Error('embedded mode without a PGlite client');
  return servePgliteOnLoopback(database.pglite);
}
