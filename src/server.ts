import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createCache } from './cache/create-cache.ts';
import { cachePostgresUrl } from './db/cache-url.ts';
import { openDatabase } from './db/database.ts';
import { createEntities } from './entities/create-entities.ts';
import { backfillDeps } from './history/backfill-deps.ts';
import { backgroundBackfill } from './history/background-backfill.ts';
import { createGateway } from './gateway.ts';
import { createEdgeServer } from './http/edge.ts';
import { createCors } from './http/cors.ts';
import type { Logger } from './logger.ts';
import { prepareDatabase } from './db/prepare.ts';
import { SANDBOX_ACCESS_KEY, startInProcessSandbox } from './sandbox/in-process.ts';
import { databaseFailure, listenFailure } from './startup/errors.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
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
  const closers: (() => Promise<void>)[] = [() => database.close()];
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
    const cache = await createCache({ config: config.cache, logger, postgresUrl: cacheBackend.url, singleInstance: cacheBackend.singleInstance });
    closers.push(() => cache.close());
    const { flights, weather, flightDates, entityCache, sandbox: knobs } = config.upstreams;
    // No upstream configured: the sandbox answers in its place, over HTTP like the real ones.
    // A day of slack either side: the gateway's window is counted from UTC's today, flights from local ones.
    const sandbox = flights.url && weather.url ? undefined : await startInProcessSandbox(database.db, { ...knobs, pastDays: flightDates.pastDays + 1, futureDays: flightDates.futureDays + 1 });
    if (Boolean(flights.url) !== Boolean(weather.url)) {
      logger.warn({ flights: flights.url ?? 'sandbox', weather: weather.url ?? 'sandbox' }, 'one upstream is real and the other the sandbox: simulated data will be served beside real data');
    }
    if (sandbox) closers.push(() => sandbox.close());
    const entities = createEntities({
      config: {
        flights: { ...flights, url: flights.url ?? `${sandbox!.url}/v1`, key: flights.url ? flights.key : SANDBOX_ACCESS_KEY },
        weather: { ...weather, url: weather.url ?? sandbox!.url },
      },
      db: database.db,
      cache: entityCache ? cache.chain : undefined,
      logger,
    });
    closers.push(() => entities.close());
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
    const authenticate = createAuthenticator(config.auth, database.db);
    const cors = createCors(config.cors);
    const gateway = createGateway({
      database,
      entities,
      flightDates,
      authenticate,
      cache: cache.chain,
      responseCache: config.responseCache,
      limits: config.limits,
      varyByOrigin: cors.variesByOrigin,
      healthInfo: () => ({ backfill: fill?.status() ?? { state: 'off', done: 0, total: 0, errors: 0 } }),
      logger,
    });
    const server = createEdgeServer({ ...config.http, fastPath: gateway.fastPath, gateway, cors, logger });
    const address = await listen(server, config.port, config.host).catch((err: unknown) => {
      throw listenFailure(config.port, config.host, err);
    });
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}/graphql`;
    const tiers = ['memory', ...(config.cache.redis ? ['redis'] : []), 'postgres'].join(' → ');
    const upstreams = { flights: flights.url ?? 'sandbox (in-process)', weather: weather.url ?? 'sandbox (in-process)' };
    logger.info({ url, database: database.kind, cache: tiers, upstreams }, `Contrail is serving GraphiQL at ${url}`);
    if (fill) {
      // Closed first (closers run in reverse): its calls in flight finish before the clients close.
      closers.push(() => fill.stop());
      fill.start();
    }
    return {
      url,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
