import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createCache } from './cache/create-cache.ts';
import { createCdnPurge } from './cdn/purge.ts';
import { cachePostgresUrl } from './db/cache-url.ts';
import { openDatabase } from './db/database.ts';
import { openEntities } from './entities/open-entities.ts';
import { backfillDeps } from './history/backfill-deps.ts';
import { backgroundBackfill } from './history/background-backfill.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { createQueryLogSink, createServiceIdentity, createWarming } from './warming/index.ts';
import { createEdgeServer } from './http/edge.ts';
import { createCors } from './http/cors.ts';
import { startRateLimit } from './rate-limit/start-rate-limit.ts';
import type { Logger } from './logger.ts';
import { createObservability } from './metrics/observability.ts';
import { prepareDatabase } from './db/prepare.ts';
import { SANDBOX_ACCESS_KEY } from './sandbox/in-process.ts';
import { databaseFailure, listenFailure } from './startup/errors.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * Stops accepting connections and waits for the requests in flight, closing each connection
 * once its answer is written; after `timeoutMs` the connections still busy are closed.
 */
function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown: requests still running after SHUTDOWN_TIMEOUT_MS: closing their connections');
      server.closeAllConnections();
    }, timeoutMs);
    // A keep-alive connection turns idle when its answer is written: closed as soon as it does.
    const idle = setInterval(() => server.closeIdleConnections(), 25);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/** Builds every client from the config, serves the gateway, and closes them all on close(). */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase(config.database, { logger }).catch((err: unknown) => {
    throw databaseFailure(config.database, err);
  });
  // Everything started is closed on close(), in reverse order of opening: a part started later
  // (a scheduler, the warmer) pushes its closer here and is stopped before what it uses.
  const closers: (() => Promise<void>)[] = [() => database.close()];
  // /health/ready: prepared (migrated) and listening, and not yet shutting down.
  let ready = false;
  // Closed in reverse order of opening: the cache before the database it talks to.
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    await prepareDatabase(database, logger).catch((err: unknown) => {
      throw databaseFailure(config.database, err);
    });
    const cacheBackend = await cachePostgresUrl(config.database, database);
    closers.push(() => cacheBackend.close());
    const observability = createObservability({
      logger,
      metricsToken: config.metrics.token,
      metrics: { upstreams: { flights: config.upstreams.flights, weather: config.upstreams.weather } },
    });
    const cache = await createCache({
      config: config.cache,
      logger,
      postgresUrl: cacheBackend.url,
      singleInstance: cacheBackend.singleInstance,
      onTierCall: observability.metrics.tiers.onTierCall,
    });
    closers.push(() => cache.close());
    if (config.cdnPurge) {
      const purge = createCdnPurge({ ...config.cdnPurge, logger });
      cache.chain.onInvalidate((tags) => purge.enqueue(tags));
      cache.chain.onFlush(() => purge.enqueueAll());
      // Closed before the cache (closers run in reverse), sending what the last writes invalidated.
      closers.push(() => purge.close());
    }
    const { flights, weather, flightDates } = config.upstreams;
    // No upstream configured: the sandbox answers in its place, over HTTP like the real ones.
    const opened = await openEntities({ upstreams: config.upstreams, db: database.db, cache: cache.chain, logger, onCall: observability.metrics.upstreams.onCall });
    const { entities } = opened;
    observability.watch({ cache: cache.chain, entities });
    closers.push(() => opened.close());
    // Patterns and quotes need history: a fresh machine fills some from the sandbox, after it
    // listens. Never from a paid upstream unless asked (`contrail backfill`).
    const fill =
      config.backfill.onStart === 'auto' && !flights.url && flightDates.pastDays > 0
        ? backgroundBackfill({
            deps: () =>
              backfillDeps(
                database.db,
                {
                  flights: entities.clients.flights,
                  flightsKey: SANDBOX_ACCESS_KEY,
                  weather: weather.url ? undefined : entities.clients.weather,
                  weatherBatchSize: weather.batchSize ?? 100,
                },
                logger,
              ),
            options: { days: Math.min(config.backfill.days, flightDates.pastDays), routes: { top: config.backfill.routes } },
            logger,
          })
        : undefined;
    // The warmer's AUTHENTICATED replays sign in with a token minted here, known to no one else.
    const warmerIdentity = createServiceIdentity();
    const authenticate = warmerIdentity.wrap(createAuthenticator(config.auth, database.db));
    const queryLog = config.queryLog.enabled ? createQueryLogSink({ db: database.db, logger, sampleRate: config.queryLog.sampleRate, maxRows: config.queryLog.maxRows, maxEntryBytes: config.queryLog.maxEntryBytes }) : undefined;
    // Closed after the gateway stops answering: writes what the last requests logged.
    if (queryLog) closers.push(() => queryLog.close());
    let gateway: Gateway | undefined;
    const warming = createWarming({
      db: database.db,
      // Through the gateway itself, as users' requests go: every tier and entity cache fills.
      fetch: (url, init) => gateway!.fetch(url, init),
      identity: warmerIdentity,
      queryLog,
      responseCache: config.responseCache.enabled,
      futureDays: flightDates.futureDays,
      options: config.warming,
      redis: config.cache.redis && { ...config.cache.redis, keyPrefix: config.cache.keyPrefix },
      onRun: observability.metrics.events.warmingRun,
      logger,
    });
    const limiting = config.rateLimit.enabled
      ? await startRateLimit({
          options: config.rateLimit,
          redis: config.cache.redis,
          keyPrefix: `${config.cache.keyPrefix}ratelimit`,
          timeoutMs: config.cache.tierTimeoutMs,
          db: database.db,
          authenticate,
          logger,
        })
      : undefined;
    if (limiting) closers.push(() => limiting.close());
    if (limiting) observability.metrics.events.readRateLimitFrom(() => limiting.rateLimit.stats());
    const cors = createCors(config.cors);
    gateway = createGateway({
      database,
      entities,
      flightDates,
      pricing: config.pricing,
      authenticate,
      cache: cache.chain,
      responseCache: config.responseCache,
      limits: config.limits,
      exposure: config.exposure,
      rateLimit: limiting?.rateLimit,
      varyByOrigin: cors.variesByOrigin,
      healthInfo: () => ({ backfill: fill?.status() ?? { state: 'off', done: 0, total: 0, errors: 0 } }),
      ready: () => ready,
      version,
      observability,
      queryLog,
      warmer: warming,
      logger,
    });
    const server = createEdgeServer({ ...config.http, fastPath: gateway.fastPath, admit: limiting?.rateLimit.admit, gateway, cors, requests: observability.requestLog, logger });
    const address = await listen(server, config.port, config.host).catch((err: unknown) => {
      throw listenFailure(config.port, config.host, err);
    });
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}/graphql`;
    const tiers = ['memory', ...(config.cache.redis ? ['redis'] : []), 'postgres'].join(' → ');
    const upstreams = { flights: flights.url ?? 'sandbox (in-process)', weather: weather.url ?? 'sandbox (in-process)' };
    logger.info({ url, database: database.kind, cache: tiers, upstreams }, `Contrail is serving GraphiQL at ${url}`);
    ready = true;
    // Schedules and the start-up run (after its delay) never hold up readiness; closed first.
    warming.start();
    closers.push(() => warming.close());
    if (fill) {
      // Closed first (closers run in reverse): its calls in flight finish before the clients close.
      closers.push(() => fill.stop());
      fill.start();
    }
    return {
      url,
      async close() {
        ready = false;
        await drain(server, config.shutdownTimeoutMs, logger);
        // Then schedulers and the warmer stop, the history and call-log writers flush, and
        // Redis, Postgres and PGlite close (closers run in reverse order of opening).
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
