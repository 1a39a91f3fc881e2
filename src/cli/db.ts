import { seedReferenceData } from '../../drizzle/seed/seed.ts';
import { logSeedSummary, progressLogger } from '../db/prepare.ts';
import { withMigratedDatabase } from './context.ts';

export async function migrate(): Promise<void> {
  await withMigratedDatabase(async (_, { logger }) => logger.info('migrations applied'));
}

export async function seed(): Promise<void> {
  await withMigratedDatabase(async (database, { logger }) => {
    logSeedSummary(logger, await seedReferenceData(database.db, { onProgress: progressLogger(logger) }));
  });
}
