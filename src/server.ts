import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createCache } from './cache/create-cache.ts';
import { cachePostgresUrl } from './db/cache-url.ts';
import { openDatabase } from './db/database.ts';
import { createGateway } from './gateway.ts';
import { createEdgeServer } from './http/edge.ts';
import { createCors } from './http/cors.ts';
import type { Logger } from './logger.ts';
import { prepareDatabase } from './db/prepare.ts';
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
    const authenticate = createAuthenticator(config.auth, database.db);
    const cors = createCors(config.cors);
    const gateway = createGateway({
      database,
      authenticate,
      cache: cache.chain,
      responseCache: config.responseCache,
      limits: config.limits,
      varyByOrigin: cors.variesByOrigin,
      logger,
    });
    const server = createEdgeServer({ ...config.http, fastPath: gateway.fastPath, gateway, cors, logger });
    const address = await listen(server, config.port, config.host).catch((err: unknown) => {
      throw listenFailure(config.port, config.host, err);
    });
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}/graphql`;
    const tiers = ['memory', ...(config.cache.redis ? ['redis'] : []), 'postgres'].join(' → ');
    logger.info({ url, database: database.kind, cache: tiers }, `Contrail is serving GraphiQL at ${url}`);
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
