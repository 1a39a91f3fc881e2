import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/gateway.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { testLogger } from './databases.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestGateway {
  gateway: Gateway;
  /** POSTs one operation in-process, as a client would, and returns the parsed body. */
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
}

/** The HS256 secret test tokens are signed with. */
export const testJwtSecret = 'contrail-test-secret-that-is-at-least-32-characters';

export const testAuthConfig = { jwtSecret: testJwtSecret, clockToleranceSeconds: 5, apiKeyCacheMs: 0 };

export function testGateway(database: DatabaseHandle, deps: Partial<GatewayDeps> = {}): TestGateway {
  const gateway = createGateway({ database, authenticate: createAuthenticator(testAuthConfig, database.db), logger: testLogger, ...deps });
  return {
    gateway,
    async query(query, variables, headers = {}) {
      const response = await gateway.fetch('http://contrail.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
    },
  };
}
