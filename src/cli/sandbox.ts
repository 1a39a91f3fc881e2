import { needsSeed, seedReferenceData } from '../../drizzle/seed/seed.ts';
import { logSeedSummary, progressLogger } from '../db/prepare.ts';
import { SANDBOX_ACCESS_KEY } from '../sandbox/in-process.ts';
import { createSandbox } from '../sandbox/server.ts';
import { loadWorld } from '../sandbox/world.ts';
import { closeOnSignal } from './close-on-signal.ts';
import { withMigratedDatabase } from './context.ts';

export interface SandboxCommandOptions {
  /** 0 picks a free port; the line printed names it. Default: 4100. */
  port: number;
  /** Default: 127.0.0.1. */
  host: string;
  /** Default: SANDBOX_LATENCY_MS. */
  latencyMs?: number;
  /** Default: SANDBOX_JITTER_MS. */
  jitterMs?: number;
  /** Default: SANDBOX_FAILURE_RATE. */
  failureRate?: number;
}

/**
 * Serves the sandbox on its own, for gateways started elsewhere (several instances, the bench),
 * until SIGINT or SIGTERM. Prints on stdout the one line of settings that points a gateway at it.
 */
export async function sandbox(options: SandboxCommandOptions): Promise<void> {
  // The sandbox needs only the world: the database is read once and closed (a running server
  // that owns the embedded folder is asked through its socket, and keeps it).
  const { world, config, logger } = await withMigratedDatabase(async (database, { config, logger }) => {
    if (await needsSeed(database.db)) {
      logger.info('empty database: seeding the reference data (once)');
      logSeedSummary(logger, await seedReferenceData(database.db, { onProgress: progressLogger(logger) }));
    }
    const world = await loadWorld(database.db);
    return { world, config, logger };
  });

  const defaults = config.upstreams.sandbox;
  const upstream = {
    latencyMs: options.latencyMs ?? defaults.latencyMs,
    jitterMs: options.jitterMs ?? defaults.jitterMs,
    failureRate: options.failureRate ?? defaults.failureRate,
  };
  const { pastDays, futureDays } = config.upstreams.flightDates;
  const running = await createSandbox(world, { knobs: { aviationstack: upstream, aviationweather: upstream }, aviationstack: { pastDays, futureDays } })
    .listen(options.port, options.host)
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new Error(`--port ${options.port} is in use on ${options.host}: stop what holds it, or pass another port (--port 0 picks one)`);
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new Error(`--host ${options.host} is not an address of this machine`);
      throw err;
    });

  // Listening on every interface: a client reaches it on the loopback address.
  const url = running.url.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//127.0.0.1');
  logger.info({ url, ...upstream, airports: world.airports.length, routes: world.routes.length }, `sandbox serving AviationStack at ${url}/v1 and aviationweather.gov at ${url}/api/data`);
  // The gateway's settings: any non-empty key works; an empty one is refused, as AviationStack refuses it.
  process.stdout.write(`FLIGHTS_API_URL=${url}/v1 FLIGHTS_API_KEY=${SANDBOX_ACCESS_KEY} WEATHER_API_URL=${url}\n`);

  closeOnSignal(logger, () => running.close());
}
