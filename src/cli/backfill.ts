import cliProgress from 'cli-progress';
import { needsSeed, seedReferenceData } from '../../drizzle/seed/seed.ts';
import { logSeedSummary, progressLogger } from '../db/prepare.ts';
import { createEntities } from '../entities/create-entities.ts';
import { backfillDeps } from '../history/backfill-deps.ts';
import { estimateCalls, planBackfill } from '../history/backfill-plan.ts';
import type { RouteChoice } from '../history/backfill-routes.ts';
import { runBackfill, type BackfillProgress, type BackfillSummary } from '../history/backfill-run.ts';
import type { Logger } from '../logger.ts';
import { SANDBOX_ACCESS_KEY, startInProcessSandbox } from '../sandbox/in-process.ts';
import { withMigratedDatabase } from './context.ts';

export interface BackfillCommandOptions {
  /** Days back from yesterday. */
  days: number;
  /** `top:N` or `JFK-LHR,LHR-JFK`. Default: top:200. */
  routes: string;
  /** Calls in flight at once. Default: 4. */
  concurrency: number;
  /** Spend what a paid upstream will charge, above COST_WITHOUT_YES_USD. */
  yes: boolean;
}

/** Above this estimate, a paid upstream is called only with --yes: about 100 AviationStack calls, a free plan's month. */
const COST_WITHOUT_YES_USD = 1;

const EXIT_ON_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** `top:N` or comma-separated `FROM-TO` pairs of IATA codes. */
function parseRoutes(text: string): RouteChoice {
  const top = /^top:(\d+)$/i.exec(text.trim());
  if (top) {
    const n = Number(top[1]);
    if (n < 1) throw new Error(`--routes top:N needs N above 0; received ${JSON.stringify(text)}`);
    return { top: n };
  }
  const pairs = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!pairs.length || pairs.some((p) => !/^[A-Za-z]{3}-[A-Za-z]{3}$/.test(p))) {
    throw new Error(`--routes must be top:N or IATA pairs such as JFK-LHR,LHR-JFK; received ${JSON.stringify(text)}`);
  }
  return { pairs: pairs.map((p) => [p.slice(0, 3).toUpperCase(), p.slice(4).toUpperCase()] as const) };
}

/**
 * Fills history from the flight upstream (and METARs from the weather one) with a progress bar on
 * stderr and a summary on stdout. Ctrl-C stops after the calls in flight, prints what was done and
 * exits 130; running it again resumes.
 */
