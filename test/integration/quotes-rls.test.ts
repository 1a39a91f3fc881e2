import pg from 'pg';
import { postgresDatabase } from '../../src/db/database.ts';
import { serveWireProtocol } from '../../src/db/wire-server.ts';
import { hasPostgres, seededPglite, seededPostgres, testLogger, type RecordedQuery, type TestDatabase } from '../helpers/databases.ts';
import { describeQuotesRls } from '../helpers/quotes-rls-suite.ts';

// The suite test/unit/quotes-rls.test.ts runs on PGlite in the test's process, here through
// node-postgres: on the Postgres server, and on PGlite served on its socket as the embedded
// database's owner serves it, where every connection shares one session.

/** PGlite behind the wire protocol, reached by a pool of four, as `contrail serve` reaches its folder. */
async function pgliteOverSocket(): Promise<TestDatabase> {
  const embedded = await seededPglite();
  const server = await serveWireProtocol(embedded.pglite!);
  const queries: RecordedQuery[] = [];
  const handle = postgresDatabase(new pg.Pool({ connectionString: server.url, max: 4 }), {
    logger: testLogger,
    onQuery: (sql, params) => queries.push({ sql, params }),
  });
  return {
    ...handle,
    kind: 'pglite',
    queries,
    url: server.url,
    async close() {
      await handle.close();
      await server.close();
      await embedded.close();
    },
  };
}

describeQuotesRls('quotes as the viewer, on the Postgres server', seededPostgres, { recordsTransactionStatements: true, pooled: true, skip: !hasPostgres });
describeQuotesRls('quotes as the viewer, on PGlite over its socket', pgliteOverSocket, { recordsTransactionStatements: true, pooled: true });
