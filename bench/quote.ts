// The QUOTE workload of `npm run bench`: anonymous quotes, Zipf over the busiest routes. The
// server CPU a quote costs when the response cache answers it (hit) and when it is priced
// (miss: response cache off, the entity caches warm, as for a quote nobody asked yet), and the
// SQL statements one cold quote sends. See README "Benchmark".
import { BenchQuoteDocument } from '../schema/generated/graphql.ts';
import { createAuthenticator } from '../src/auth/authenticator.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type DatabaseConfig } from '../src/db/database.ts';
import { openEntities } from '../src/entities/open-entities.ts';
import { createGateway } from '../src/gateway.ts';
import { createLogger } from '../src/logger.ts';
import { measure, type LoadSpec, type PhaseResult } from './measure.ts';
import { busiestPairs, withDatabase } from './upstream.ts';
import { zipfSequence } from './zipf.ts';

const ROUTES = 200;
const ZIPF_S = 1.1;
const SEQUENCE = 100_000;
// A quote closes 120 minutes before departure: the day after tomorrow, every flight can be quoted.
const DAYS_AHEAD = 2;
// Cold quotes whose statements are counted.
const COLD_SAMPLE = 50;
// The background writers' inserts (call log, flight history) run off the request path.
const BACKGROUND = /^insert into "(api_call_log|historical_flight_segments)"/;

const flightsOf = /* GraphQL */ `query QuoteBenchFlights($from: String!, $to: String!, $date: Date!) {
  flights(from: $from, to: $to, date: $date, first: 50) { edges { node { number status } } }
}`;

type Gateway = { url: string; pid: number; stop(): Promise<void> };

export interface QuoteBenchOptions {
  /** The bench's database (embedded folder or server): its routes, and the history the fill leaves. */
  database: DatabaseConfig;
  /** Starts `contrail serve` with these settings over the bench's own; resolves once it answers. */
  startGateway(env: Record<string, string>): Promise<Gateway>;
  /** The load for a phase: the bench's connections and seconds over these bodies. */
  spec(url: string, bodies: string[]): LoadSpec;
}

export interface QuoteResult {
  routes: number;
  distinct: number;
  hit: PhaseResult;
  miss: PhaseResult;
  /** CPU per request, miss ÷ hit. */
  missOverHit: number;
  statementsPerColdQuote: number;
  /** Each cold quote's statements, when they differ from one quote to another. */
  statementCounts: Record<number, number>;
}

const post = async (url: string, body: string) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };
};

/** Until the start-up fill reports done, printing its progress now and then. */
async function filled(url: string): Promise<void> {
  const health = url.replace(/\/graphql$/, '/health');
  for (let last = ''; ; await new Promise((resolve) => setTimeout(resolve, 2000))) {
    const body = (await (await fetch(health)).json()) as { backfill?: { state: string; done: number; total: number; errors: number } };
    const fill = body.backfill;
    if (!fill || fill.state !== 'filling') return;
    const line = `  history: ${fill.done}/${fill.total} route-days`;
    if (line !== last) console.log((last = line));
  }
}

/** One priceable flight per route, the busiest routes first: what the quotes ask about. */
async function quotedFlights(url: string, pairs: { from: string; to: string }[], date: string) {
  const flights: { flight: string; route: string }[] = [];
  for (const { from, to } of pairs) {
    if (flights.length === ROUTES) break;
    const listed = await post(url, JSON.stringify({ query: flightsOf, variables: { from, to, date } }));
    const scheduled = listed.data?.flights?.edges.map((e: { node: { number: string; status: string } }) => e.node).filter((f: { status: string }) => f.status === 'SCHEDULED');
    for (const { number } of scheduled ?? []) {
      const priced = await post(url, bodyFor(number, date));
      // A route whose history is too thin is declined (THIN_SAMPLE): not one a site would offer.
      if (priced.data?.quote) {
        flights.push({ flight: number, route: `${from}-${to}` });
        break;
      }
      if (priced.errors?.[0]?.extensions?.code !== 'QUOTE_DECLINED') throw new Error(`quote for ${number}: ${priced.errors?.[0]?.message}`);
    }
  }
  return flights;
}

const query = BenchQuoteDocument.toString();
const bodyFor = (flight: string, date: string) =>
  JSON.stringify({ query, variables: { flight, date, coverage: 200, threshold: 120 }, operationName: 'BenchQuote' });

