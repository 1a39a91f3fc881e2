import { createPostgresTier } from '../cache/postgres-tier.ts';
import { cachePostgresUrl } from '../db/cache-url.ts';
import { withMigratedDatabase } from './context.ts';

/** Deletes expired entries and tag invalidations from the Postgres tier, `batch` rows a statement. */
export async function prune(batch: number): Promise<void> {
  await withMigratedDatabase(async (database, { config, logger }) => {
    const backend = await cachePostgresUrl(config.database, database);
    const tier = createPostgresTier({ url: backend.url, timeoutMs: 30_000, logger });
    try {
      const removed = await tier.prune(batch);
      logger.info(removed, `pruned ${removed.entries} expired entries and ${removed.tags} tag invalidations`);
    } finally {
      await tier.close();
      await backend.close();
    }
  });
}
