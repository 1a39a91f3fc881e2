import { spawn } from 'node:child_process';
import path from 'node:path';
import { and, countDistinct, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historicalFlightSegments as segments, historicalWeatherObservations as observations } from '../../drizzle/schema/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { Entities } from '../../src/entities/create-entities.ts';
import { backfill } from '../../src/history/backfill.ts';
import { backfillDeps, type BackfillDeps } from '../../src/history/backfill-deps.ts';
import { BACKFILL_SOURCE } from '../../src/history/backfill-plan.ts';
import type { BackfillProgress } from '../../src/history/backfill-run.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/upstreams.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** yyyy-mm-dd on the wall calendar of `zone`, `back` days before the day of `now`. */
function localDay(zone: string, now: number, back: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
}

/** The route-days the sandbox was asked for, as `FROM-TO date`, sorted. */
function askedRouteDays(sandbox: TestSandbox): string[] {
  return sandbox.sandbox.stats
    .snapshot()
    .requests.filter((r) => r.startsWith('/v1/flights?'))
    .map((r) => {
      const q = new URLSearchParams(r.slice(r.indexOf('?') + 1));
      return `${q.get('dep_iata')}-${q.get('arr_iata')} ${q.get('flight_date')}`;
    })
    .sort();
}

describe.skipIf(!hasPostgres)('backfill', () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let entities: Entities;
  let deps: BackfillDeps;
  const now = Date.now();
  const zones: Record<string, string> = { JFK: 'America/New_York', LHR: 'Europe/London', ATL: 'America/New_York', CDG: 'Europe/Paris', FRA: 'Europe/Berlin', HKG: 'Asia/Hong_Kong' };
  const routeDays = (pairs: [string, string][], days: number) =>
    pairs.flatMap(([from, to]) => Array.from({ length: days }, (_, i) => `${from}-${to} ${localDay(zones[from]!, now, i + 1)}`)).sort();

  beforeAll(async () => {
    database = await seededPostgres();
    sandbox = await startTestSandbox(database);
    entities = sandbox.entities();
    deps = await backfillDeps(database.db, { flights: entities.clients.flights, flightsKey: 'test', weather: entities.clients.weather, weatherBatchSize: 100 }, testLogger);
  });
  afterAll(async () => {
    await sandbox?.close();
    await database?.close();
  });
  beforeEach(() => sandbox.sandbox.stats.reset());

  async function recorded(pairs: [string, string][]) {
    const rows = await database.db
      .select({ flights: count(), routeDays: countDistinct(segments.flightDate) })
      .from(segments)
      .where(and(eq(segments.source, BACKFILL_SOURCE), inArray(segments.originIata, pairs.map(([from]) => from)), inArray(segments.destinationIata, pairs.map(([, to]) => to))))
      .groupBy(segments.originIata, segments.destinationIata);
    return { flights: rows.reduce((sum, r) => sum + r.flights, 0), routeDays: rows.reduce((sum, r) => sum + r.routeDays, 0) };
  }

  it('fetches each route-day once, records its operating flights and the stations’ METARs, and a second run calls nothing', async () => {
    const pairs: [string, string][] = [['JFK', 'LHR'], ['LHR', 'JFK'], ['ATL', 'ORD']];
    const progress: BackfillProgress[] = [];
    const first = await backfill(deps, { days: 3, routes: { pairs }, now: () => now, onProgress: (p) => progress.push(p) });

    const stats = sandbox.sandbox.stats.snapshot();
    expect(stats.routes).toEqual({ 'JFK-LHR': 3, 'LHR-JFK': 3, 'ATL-ORD': 3 });
    expect(askedRouteDays(sandbox)).toEqual(routeDays(pairs, 3));
    // Four stations, four and a bit days back: one call.
    expect(stats.calls).toEqual({ '/v1/flights': 9, '/api/data/metar': 1, '/api/data/taf': 0 });
    expect(Object.keys(stats.stations).sort()).toEqual(['EGLL', 'KATL', 'KJFK', 'KORD']);

    const rows = await recorded(pairs);
    expect(rows.routeDays).toBe(9);
    expect(rows.flights).toBe(first.flights);
    expect(first.flights).toBeGreaterThan(9);
    const [metars] = await database.db.select({ n: count() }).from(observations).where(eq(observations.source, BACKFILL_SOURCE));
    expect(first).toMatchObject({
      routes: 3,
      routeDays: { planned: 9, skipped: 0, fetched: 9, failed: 0, empty: 0 },
      // From the start of the UTC day 3 + 1 days ago: the oldest local day began before it east of Greenwich.
      weather: { hours: Math.ceil((now - (Math.floor(now / 86_400_000) - 4) * 86_400_000) / 3_600_000), stations: 4, skipped: 0, calls: 1, failedCalls: 0, observations: metars!.n },
      upstreamCalls: 10,
      errors: 0,
    });
    expect(first.stopped).toBeUndefined();
    expect(progress.at(-1)).toEqual({ routeDays: { done: 9, total: 9 }, weatherCalls: { done: 1, total: 1 }, flights: first.flights, errors: 0 });

    sandbox.sandbox.stats.reset();
    const second = await backfill(deps, { days: 3, routes: { pairs }, now: () => now });
    expect(sandbox.sandbox.stats.snapshot().calls).toEqual({ '/v1/flights': 0, '/api/data/metar': 0, '/api/data/taf': 0 });
    expect(second).toMatchObject({ routeDays: { planned: 9, skipped: 9, fetched: 0 }, flights: 0, weather: { stations: 4, skipped: 4, calls: 0 }, upstreamCalls: 0 });
    expect(await recorded(pairs)).toEqual(rows);
  });

  it('stops after the calls in flight when aborted, and the next run fetches exactly the rest', async () => {
    const pairs: [string, string][] = [['CDG', 'FRA'], ['FRA', 'CDG'], ['HKG', 'BKK']];
    const controller = new AbortController();
    // Three at once: the weather call and the first two route-days start together; the first
    // answer aborts, the other two finish and are recorded, nothing else starts.
    const partial = await backfill(deps, { days: 3, routes: { pairs }, now: () => now, concurrency: 3, signal: controller.signal, onProgress: () => controller.abort() });

    const newest = [`CDG-FRA ${localDay('Europe/Paris', now, 1)}`, `FRA-CDG ${localDay('Europe/Berlin', now, 1)}`];
    expect(askedRouteDays(sandbox)).toEqual(newest.sort());
    expect(sandbox.sandbox.stats.snapshot().calls).toEqual({ '/v1/flights': 2, '/api/data/metar': 1, '/api/data/taf': 0 });
    expect(partial).toMatchObject({
      routeDays: { planned: 9, skipped: 0, fetched: 2, failed: 0 },
      weather: { stations: 4, calls: 1 },
      upstreamCalls: 3,
      stopped: { reason: 'aborted' },
    });
    expect((await recorded(pairs)).routeDays).toBe(2);

    sandbox.sandbox.stats.reset();
    const rest = await backfill(deps, { days: 3, routes: { pairs }, now: () => now });
    expect(askedRouteDays(sandbox)).toEqual(routeDays(pairs, 3).filter((day) => !newest.includes(day)));
    expect(sandbox.sandbox.stats.snapshot().calls).toEqual({ '/v1/flights': 7, '/api/data/metar': 0, '/api/data/taf': 0 });
    expect(rest).toMatchObject({ routeDays: { planned: 9, skipped: 2, fetched: 7 }, weather: { skipped: 4, calls: 0 }, upstreamCalls: 7 });
    expect(rest.stopped).toBeUndefined();
    expect((await recorded(pairs)).routeDays).toBe(9);
  });

  it('asks the weather upstream, hours later, only for the hours since the start of the day it last covered in part', async () => {
    const pairs: [string, string][] = [['SYD', 'MEL']];
    zones.SYD = 'Australia/Sydney';
    await backfill(deps, { days: 1, routes: { pairs }, now: () => now });
    sandbox.sandbox.stats.reset();

    const later = now + 6 * 3_600_000;
    const summary = await backfill(deps, { days: 1, routes: { pairs }, now: () => later });
    const metarCalls = sandbox.sandbox.stats.snapshot().requests.filter((r) => r.startsWith('/api/data/metar?'));
    // The days before stay covered; today (UTC) as of the first run was covered only in part.
    const startOfThatDay = Math.floor(now / 86_400_000) * 86_400_000;
    expect(metarCalls).toEqual([`/api/data/metar?ids=YMML,YSSY&format=json&hours=${Math.ceil((later - startOfThatDay) / 3_600_000)}`]);
    // And the route-day that became yesterday in Sydney meanwhile, if one did.
    const newDay = localDay('Australia/Sydney', later, 1) === localDay('Australia/Sydney', now, 1) ? [] : [`SYD-MEL ${localDay('Australia/Sydney', later, 1)}`];
    expect(askedRouteDays(sandbox)).toEqual(newDay);
    expect(summary).toMatchObject({ weather: { stations: 2, skipped: 0, calls: 1 }, routeDays: { fetched: newDay.length }, upstreamCalls: 1 + newDay.length });
  });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `contrail backfill …` as a process; `whenStderr` is called with each chunk it writes there. */
function runCli(args: string[], env: NodeJS.ProcessEnv, whenStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  // No upstream configured: the command starts the sandbox in-process, as `contrail serve` does.
  const child = spawn(process.execPath, ['src/contrail.mjs', 'backfill', ...args], {
    cwd: root,
    env: { ...process.env, FLIGHTS_API_URL: '', WEATHER_API_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    whenStderr?.(stderr, child);
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe.skipIf(!hasPostgres)('contrail backfill', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seededPostgres();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('fills the days asked for from the in-process sandbox and prints the summary on stdout', { timeout: 60_000 }, async () => {
    const run = await runCli(['--days', '2', '--routes', 'JFK-LHR'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
    expect(run.stdout).toMatch(/^route-days planned +2$/m);
    expect(run.stdout).toMatch(/^route-days fetched +2$/m);
    expect(run.stdout).toMatch(/^weather stations +2 \(0 already in history, \d+ h back\)$/m);
    // Two route-days of one page each, and one METAR call for KJFK and EGLL.
    expect(run.stdout).toMatch(/^upstream calls +3$/m);
    expect(run.stdout).toMatch(/^errors +0$/m);
    const [row] = await database.db.select({ n: countDistinct(segments.flightDate) }).from(segments).where(eq(segments.source, BACKFILL_SOURCE));
    expect(row!.n).toBe(2);
  });

  it('stops on Ctrl-C after the calls in flight, prints what it did and exits 130', { timeout: 60_000 }, async () => {
    let interrupted = false;
    const run = await runCli(['--days', '5', '--routes', 'top:20'], { DATABASE_URL: database.url, LOG_LEVEL: 'info', SANDBOX_LATENCY_MS: '100' }, (stderr, child) => {
      // Once the first tenth is done, so the interruption lands mid-way.
      if (!interrupted && stderr.includes('backfill: 10 %')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(run, run.stderr).toMatchObject({ code: 130, signal: null });
    expect(run.stdout).toMatch(/^route-days planned +100$/m);
    const fetched = Number(/^route-days fetched +(\d+)$/m.exec(run.stdout)![1]);
    expect(fetched).toBeGreaterThanOrEqual(8);
    expect(fetched).toBeLessThan(100);
    expect(run.stdout).toMatch(/^stopped +interrupted: run it again to resume$/m);
  });
});

describe.skipIf(!hasPostgres)('the start-up fill', () => {
  let database: TestDatabase;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    database = await seededPostgres();
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('runs after the server listens, without holding up requests, and /health reports it until it is done', { timeout: 60_000 }, async () => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      BACKFILL_START_DAYS: '2',
      BACKFILL_START_ROUTES: '3',
      // Slow enough that the fill is still running when the server is first asked.
      SANDBOX_LATENCY_MS: '200',
    });
    server = await startServer(config, testLogger);
    const healthUrl = server.url.replace(/\/graphql$/, '/health');
    const health = async () => {
      const response = await fetch(healthUrl);
      return { status: response.status, body: (await response.json()) as { status: string; backfill: { state: string; done: number; total: number; errors: number } } };
    };

    const early = await health();
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('healthy');
    expect(early.body.backfill.state).toBe('filling');
    const answer = await graphql(server.url, '{ airport(iata: "JFK") { name } }');
    expect(answer.body.data).toEqual({ airport: { name: 'John F Kennedy International Airport' } });
    expect((await health()).body.backfill.state).toBe('filling');

    let latest = early;
    for (const deadline = Date.now() + 30_000; latest.body.backfill.state === 'filling' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      latest = await health();
    }
    expect(latest.body).toMatchObject({ status: 'healthy', backfill: { state: 'done', done: 6, total: 6, errors: 0 } });
    // The three busiest pairs, two days each.
    const filled = await database.db
      .selectDistinct({ from: segments.originIata, to: segments.destinationIata, date: segments.flightDate })
      .from(segments)
      .where(eq(segments.source, BACKFILL_SOURCE));
    expect(filled).toHaveLength(6);
    expect(new Set(filled.map((r) => `${r.from}-${r.to}`))).toEqual(new Set(['ORD-ATL', 'ATL-ORD', 'HKT-BKK']));
  });

  it('is off with BACKFILL_ON_START=off', { timeout: 60_000 }, async () => {
    const off = await startServer(loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', BACKFILL_ON_START: 'off' }), testLogger);
    try {
      const response = await fetch(off.url.replace(/\/graphql$/, '/health'));
      expect(await response.json()).toMatchObject({ status: 'healthy', backfill: { state: 'off', done: 0, total: 0 } });
    } finally {
      await off.close();
    }
  });
});
