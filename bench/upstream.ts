// The UPSTREAM workload of `npm run bench`: how many calls to the paid flight API and the
// weather API the caches save. One sandbox (80 ± 40 ms a call) serves gateways started with
// their caches on and off; the same seeded requests go to each, and the sandbox counts the
// calls. See README "Benchmark".
import { sql } from 'drizzle-orm';
import { AirportWeatherDocument, FlightSearchDocument, FlightStatusDocument } from '../schema/generated/graphql.ts';
import { openDatabase, type DatabaseConfig, type DatabaseHandle } from '../src/db/database.ts';
import { prepareDatabase } from '../src/db/prepare.ts';
import { createLogger } from '../src/logger.ts';
import { seeded } from '../src/sandbox/random.ts';
import { createSandbox, type Sandbox } from '../src/sandbox/server.ts';
import type { StatsSnapshot } from '../src/sandbox/stats.ts';
import { loadWorld } from '../src/sandbox/world.ts';
import { cpuSeconds } from './measure.ts';
import { zipfSequence } from './zipf.ts';

export interface UpstreamBenchOptions {
  /** The bench's database: the routes and the world come from it, and the gateways' call log is read from it afterwards. */
  database: DatabaseConfig;
  /** Starts `contrail serve` with these settings over the bench's own; resolves once it answers. */
  startGateway(env: Record<string, string>): Promise<{ url: string; pid: number; stop(): Promise<void> }>;
  /** The bench's key prefix, which its clean-up removes: each gateway's keys go below it. */
  keyPrefix: string;
  /** Requests in flight at once. Default: 50. */
  connections?: number;
  /** Requests per run. Default: 10 000. */
  requests?: number;
}

/** One gateway's run of the workload, as the gateway's client and the sandbox saw it. */
export interface UpstreamRun {
  requests: number;
  seconds: number;
  /** Answers that were not 200, or carried GraphQL errors, or never came. */
  errors: number;
  /** Answers without the flight or the weather asked for (a workload that asks for nothing would save everything). */
  empty: number;
  /** Answers served by the response cache (`extensions.cache.hit`). */
  responseCacheHits: number;
  /** Calls the sandbox answered, per path. */
  upstreamCalls: { flights: number; metar: number; taf: number; total: number };
  /** What those calls cost (AviationStack's overage price; aviationweather.gov is free). */
  costUsd: number;
  /** The gateway process's CPU time (user + system) over the run, per request. */
  gatewayCpuMsPerRequest: number;
  /** Upstream attempts as the gateway logged them (api_call_log), per source. */
  gatewayCallLog: Record<string, number>;
  /** The first request of each distinct body. */
  cold: Latency;
  /** A repeated body sent after its first request was answered. */
  warm: Latency;
  /** A repeated body sent while its first request was still waiting: it joins that call. */
  joined: Latency;
  errorSamples: string[];
}