export async function backfill(options: BackfillCommandOptions): Promise<void> {
  const routes = parseRoutes(options.routes);
  const controller = new AbortController();
  let signalled: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C does not wait for the calls in flight.
    if (signalled) process.exit(EXIT_ON_SIGNAL[signal] ?? 1);
    signalled = signal;
    controller.abort();
    process.stderr.write('\nstopping after the calls in flight (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await withMigratedDatabase(async (database, { config, logger }) => {
      const { flights, weather, flightDates, sandbox: knobs } = config.upstreams;
      if (flights.url && !flights.key) throw new Error('FLIGHTS_API_KEY is not set: the flight upstream at FLIGHTS_API_URL refuses calls without one');
      if (options.days > flightDates.pastDays) {
        throw new Error(`--days ${options.days} is beyond FLIGHT_DATES_PAST_DAYS (${flightDates.pastDays}), the dates the flight upstream is asked about`);
      }
      if (await needsSeed(database.db)) {
        logger.info('empty database: seeding the reference data (once)');
        logSeedSummary(logger, await seedReferenceData(database.db, { onProgress: progressLogger(logger) }));
      }
      const plan = await planBackfill(database.db, { days: options.days, routes });
      if (!plan.routes.length) throw new Error('no route to fill: the reference data has no routes between airports with time zones');
      const estimate = estimateCalls(plan);
      logger.info(
        { routes: plan.routes.length, days: options.days, routeDays: plan.pending.length, complete: plan.complete, weatherStations: plan.weather ? plan.weather.stations - plan.weather.complete : 0 },
        'backfill: planned',
      );
      // The sandbox is free; a real upstream says what it will cost before the first call.
      if (flights.url) {
        const usd = estimate.flights * flights.pricePerCall + estimate.weather * weather.pricePerCall;
        process.stderr.write(
          `estimated: ${estimate.flights} flight calls at $${flights.pricePerCall} (FLIGHTS_API_PRICE_PER_CALL)` +
            ` + ${estimate.weather} weather calls ≈ $${usd.toFixed(2)}\n`,
        );
        if (usd > COST_WITHOUT_YES_USD && !options.yes) {
          throw new Error(`this backfill would cost about $${usd.toFixed(2)} (over $${COST_WITHOUT_YES_USD}): pass --yes to spend it, or ask for fewer --days or --routes`);
        }
      }

      // No upstream configured: the sandbox answers in its place, as for `contrail serve` (with its
      // day of slack: the oldest local date west of Greenwich is a day before UTC's).
      const sandbox =
        flights.url && weather.url ? undefined : await startInProcessSandbox(database.db, { ...knobs, pastDays: flightDates.pastDays + 1, futureDays: flightDates.futureDays + 1 });
      const entities = createEntities({
        config: {
          flights: { ...flights, url: flights.url ?? `${sandbox!.url}/v1`, key: flights.url ? flights.key : SANDBOX_ACCESS_KEY },
          weather: { ...weather, url: weather.url ?? sandbox!.url },
        },
        db: database.db,
        cache: undefined,
        logger,
      });
      const progress = progressDisplay(plan.pending.length, estimate.weather, logger);
      try {
        const deps = await backfillDeps(
          database.db,
          { flights: entities.clients.flights, flightsKey: flights.url ? (flights.key ?? '') : SANDBOX_ACCESS_KEY, weather: entities.clients.weather, weatherBatchSize: weather.batchSize ?? 100 },
          logger,
        );
        return await runBackfill(deps, plan, { concurrency: options.concurrency, signal: controller.signal, onProgress: progress.update });
      } finally {
        progress.stop();
        // The call log is written in batches: close() writes what is queued.
        await entities.close();
        await sandbox?.close();
      }
    });
    for (const failure of summary.failures) process.stderr.write(`failed: ${failure}\n`);
    process.stdout.write(summaryTable(summary));
    if (signalled) process.exitCode = EXIT_ON_SIGNAL[signalled] ?? 1;
    else if (summary.stopped) throw new Error(`stopped: ${summary.stopped.message} (what was fetched is kept: run it again once that is fixed)`);
    else if (summary.routeDays.failed || (summary.weather?.failedCalls ?? 0)) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A bar on a terminal; elsewhere (a log file, CI) a log line every tenth of the way. */
function progressDisplay(routeDays: number, weatherCalls: number, logger: Logger): { update: (p: BackfillProgress) => void; stop: () => void } {
  const total = routeDays + weatherCalls;
  const steps = (p: BackfillProgress) => p.routeDays.done + p.weatherCalls.done;
  if (!process.stderr.isTTY) {
    let lastTenth = 0;
    return {
      update: (p) => {
        const tenth = Math.floor((steps(p) / Math.max(1, total)) * 10);
        if (tenth > lastTenth) logger.info({ routeDays: p.routeDays, flights: p.flights, errors: p.errors }, `backfill: ${tenth * 10} %`);
        lastTenth = tenth;
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'backfill {bar} {percentage}% | {routeDays} route-days | {flights} flights | {errors} errors | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { routeDays: `0/${routeDays}`, flights: 0, errors: 0 });
  return {
    update: (p) => bar.update(steps(p), { routeDays: `${p.routeDays.done}/${p.routeDays.total}`, flights: p.flights, errors: p.errors }),
    stop: () => bar.stop(),
  };
}

/** Two columns: what, and how many. */
function summaryTable(s: BackfillSummary): string {
  const rows: [string, string][] = [
    ['routes', String(s.routes)],
    ['route-days planned', String(s.routeDays.planned)],
    ['route-days skipped', `${s.routeDays.skipped} (already in history)`],
    ['route-days fetched', String(s.routeDays.fetched)],
    ['route-days failed', String(s.routeDays.failed)],
    ['flights recorded', String(s.flights)],
  ];
  if (s.weather) {
    rows.push(
      ['weather stations', `${s.weather.stations} (${s.weather.skipped} already in history, ${s.weather.hours} h back)`],
      ['weather observations', `${s.weather.observations} (${s.weather.calls} calls, ${s.weather.failedCalls} failed)`],
    );
  }
  rows.push(['upstream calls', String(s.upstreamCalls)], ['errors', String(s.errors)], ['duration', `${(s.durationMs / 1000).toFixed(1)} s`]);
  if (s.stopped) rows.push(['stopped', s.stopped.reason === 'aborted' ? 'interrupted: run it again to resume' : s.stopped.message]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}\n`).join('');
}
