// The comparison target: the same schema and data behind graphql-yoga's own response cache
// (@graphql-yoga/plugin-response-cache, in memory, one public entry per operation).
import { createServer } from 'node:http';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { createYoga } from 'graphql-yoga';
import { schema } from '../schema/index.ts';
import { anonymous } from '../src/auth/viewer.ts';
import { createCatalog } from '../src/sql/index.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';

const config = loadConfig();
const database = await openDatabase(config.database, { logger: createLogger('warn') });
const catalog = createCatalog(database.db);
const yoga = createYoga({
  schema,
  // Read-only traffic: nothing to invalidate.
  context: () => createContext(database.db, catalog, anonymous, async () => undefined),
  logging: false,
  plugins: [useResponseCache({ session: () => null, ttl: 600_000 })],
});
const server = createServer(yoga);
server.listen(config.port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => database.close().then(() => process.exit(0))));