export interface Latency {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface UpstreamResult {
  date: string;
  routes: number;
  requests: number;
  mix: { status: number; search: number; weather: number };
  /** Distinct request bodies; flights asked for; routes searched; airports whose weather was asked (a flight's two, or one). */
  distinct: { bodies: number; flights: number; routes: number; airports: number };
  /**
   * Flights calls no cache can avoid: one per distinct flight asked for, and one per page of each
   * distinct route searched (the entity cache keeps flights and route-days apart).
   */
  flightsCallsFloor: number;
  /** Calls the requests would make each on its own, nothing shared: one per batched level. */
  callsAlone: { flights: number; metar: number; total: number };
  sandbox: { latencyMs: number; jitterMs: number };
  /** One flight with the weather at both ends, nothing cached: the calls it made, in order. */
  coldFlightWithWeather: { ms: number; calls: Record<string, number>; requests: string[] };
  cachesOn: UpstreamRun;
  cachesOff: UpstreamRun;
  /** 1 − calls with the caches / calls without. */
  shareSaved: number;
  /** The same for the paid API alone. */
  flightsShareSaved: number;
  costSavedUsd: number;
}

const LATENCY_MS = 80;
const JITTER_MS = 40;
const ROUTES = 200;
const ZIPF_S = 1.1;
// How the requests split: flight status 40 %, flight search 30 %, airport weather 30 %.
const STATUS_SHARE = 0.4;
const SEARCH_SHARE = 0.3;
const ACCESS_KEY = 'bench';

interface BenchRoute {
  from: string;
  to: string;
  /** The route's operating flights on the day, as the sandbox lists them. */
  flights: string[];
  /** Pages of 100 records (codeshares included) its day takes: the calls a search costs. */
  pages: number;
}

interface Request {
  kind: 'status' | 'search' | 'weather';
  body: string;
  route: BenchRoute;
  /** The flight asked for (status) or the airport (weather). */
  subject?: string;
}

const flightStatus = FlightStatusDocument.toString();
const flightSearch = FlightSearchDocument.toString();
const airportWeather = AirportWeatherDocument.toString();

const statusBody = (number: string, date: string) => JSON.stringify({ query: flightStatus, variables: { number, date }, operationName: 'FlightStatus' });
const searchBody = (from: string, to: string, date: string) => JSON.stringify({ query: flightSearch, variables: { from, to, date }, operationName: 'FlightSearch' });
const weatherBody = (iata: string) => JSON.stringify({ query: airportWeather, variables: { iata }, operationName: 'AirportWeather' });

export async function withDatabase<T>(config: DatabaseConfig, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const logger = createLogger('warn');
  const database = await openDatabase(config, { logger });
  try {
    await prepareDatabase(database, logger);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Direct origin–destination pairs by how many route rows (airlines) fly them, busiest first. */
export async function busiestPairs(database: DatabaseHandle, limit: number): Promise<{ from: string; to: string }[]> {
  const result = await database.db.execute(sql`
    SELECT o.iata AS "from", d.iata AS "to" FROM routes r
    JOIN airports o ON o.id = r.origin_id JOIN airports d ON d.id = r.destination_id
    WHERE r.stops = 0 AND o.iata IS NOT NULL AND d.iata IS NOT NULL
    GROUP BY o.iata, d.iata ORDER BY count(*) DESC, o.iata, d.iata LIMIT ${limit}`);
  return (result as { rows: { from: string; to: string }[] }).rows;
}

/** The operating flight numbers of a route on a date, every page, from the sandbox. */
async function routeDay(sandboxUrl: string, from: string, to: string, date: string): Promise<BenchRoute> {
  const numbers: string[] = [];
  for (let offset = 0, pages = 1; ; pages++) {
    const query = new URLSearchParams({ access_key: ACCESS_KEY, dep_iata: from, arr_iata: to, flight_date: date, offset: String(offset) });
    const response = await fetch(`${sandboxUrl}/v1/flights?${query}`);
    if (!response.ok) throw new Error(`sandbox /v1/flights ${from}-${to}: ${response.status}`);
    const page = (await response.json()) as { pagination: { count: number; total: number }; data: { flight: { iata: string; codeshared: unknown } }[] };
    for (const record of page.data) if (!record.flight.codeshared) numbers.push(record.flight.iata);
    offset += page.pagination.count;
    if (page.pagination.count === 0 || offset >= page.pagination.total) return { from, to, flights: numbers, pages };
  }
}

/**
 * The seeded request sequence: a route drawn by Zipf over the routes, then what is asked of
 * it — one of its flights (each as likely), its flights of the day, or the weather at one end.
 */
function workload(routes: BenchRoute[], date: string, length: number): Request[] {
  const random = seeded('contrail-bench', 'upstream');
  return zipfSequence(routes.length, ZIPF_S, length).map((rank) => {
    const route = routes[rank]!;
    const draw = random.next();
    if (draw < STATUS_SHARE) {
      const number = random.pick(route.flights);
      return { kind: 'status', body: statusBody(number, date), route, subject: number };
    }
    if (draw < STATUS_SHARE + SEARCH_SHARE) return { kind: 'search', body: searchBody(route.from, route.to, date), route };
    const iata = random.next() < 0.5 ? route.from : route.to;
    return { kind: 'weather', body: weatherBody(iata), route, subject: iata };
  });
}

interface Sample {
  startedAt: number;
  ms: number;
  error: string | null;
  empty: boolean;
  hit: boolean;
}

type Answer = { data?: Record<string, unknown> | null; errors?: { message: string }[]; extensions?: { cache?: { hit?: boolean } } };

function isEmpty(kind: Request['kind'], data: Record<string, unknown>): boolean {
  if (kind === 'status') {
    const flight = data.flight as { originWeather: unknown; destinationWeather: unknown } | null;
    return !flight || !flight.originWeather || !flight.destinationWeather;
  }
  if (kind === 'search') return (data.flights as { edges: unknown[] }).edges.length === 0;
  return !(data.airport as { weather: unknown } | null)?.weather;
}

async function post(url: string, request: Request): Promise<Sample> {
  const startedAt = performance.now();
  const sample = (error: string | null, answer?: Answer): Sample => ({
    startedAt,
    ms: performance.now() - startedAt,
    error,
    empty: !error && answer?.data ? isEmpty(request.kind, answer.data) : false,
    hit: answer?.extensions?.cache?.hit === true,
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status !== 200) return sample(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as Answer;
    if (answer.errors?.length) return sample(answer.errors.map((e) => e.message).join('; '), answer);
    if (!answer.data) return sample('no data', answer);
    return sample(null, answer);
  } catch (err) {
    return sample((err as Error).message);
  }
}

/** Sends every request, `connections` at a time, in order; one sample per request. */
async function send(url: string, requests: Request[], connections: number): Promise<Sample[]> {
  const samples: Sample[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      samples[index] = await post(url, requests[index]!);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return samples;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 10) / 10;
}

function latency(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

/** Cold, warm and joined latencies: by whether the body was sent before, and whether that first answer had come. */
function byTemperature(requests: Request[], samples: Sample[]) {
  const first = new Map<string, Sample>();
  const cold: number[] = [];
  const warm: number[] = [];
  const joined: number[] = [];
  requests.forEach((request, i) => {
    const sample = samples[i]!;
    const earlier = first.get(request.body);
    // Requests start in index order, so the first index of a body is its first request.
    if (!earlier) {
      first.set(request.body, sample);
      cold.push(sample.ms);
    } else if (sample.startedAt >= earlier.startedAt + earlier.ms) {
      warm.push(sample.ms);
    } else {
      joined.push(sample.ms);
    }
  });
  return { cold: latency(cold), warm: latency(warm), joined: latency(joined) };
}

function upstreamCalls(stats: StatsSnapshot) {
  const flights = stats.calls['/v1/flights'] ?? 0;
  const metar = stats.calls['/api/data/metar'] ?? 0;
  const taf = stats.calls['/api/data/taf'] ?? 0;
  return { flights, metar, taf, total: flights + metar + taf };
}

interface Window {
  from: Date;
  to: Date;
}

/** Runs the workload against one gateway, reading the sandbox's counts around it. */
async function run(sandbox: Sandbox, gateway: { url: string; pid: number }, requests: Request[], connections: number): Promise<{ run: Omit<UpstreamRun, 'gatewayCallLog'>; window: Window }> {
  sandbox.stats.reset();
  const from = new Date();
  const started = performance.now();
  const cpuBefore = cpuSeconds(gateway.pid);
  const samples = await send(gateway.url, requests, connections);
  const cpu = cpuSeconds(gateway.pid) - cpuBefore;
  const seconds = (performance.now() - started) / 1000;
  const to = new Date();
  const stats = sandbox.stats.snapshot();
  const failed = samples.filter((s) => s.error !== null);
  return {
    window: { from, to },
    run: {
      requests: requests.length,
      seconds: Math.round(seconds * 10) / 10,
      errors: failed.length,
      empty: samples.filter((s) => s.empty).length,
      responseCacheHits: samples.filter((s) => s.hit).length,
      upstreamCalls: upstreamCalls(stats),
      costUsd: stats.cost.total,
      gatewayCpuMsPerRequest: Math.round((cpu / requests.length) * 1e4) / 10,
      ...byTemperature(requests, samples),
      errorSamples: [...new Set(failed.map((s) => s.error!))].slice(0, 5),
    },
  };
}

/** Upstream attempts each gateway logged in its window (api_call_log), per source. */
async function callLog(database: DatabaseHandle, window: Window): Promise<Record<string, number>> {
  const result = await database.db.execute(sql`
    SELECT source, count(*)::int AS calls FROM api_call_log
    WHERE at >= ${window.from.toISOString()}::timestamptz AND at <= ${window.to.toISOString()}::timestamptz
    GROUP BY source ORDER BY source`);
  return Object.fromEntries((result as { rows: { source: string; calls: number }[] }).rows.map((r) => [r.source, r.calls]));
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Floors and references: calls no cache avoids, and calls with nothing shared between requests. */
function referenceCalls(requests: Request[]) {
  const flights = new Set<string>();
  const routes = new Set<BenchRoute>();
  const alone = { flights: 0, metar: 0 };
  for (const request of requests) {
    if (request.kind === 'status') {
      flights.add(request.subject!);
      // The flight, then both ends' METARs in one call.
      alone.flights += 1;
      alone.metar += 1;
    } else if (request.kind === 'search') {
      routes.add(request.route);
      alone.flights += request.route.pages;
    } else {
      alone.metar += 1;
    }
  }
  const floor = flights.size + [...routes].reduce((sum, route) => sum + route.pages, 0);
  return { flightsCallsFloor: floor, callsAlone: { ...alone, total: alone.flights + alone.metar }, distinctFlights: flights.size, distinctRoutes: routes.size };
}

/**
 * UPSTREAM: `requests` seeded requests (Zipf over the 200 busiest routes: flight status, flight
 * search, airport weather) sent to a gateway with its caches and to one with RESPONSE_CACHE=off
 * and ENTITY_CACHE=off, both calling one sandbox; the calls each made, what they cost, and the
 * latency of cold and warm requests. First, one cold flight with the weather at both ends.
 */
export async function runUpstreamBench(options: UpstreamBenchOptions): Promise<UpstreamResult> {
  const connections = options.connections ?? 50;
  const length = options.requests ?? 10_000;
  const date = new Date().toISOString().slice(0, 10);
  const upstream = { latencyMs: LATENCY_MS, jitterMs: JITTER_MS };

  const { world, pairs } = await withDatabase(options.database, async (database) => ({
    world: await loadWorld(database.db),
    // Twice as many as needed: a pair the sandbox flies nobody on (its airlines have no IATA code) is left out.
    pairs: await busiestPairs(database, ROUTES * 2),
  }));
  const sandbox = createSandbox(world, { knobs: { aviationstack: upstream, aviationweather: upstream } });
  const listening = await sandbox.listen(0);
  try {
    // Learning the flight numbers is no part of the measurement: without the latency.
    sandbox.control.set({ aviationstack: { latencyMs: 0, jitterMs: 0 } });
    const routes: BenchRoute[] = [];
    for (const pair of pairs) {
      if (routes.length === ROUTES) break;
      const day = await routeDay(listening.url, pair.from, pair.to, date);
      if (day.flights.length) routes.push(day);
    }
    if (routes.length < ROUTES) throw new Error(`only ${routes.length} of the busiest routes have flights on ${date} in the sandbox`);
    sandbox.control.reset();

    const requests = workload(routes, date, length);
    const count = (kind: Request['kind']) => requests.filter((r) => r.kind === kind).length;
    const reference = referenceCalls(requests);
    const airports = new Set(routes.flatMap((r) => [r.from, r.to]));
    console.log(
      `UPSTREAM: ${length} requests over the ${ROUTES} busiest routes (${airports.size} airports) on ${date}, Zipf s = ${ZIPF_S}; ` +
        `${new Set(requests.map((r) => r.body)).size} distinct; sandbox ${LATENCY_MS} ± ${JITTER_MS} ms a call; ${connections} in flight`,
    );
    const gatewayEnv = {
      FLIGHTS_API_URL: `${listening.url}/v1`,
      FLIGHTS_API_KEY: ACCESS_KEY,
      WEATHER_API_URL: listening.url,
    };

    const coldFlightWithWeather = await coldFlight(options, gatewayEnv, sandbox, routes, date);

    const measured = async (label: string, env: Record<string, string>) => {
      const gateway = await options.startGateway({ ...gatewayEnv, ...env });
      try {
        const result = await run(sandbox, gateway, requests, connections);
        console.log(`  ${label}: ${result.run.seconds} s, ${result.run.upstreamCalls.total} upstream calls, ${result.run.errors} errors`);
        return result;
      } finally {
        await gateway.stop();
      }
    };
    const on = await measured('caches on', { CACHE_KEY_PREFIX: `${options.keyPrefix}upstream:` });
    const off = await measured('caches off', { CACHE_KEY_PREFIX: `${options.keyPrefix}upstream-off:`, RESPONSE_CACHE: 'off', ENTITY_CACHE: 'off' });

    // The gateways are stopped (their call logs flushed) and the embedded folder free again.
    const [onLog, offLog] = await withDatabase(options.database, (database) => Promise.all([callLog(database, on.window), callLog(database, off.window)]));
    const cachesOn: UpstreamRun = { ...on.run, gatewayCallLog: onLog };
    const cachesOff: UpstreamRun = { ...off.run, gatewayCallLog: offLog };
    const result: UpstreamResult = {
      date,
      routes: routes.length,
      requests: length,
      mix: { status: count('status'), search: count('search'), weather: count('weather') },
      distinct: {
        bodies: new Set(requests.map((r) => r.body)).size,
        flights: reference.distinctFlights,
        routes: reference.distinctRoutes,
        airports: new Set(requests.flatMap((r) => (r.kind === 'status' ? [r.route.from, r.route.to] : r.kind === 'weather' ? [r.subject!] : []))).size,
      },
      flightsCallsFloor: reference.flightsCallsFloor,
      callsAlone: reference.callsAlone,
      sandbox: upstream,
      coldFlightWithWeather,
      cachesOn,
      cachesOff,
      shareSaved: round(1 - cachesOn.upstreamCalls.total / cachesOff.upstreamCalls.total, 4),
      flightsShareSaved: round(1 - cachesOn.upstreamCalls.flights / cachesOff.upstreamCalls.flights, 4),
      costSavedUsd: round(cachesOff.costUsd - cachesOn.costUsd, 2),
    };
    report(result);
    return result;
  } finally {
    await listening.close();
  }
}

/**
 * One flight with the weather at both ends, on a gateway with nothing cached (a prefix of its
 * own), after one flight of other airports has warmed the process: the calls it made, in order.
 */
async function coldFlight(
  options: UpstreamBenchOptions,
  gatewayEnv: Record<string, string>,
  sandbox: Sandbox,
  routes: BenchRoute[],
  date: string,
): Promise<UpstreamResult['coldFlightWithWeather']> {
  const warmUp = routes[0]!;
  const route = routes.find((r) => ![r.from, r.to].some((iata) => iata === warmUp.from || iata === warmUp.to))!;
  const gateway = await options.startGateway({ ...gatewayEnv, CACHE_KEY_PREFIX: `${options.keyPrefix}upstream-probe:` });
  try {
    await post(gateway.url, { kind: 'status', body: statusBody(warmUp.flights[0]!, date), route: warmUp });
    sandbox.stats.reset();
    const sample = await post(gateway.url, { kind: 'status', body: statusBody(route.flights[0]!, date), route });
    if (sample.error || sample.empty) throw new Error(`the cold flight query failed: ${sample.error ?? 'no flight or no weather'}`);
    const stats = sandbox.stats.snapshot();
    console.log(`  a cold flight, ${route.flights[0]} ${route.from}→${route.to}, with the weather at both ends: ${round(sample.ms, 1)} ms; its upstream calls in order:`);
    for (const call of stats.requests) console.log(`    ${call}`);
    return { ms: round(sample.ms, 1), calls: stats.calls, requests: stats.requests };
  } finally {
    await gateway.stop();
  }
}

function report(r: UpstreamResult): void {
  const column = (run: UpstreamRun) => ({
    requests: run.requests,
    seconds: run.seconds,
    errors: run.errors,
    'empty answers': run.empty,
    'response-cache hits': run.responseCacheHits,
    'flights calls': run.upstreamCalls.flights,
    'metar calls': run.upstreamCalls.metar,
    'taf calls': run.upstreamCalls.taf,
    'upstream calls': run.upstreamCalls.total,
    'gateway call log': Object.entries(run.gatewayCallLog).map(([source, calls]) => `${source} ${calls}`).join(', '),
    'cost USD': round(run.costUsd, 2),
    'gateway CPU ms/req': run.gatewayCpuMsPerRequest,
    'cold n': run.cold.count,
    'cold p50 ms': run.cold.p50Ms,
    'cold p99 ms': run.cold.p99Ms,
    'warm n': run.warm.count,
    'warm p50 ms': run.warm.p50Ms,
    'warm p99 ms': run.warm.p99Ms,
    'joined n': run.joined.count,
    'joined p50 ms': run.joined.p50Ms,
    'joined p99 ms': run.joined.p99Ms,
  });
  console.log(
    `UPSTREAM: ${r.mix.status} flight status, ${r.mix.search} flight search, ${r.mix.weather} airport weather; ` +
      `distinct: ${r.distinct.flights} flights, ${r.distinct.routes} routes, ${r.distinct.airports} airports. ` +
      'Cold: the first request of a body; warm: a repeat sent after it was answered; joined: a repeat sent while it was not',
  );
  // One row per figure: the runs side by side.
  const on = column(r.cachesOn);
  const off = column(r.cachesOff);
  console.table(Object.fromEntries(Object.keys(on).map((name) => [name, { 'caches on': on[name as keyof typeof on], 'caches off': off[name as keyof typeof off] }])));
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  console.log(`  upstream calls saved: ${percent(r.shareSaved)} (target ≥ 97 %); paid flights calls saved: ${percent(r.flightsShareSaved)}`);
  console.log(
    `  flights calls no cache avoids (one per distinct flight, one per page of each distinct route): ${r.flightsCallsFloor}; ` +
      `each request on its own would make ${r.callsAlone.total} calls (${r.callsAlone.flights} flights, ${r.callsAlone.metar} metar)`,
  );
  console.log(`  estimated cost: $${round(r.cachesOn.costUsd, 2)} with the caches, $${round(r.cachesOff.costUsd, 2)} without: $${r.costSavedUsd} saved per ${r.requests} requests`);
  const calls = Object.entries(r.coldFlightWithWeather.calls).map(([path, n]) => `${n} ${path}`).join(', ');
  console.log(`  a cold flight with weather at both ends: ${calls} (${r.coldFlightWithWeather.ms} ms)`);
  for (const run of [r.cachesOn, r.cachesOff]) for (const sample of run.errorSamples) console.log(`  error: ${sample}`);
}