async function warm(url: string, bodies: Iterable<string>) {
  for (const body of bodies) {
    const answer = await post(url, body);
    if (!answer.data?.quote) throw new Error(`warm-up quote failed: ${answer.errors?.[0]?.message}`);
  }
}

/**
 * The statements cold quotes send, counted in this process: a gateway without a response cache
 * over the bench's database and an in-process sandbox, each quote asked once.
 */
async function coldStatements(database: DatabaseConfig, bodies: string[]): Promise<number[]> {
  const logger = createLogger('warn');
  let statements = 0;
  const handle = await openDatabase(database, { logger, onQuery: (sql) => void (BACKGROUND.test(sql) || statements++) });
  const { upstreams } = loadConfig(process.env);
  // Upstreams as configured (none: the in-process sandbox), instantly, and no entity cache: every quote cold.
  const opened = await openEntities({ upstreams: { ...upstreams, entityCache: false, sandbox: { latencyMs: 0, jitterMs: 0, failureRate: 0 } }, db: handle.db, cache: undefined, logger });
  const { entities } = opened;
  try {
    const gateway = createGateway({ database: handle, entities, authenticate: createAuthenticator({ clockToleranceSeconds: 0, apiKeyCacheMs: 0 }, handle.db), logger });
    const counts: number[] = [];
    for (const body of bodies) {
      statements = 0;
      const response = await gateway.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await response.json()) as { data?: { quote?: unknown } };
      if (!answer.data?.quote) throw new Error('a cold quote failed');
      counts.push(statements);
    }
    return counts;
  } finally {
    await opened.close();
    await handle.close();
  }
}

export async function runQuoteBench(options: QuoteBenchOptions): Promise<QuoteResult> {
  const date = new Date(Date.now() + DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10);
  const pairs = await withDatabase(options.database, (database) => busiestPairs(database, ROUTES + 50));

  // The start-up fill, widened to the routes quoted: history to price them from.
  let server = await options.startGateway({ BACKFILL_START_ROUTES: String(ROUTES + 50), BACKFILL_START_DAYS: '30' });
  let flights: { flight: string; route: string }[];
  let hit: PhaseResult;
  let sequence: string[];
  try {
    await filled(server.url);
    flights = await quotedFlights(server.url, pairs, date);
    sequence = zipfSequence(flights.length, ZIPF_S, SEQUENCE).map((rank) => bodyFor(flights[rank]!.flight, date));
    console.log(`QUOTE: ${flights.length} flights on ${date}, one per busy route, Zipf s = ${ZIPF_S}; ${new Set(sequence).size} distinct quotes`);
    await warm(server.url, new Set(sequence));
    hit = await measure(server.pid, options.spec(server.url, sequence));
    console.log(`  QUOTE hit: ${hit.cpuMicrosPerRequest.toFixed(1)} µs CPU/request`);
  } finally {
    await server.stop();
  }

  server = await options.startGateway({ RESPONSE_CACHE: 'off', BACKFILL_ON_START: 'off' });
  let miss: PhaseResult;
  try {
    // Flights and forecasts in the entity caches, as for a quote on a flight others have looked at.
    await warm(server.url, new Set(sequence));
    miss = await measure(server.pid, options.spec(server.url, sequence));
    console.log(`  QUOTE miss (response cache off): ${miss.cpuMicrosPerRequest.toFixed(1)} µs CPU/request`);
  } finally {
    await server.stop();
  }

  const counts = await coldStatements(options.database, flights.slice(0, COLD_SAMPLE).map((f) => bodyFor(f.flight, date)));
  const statementCounts: Record<number, number> = {};
  for (const n of counts) statementCounts[n] = (statementCounts[n] ?? 0) + 1;
  const result: QuoteResult = {
    routes: flights.length,
    distinct: new Set(sequence).size,
    hit,
    miss,
    missOverHit: miss.cpuMicrosPerRequest / hit.cpuMicrosPerRequest,
    statementsPerColdQuote: counts.reduce((a, b) => a + b, 0) / counts.length,
    statementCounts,
  };
  console.log(
    `  QUOTE: a miss costs ${result.missOverHit.toFixed(1)}× a hit's CPU; ${result.statementsPerColdQuote.toFixed(2)} SQL statements per cold quote ` +
      `(${Object.entries(statementCounts).map(([n, k]) => `${k} × ${n}`).join(', ')})`,
  );
  return result;
}
