import { servePgliteOnLoopback } from '../cache/pglite-socket.ts';
import type { DatabaseConfig, DatabaseHandle } from './database.ts';

export interface CacheBackend {
  /** Where the Postgres cache tier connects. */
  url: string;
  /**
   * True when no other gateway can use this Postgres: the embedded database's owner (its lock
   * proves it is the folder's only server) or an in-process memory:// database. Without Redis,
   * the memory tier then keeps entries for their whole TTL (nobody can invalidate behind it).
   */
  singleInstance: boolean;
  close(): Promise<void>;
}

/**
 * Where the Postgres cache tier connects: the configured server; in the embedded mode, the
 * socket of the folder's owner (this process's worker, or another process's when this one
 * only shares it); for memory://, the in-process PGlite served on a loopback port.
 */
export async function cachePostgresUrl(config: DatabaseConfig, database: DatabaseHandle): Promise<CacheBackend> {
  if (config.kind === 'postgres') return { url: config.url, singleInstance: false, close: async () => undefined };
  if (database.embedded) return { url: database.embedded.url, singleInstance: database.embedded.owner, close: async () => undefined };
  if (!database.pglite) throw new Error('embedded mode without a PGlite client');
  return { ...(await servePgliteOnLoopback(database.pglite)), singleInstance: true };
}
