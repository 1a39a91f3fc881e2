import { seededPglite } from '../helpers/databases.ts';
import { describeQuotesRls } from '../helpers/quotes-rls-suite.ts';

// The integration project runs the same suite on the Postgres server and on PGlite over its
// socket; here it runs on PGlite in this process (no services).

describeQuotesRls('quotes as the viewer, on PGlite in this process', seededPglite, { recordsTransactionStatements: false, pooled: false });
