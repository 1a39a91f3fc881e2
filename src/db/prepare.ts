import { needsSeed, seedReferenceData, type SeedProgress, type SeedSummary } from '../../drizzle/seed/seed.ts';
import type { DatabaseHandle } from './database.ts';
import type { Logger } from '../logger.ts';

/** Logs seeding progress at most every 10% of a table, so a start-up log stays short. */
export function progressLogger(logger: Logger) {
  let lastTenth = -1;
  let lastTable = '';
  return ({ table, done, total }: SeedProgress) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (table !== lastTable) lastTenth = -1;
    lastTable = table;
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    logger.info({ table, done, total }, `seeding ${table}: ${done}/${total}`);
  };
}

export function logSeedSummary(logger: Logger, summary: SeedSummary) {
  const { report } = summary;
  logger.info({ counts: summary.counts, durationMs: summary.durationMs }, 'reference data seeded');
  logger.info(
    {
      routesWithUnknownAirline: report.routesWithUnknownAirline,
      routesWithUnknownOrigin: report.routesWithUnknownOrigin,
      routesWithUnknownDestination: report.routesWithUnknownDestination,
      airportsWithUnknownCountry: report.airportsWithUnknownCountry,
      airlinesWithUnknownCountry: report.airlinesWithUnknownCountry.length,
      skippedRegions: report.skippedRegions,
    },
    'kept with a null reference: rows naming airports, airlines or countries the data does not define',
  );
}

/** Migrates, and seeds the reference data when the database has none yet. */
export async function prepareDatabase(database: DatabaseHandle, logger: Logger): Promise<void> {
  await database.migrate();
  if (await needsSeed(database.db)) {
    logger.info('empty database: seeding the reference data (once)');
    logSeedSummary(logger, await seedReferenceData(database.db, { onProgress: progressLogger(logger) }));
  }
}
