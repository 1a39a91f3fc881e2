// The comparison target: the same schema and data behind graphql-yoga's own response cache
// (@graphql-yoga/plugin-response-cache, in memory, one public entry per operation).
import { createServer } from 'node:http';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { createYoga } from 'graphql-yoga';
import { schema } from '../schema/index.ts';
import { anonymous } from '../src/auth/viewer.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { contextDepsFor } from '../src/gateway.ts';
import { openDatabase } from '../src/db/database.ts';
import { createEntities } from '../src/entities/create-entities.ts';
import { createLogger } from '../src/logger.ts';
import { SANDBOX_ACCESS_KEY, startInProcessSandbox } from '../src/sandbox/in-process.ts';

const config = loadConfig();
const database = await openDatabase(config.database, { logger: createLogger('warn') });
const { flights, weather, flightDates, sandbox: knobs } = config.upstreams;
const sandbox = await startInProcessSandbox(database.db, { ...knobs, ...flightDates });
const logger = createLogger('warn');
const entities = createEntities({
  config: { flights: { ...flights, url: `${sandbox.url}/v1`, key: SANDBOX_ACCESS_KEY }, weather: { ...weather, url: sandbox.url } },
  db: database.db,
  cache: undefined,
  logger,
});
// Read-only traffic: nothing to invalidate.
const deps = contextDepsFor({ db: database.db, entities, flightDates, invalidate: async () => undefined });
const yoga = createYoga({
  schema,
  context: () => createContext(deps, anonymous),
  logging: false,
  plugins: [useResponseCache({ session: () => null, ttl: 600_000 })],
});
const server = createServer(yoga);
server.listen(config.port, '127.0.0.1');
process.on('SIGTERM', () =>
  server.close(async () => {
    await entities.close();
    await sandbox.close();
    await database.close();
    process.exit(0);
  }),
);
