import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { openDatabase } from './database.ts';
import { createGateway } from './gateway.ts';
import type { Logger } from './logger.ts';
import { prepareDatabase } from './prepare-database.ts';

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
  const database = await openDatabase(config.database, { logger });
  try {
    await prepareDatabase(database, logger);
    const gateway = createGateway({ database, logger });
    const server = createServer(gateway);
    const address = await listen(server, config.port, config.host);
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}/graphql`;
    logger.info({ url, database: database.kind }, `Contrail is serving GraphiQL at ${url}`);
    return {
      url,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
