import { createGateway, type Gateway } from '../../src/gateway.ts';
import type { DatabaseHandle } from '../../src/database.ts';
import { testLogger } from './databases.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestGateway {
  gateway: Gateway;
  /** POSTs one operation in-process, as a client would, and returns the parsed body. */
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
}

export function testGateway(database: DatabaseHandle): TestGateway {
  const gateway = createGateway({ database, logger: testLogger });
  return {
    gateway,
    async query(query, variables) {
      const response = await gateway.fetch('http://contrail.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
    },
  };
}
