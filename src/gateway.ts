import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useAuth } from '../plugins/use-auth.ts';
import { useHealth } from '../plugins/use-health.ts';
import { schema } from '../schema/index.ts';
import { createCatalog } from './catalog/index.ts';
import { createContext, type Context } from './context.ts';
import type { Authenticate } from './auth/authenticator.ts';
import { AuthenticationError } from './auth/viewer.ts';
import type { CacheChain } from './cache/chain.ts';
import type { DatabaseHandle } from './database.ts';
import { exampleQuery } from './example-query.ts';
import { toYogaLogger, type Logger } from './logger.ts';

export interface GatewayDeps {
  database: DatabaseHandle;
  /** Verifies credentials; see src/auth/authenticator.ts. */
  authenticate: Authenticate;
  /** The tier chain; the response cache (next) reads through it. */
  cache?: CacheChain;
  logger: Logger;
}

/** A cache tier is up while its breaker lets calls through. */
function cacheTierChecks(cache: CacheChain | undefined): Record<string, () => Promise<void>> {
  if (!cache) return {};
  const names = Object.keys(cache.stats().tiers).filter((name) => name !== 'memory');
  return Object.fromEntries(
    names.map((name) => [
      `cache.${name}`,
      async () => {
        const breaker = cache.stats().tiers[name as 'redis']?.breaker;
        if (breaker !== 'closed') throw new Error(`breaker ${breaker}: calls skipped`);
      },
    ]),
  );
}

export type Gateway = YogaServerInstance<Record<string, never>, Context>;

/**
 * The whole gateway as a fetch handler, built from its dependencies. It opens nothing and
 * listens nowhere: the server (or a test) owns the clients and closes them.
 */
export function createGateway({ database, authenticate, cache, logger }: GatewayDeps): Gateway {
  const cacheChecks = cacheTierChecks(cache);
  const auth = useAuth({ authenticate, isAuthenticationError: (err) => err instanceof AuthenticationError });
  const catalog = createCatalog(database.db);
  let graphiqlPage: string | undefined;
  return createYoga<Record<string, never>, Context>({
    schema,
    context: ({ request }) => createContext(database.db, catalog, auth.principalOf(request)),
    logging: toYogaLogger(logger),
    landingPage: false,
    // Liveness stays with Yoga; /health (below) reports the dependencies.
    healthCheckEndpoint: '/health/live',
    graphiql: { title: 'Contrail', defaultQuery: exampleQuery },
    // The page inlines GraphiQL's scripts and styles, so it works with no internet; it is
    // 9 MB of text, rendered once.
    renderGraphiQL: (options) => (graphiqlPage ??= renderGraphiQL(options)),
    plugins: [
      auth,
      useHealth({ checks: { database: () => database.ping(), ...cacheChecks }, optional: Object.keys(cacheChecks) }),
    ],
  });
}
