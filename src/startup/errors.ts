import type { DatabaseConfig } from '../db/database.ts';

/** A start that failed for a reason the user can fix: one line naming the variable and what to do. */
export class StartupError extends Error {
  override name = 'StartupError';
}

type Coded = Error & { code?: string; hostname?: string; address?: string; port?: number; cause?: unknown };

/** The innermost error that carries a code (drizzle and pg wrap the driver's). */
function codedCause(err: unknown): Coded {
  let current = err as Coded;
  while (current && !current.code && current.cause) current = current.cause as Coded;
  return current ?? (err as Coded);
}

function databaseUrlParts(url: string) {
  const parsed = new URL(url);
  return { host: `${parsed.hostname}:${parsed.port || 5432}`, user: decodeURIComponent(parsed.username) || '(none: the OS user)', database: parsed.pathname.slice(1) || '(default)' };
}

/** Why the database could not be opened, migrated or seeded, as the user can act on it. */
export function databaseFailure(config: DatabaseConfig, err: unknown): StartupError | unknown {
  if (err instanceof StartupError) return err;
  const cause = codedCause(err);
  if (config.kind === 'pglite') {
    return new StartupError(`CONTRAIL_DATA_DIR (${config.dataDir}): the embedded database could not be opened: ${cause.message}`);
  }
  const { host, user, database } = databaseUrlParts(config.url);
  switch (cause.code) {
    case 'ECONNREFUSED':
      return new StartupError(`DATABASE_URL: nothing answers at ${host}: is PostgreSQL running there, and listening on TCP?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`DATABASE_URL: the host of ${host} does not resolve: check the host name`);
    case 'ETIMEDOUT':
      return new StartupError(`DATABASE_URL: ${host} did not answer in time: check the host, port and firewall`);
    case '28P01':
    case '28000':
      return new StartupError(`DATABASE_URL: PostgreSQL at ${host} refused user ${user} (${cause.message}): put a user it knows, and its password, in the URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
    case '3D000':
      return new StartupError(`DATABASE_URL: database ${database} does not exist on ${host}: create it (createdb ${database}) or name another`);
    default:
      return err;
  }
}

/** Why the server could not listen, naming PORT or HOST. */
export function listenFailure(port: number, host: string, err: unknown): StartupError | unknown {
  const cause = codedCause(err);
  switch (cause.code) {
    case 'EADDRINUSE':
      return new StartupError(`PORT ${port} is in use on ${host}: stop what holds it, or set PORT to a free port (PORT=0 picks one)`);
    case 'EACCES':
      return new StartupError(`PORT ${port} needs privileges on this machine: set PORT above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`HOST ${JSON.stringify(host)} is not an address of this machine or does not resolve: set HOST to 0.0.0.0 (every interface), 127.0.0.1 or ::`);
    default:
      return err;
  }
}
