import type { BackfillDeps } from './backfill-deps.ts';
import { planBackfill, type BackfillOptions } from './backfill-plan.ts';
import { runBackfill, type BackfillRun, type BackfillSummary } from './backfill-run.ts';

/**
 * Fills history (`historical_flight_segments`, `historical_weather_observations`) for past days
 * from the upstreams, so delay patterns have something to stand on: backfill-plan.ts finds what
 * history lacks, backfill-run.ts fetches it, background-backfill.ts paces it behind a serving gateway.
 */

/** Plans and runs a backfill: what `contrail backfill` and the start-up fill do. */
export async function backfill(deps: BackfillDeps, options: BackfillOptions & BackfillRun): Promise<BackfillSummary> {
  return runBackfill(deps, await planBackfill(deps.db, { ...options, weather: options.weather !== false && deps.weather !== undefined }), options);
}
