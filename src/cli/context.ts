import { destination } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { createLogger, type Logger } from '../logger.ts';
import { databaseFailure } from '../startup/errors.ts';

export interface CliContext {
  config: Config;
  logger: Logger;
}

/**
 * The configuration, and a logger writing to stderr synchronously: stdout carries only a
 * command's result (a key, a table), and progress shows as it happens, not when the command
 * ends.
 */
export function cliContext(): CliContext {
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel, destination({ fd: 2, sync: true })) };
}

/**
 * Runs `work` on the configured database, migrated first, and closes it whatever happens. In the
 * embedded mode a running server owns the data folder: the command goes through its socket.
 */
export async function withMigratedDatabase<T>(work: (database: DatabaseHandle, context: CliContext) => Promise<T>): Promise<T> {
  const context = cliContext();
  const database = await openDatabase(context.config.database, { logger: context.logger, shareWithOwner: true }).catch((err: unknown) => {
    throw databaseFailure(context.config.database, err);
  });
  try {
    await database.migrate();
    return await work(database, context);
  } finally {
    await database.close();
  }
}
