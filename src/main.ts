import { Command } from 'commander';
import { seedReferenceData } from '../drizzle/seed/seed.ts';
import { createPartner, revokePartner } from './auth/partner-keys.ts';
import { createPostgresTier } from './cache/postgres-tier.ts';
import { cachePostgresUrl } from './cache-backend.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './database.ts';
import { createLogger, type Logger } from './logger.ts';
import { logSeedSummary, progressLogger } from './prepare-database.ts';
import { startServer } from './server.ts';

function setup() {
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel) };
}

async function withDatabase(logger: Logger, config: ReturnType<typeof loadConfig>, work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>) {
  const database = await openDatabase(config.database, { logger });
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

const program = new Command('contrail').description('Contrail: a GraphQL gateway for aviation data').showHelpAfterError();

program
  .command('serve')
  .description('serve the gateway (GraphiQL at http://localhost:$PORT/graphql)')
  .action(async () => {
    const { config, logger } = setup();
    const server = await startServer(config, logger);
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program
  .command('migrate')
  .description('apply the database migrations')
  .action(async () => {
    const { config, logger } = setup();
    await withDatabase(logger, config, async (database) => {
      await database.migrate();
      logger.info('migrations applied');
    });
  });

program
  .command('seed')
  .description('load the OpenFlights and OurAirports reference data (idempotent)')
  .action(async () => {
    const { config, logger } = setup();
    await withDatabase(logger, config, async (database) => {
      await database.migrate();
      logSeedSummary(logger, await seedReferenceData(database.db, { onProgress: progressLogger(logger) }));
    });
  });

const partnerCommand = program.command('partner').description('partner API keys');

partnerCommand
  .command('create <name>')
  .description('create a partner and print its API key (shown this once; only its hash is stored)')
  .action(async (name: string) => {
    const { config, logger } = setup();
    await withDatabase(logger, config, async (database) => {
      await database.migrate();
      const { partner, key } = await createPartner(database.db, name);
      logger.info({ partner: partner.name, id: partner.id }, 'partner created');
      process.stdout.write(`${key}\n`);
    });
  });

partnerCommand
  .command('revoke <name>')
  .description("revoke a partner's API key")
  .action(async (name: string) => {
    const { config, logger } = setup();
    await withDatabase(logger, config, async (database) => {
      await database.migrate();
      const partner = await revokePartner(database.db, name);
      if (!partner) return program.error(`no partner named ${JSON.stringify(name)}`);
      logger.info({ partner: partner.name, id: partner.id }, 'partner key revoked');
    });
  });

const cacheCommand = program.command('cache').description('the tier chain');

cacheCommand
  .command('prune')
  .description('delete expired entries and tag invalidations from the Postgres tier, in batches')
  .option('--batch <rows>', 'rows deleted per statement', '1000')
  .action(async (options: { batch: string }) => {
    const batch = Number(options.batch);
    if (!Number.isInteger(batch) || batch < 1) program.error(`--batch must be a whole number above 0; received ${options.batch}`);
    const { config, logger } = setup();
    await withDatabase(logger, config, async (database) => {
      await database.migrate();
      const backend = await cachePostgresUrl(config, database);
      const tier = createPostgresTier({ url: backend.url, timeoutMs: 30_000, logger });
      try {
        const removed = await tier.prune(batch);
        logger.info(removed, `pruned ${removed.entries} expired entries and ${removed.tags} tag invalidations`);
      } finally {
        await tier.close();
        await backend.close();
      }
    });
  });

program.parseAsync().catch((err: unknown) => {
  // Misconfiguration is the user's to fix: say what, without a stack trace.
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
