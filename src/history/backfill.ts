import { and, between, countDistinct, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { airports, historicalFlightSegments as segments, historicalWeatherObservations as observations, routes } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { FLIGHTS_PAGE_LIMIT } from '../sources/flights/aviationstack.ts';
import { FlightsApiError } from '../sources/flights/errors.ts';
import { createFlightSource, type FlightSource } from '../sources/flights/source.ts';
import { UpstreamCircuitOpenError } from '../sources/errors.ts';
import type { HttpClient } from '../sources/http-client.ts';
import { createWeatherSource, METAR_HISTORY_MAX_HOURS, type WeatherSource } from '../sources/weather/source.ts';
import { isKnownTimeZone, offsetAt } from '../sources/zoned-time.ts';
import { airportZones } from '../sql/airports.ts';
import { recordFlights } from './flights.ts';
import { recordMetars } from './weather.ts';

/**
 * Fills history (`historical_flight_segments`, `historical_weather_observations`) for past days
 * from the upstreams, so delay patterns have something to stand on. Resumable without a table of
 * its own: a route-day is complete once history holds rows for it written by a backfill (source
 * `backfill`), and a station's day once its METARs cover that day's hours.
 */

/** The `source` of every row a backfill writes: how a later run knows a route-day is complete. */
export const BACKFILL_SOURCE = 'backfill';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_RECORDED_FAILURES = 10;

/** The routes to fill: the `top` busiest origin–destination pairs, or the pairs named (IATA codes). */
export type RouteChoice = { top: number } | { pairs: readonly (readonly [from: string, to: string])[] };

export interface BackfillOptions {
  /** Days per route, counted back from yesterday at its origin (today is still flying). */
  days: number;
  routes: RouteChoice;
  /** Fill METAR history too (with a weather source), from the start of the UTC day min(days + 1, 14) days ago. Default: true. */
  weather?: boolean;
  /**
   * METARs one weather call should answer at most (a station's history call answers one an hour):
   * fewer make smaller calls and shorter stretches of parsing. Default: 2400, what a latest call
   * for 100 stations answers in a day, about a megabyte.
   */
  weatherReportsPerCall?: number;
  /** The clock. Default: Date.now. */
  now?: () => number;
}

export interface PlannedRoute {
  from: string;
  to: string;
  /** Airlines selling the pair in the route table: how busy it is. */
  airlines: number;
}

export interface RouteDay {
  from: string;
  to: string;
  /** The local date of departure at `from`, yyyy-mm-dd. */
  date: string;
}

export interface BackfillPlan {
  routes: PlannedRoute[];
  /** Route-days still to fetch: the newest date of every route first, so a stopped fill has recent days everywhere. */
  pending: RouteDay[];
  /** Route-days history already holds. */
  complete: number;
  /**
   * METAR history over the last `hours`: how many stations are covered already, and the calls
   * still to make, each for a few stations as far back as the oldest day they lack.
   */
  weather: { hours: number; stations: number; complete: number; calls: { hours: number; stations: string[] }[] } | null;
}

export interface BackfillProgress {
  routeDays: { done: number; total: number };
  weatherCalls: { done: number; total: number };
  /** Operating flights recorded so far. */
  flights: number;
  errors: number;
}

export interface BackfillSummary {
  routes: number;
  routeDays: {
    planned: number;
    /** Found complete in history: not fetched again. */
    skipped: number;
    fetched: number;
    failed: number;
    /** Fetched with no flight in the answer; such a day is asked again by the next run. */
    empty: number;
  };
  /** Operating flights recorded (a codeshare is the same flight under another number). */
  flights: number;
  weather: { hours: number; stations: number; skipped: number; calls: number; failedCalls: number; observations: number } | null;
  /** Calls that reached the upstreams (each with the client's retries inside); zero when counted by nobody. */
  upstreamCalls: number;
  errors: number;
  /** The first errors, as `what: message`. */
  failures: string[];
  durationMs: number;
  /** Why it stopped before the end; absent when it ran to the end. */
  stopped?: { reason: 'aborted' | 'upstream'; message: string };
}

export interface BackfillDeps {
  db: Database;
  flights: FlightSource;
  /** METAR history; without it the weather is not filled. */
  weather?: Pick<WeatherSource, 'metarHistory'>;
  /** Calls the sources have made so far (see backfillDeps); the summary reports the difference. */
  calls?: () => number;
}

export interface BackfillRun {
  /** Route-days and weather calls in flight at once. Default: 4. */
  concurrency?: number;
  /**
   * After each route-day or weather call, a worker rests this many times as long as it took:
   * 1 leaves the process (and the upstream) idle half the time, for a fill behind a serving
   * gateway. Default: 0.
   */
  restRatio?: number;
  /** Told after every route-day and weather call; must not throw. */
  onProgress?: (progress: BackfillProgress) => void;
  /** Stops the fill: the calls in flight finish and are recorded, no new one starts. */
  signal?: AbortSignal;
  /** The clock (the time rows are observed at). Default: Date.now. */
  now?: () => number;
}

/** What history lacks for these routes and days: one statement for the routes, one per kind of history. */
export async function planBackfill(db: Database, options: BackfillOptions): Promise<BackfillPlan> {
  const { days, weather = true, weatherReportsPerCall = 2400 } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`expected a whole number of days above 0, received ${days}`);
  const now = (options.now ?? Date.now)();
  const chosen = 'top' in options.routes ? await busiestRoutes(db, options.routes.top) : await namedRoutes(db, options.routes.pairs);

  const all: RouteDay[] = [];
  for (let back = 1; back <= days; back++) {
    for (const route of chosen) all.push({ from: route.from, to: route.to, date: addDays(localDate(route.zone, now), -back) });
  }
  const done = await completeRouteDays(db, all);
  const pending = all.filter((day) => !done.has(routeDayId(day)));

  let weatherPlan: BackfillPlan['weather'] = null;
  const stations = [...new Set(chosen.flatMap((r) => [r.fromStation, r.toStation]).filter((s): s is string => s !== null))].sort();
  if (weather && stations.length) {
    // A route's oldest local day began up to a day before the same UTC date (UTC+14); the service
    // answers 360 hours back, which reaches the start of the UTC day 14 days ago.
    const utcDays = Math.min(days + 1, METAR_HISTORY_MAX_HOURS / 24 - 1);
    const lacking = await hoursLacking(db, stations, utcDays, now);
    const byHours = new Map<number, string[]>();
    for (const station of stations) {
      const hours = lacking.get(station);
      if (hours) byHours.set(hours, [...(byHours.get(hours) ?? []), station]);
    }
    // One history call answers `hours` reports a station: fewer stations per call the further back.
    const calls = [...byHours].flatMap(([hours, group]) => chunks(group, Math.max(1, Math.floor(weatherReportsPerCall / hours))).map((batch) => ({ hours, stations: batch })));
    weatherPlan = { hours: hoursSinceStartOf(utcDays, now), stations: stations.length, complete: stations.length - lacking.size, calls };
  }
  return {
    routes: chosen.map(({ from, to, airlines }) => ({ from, to, airlines })),
    pending,
    complete: all.length - pending.length,
    weather: weatherPlan,
  };
}

/** Upstream calls the plan will make at least: one page per route-day (more for a pair of 34+ airlines), one per weather batch. */
export function estimateCalls(plan: BackfillPlan): { flights: number; weather: number } {
  const airlines = new Map(plan.routes.map((r) => [`${r.from}-${r.to}`, r.airlines]));
  // A route's day lists up to ~3 flights per airline selling it, codeshares included.
  const pages = (day: RouteDay) => Math.max(1, Math.ceil(((airlines.get(`${day.from}-${day.to}`) ?? 1) * 3) / FLIGHTS_PAGE_LIMIT));
  return { flights: plan.pending.reduce((sum, day) => sum + pages(day), 0), weather: plan.weather?.calls.length ?? 0 };
}

/**
 * Fetches what the plan lacks, `concurrency` calls at a time, writing each answer to history as
 * it comes (so what is reported done stays done). A failed route-day is counted and left for the
 * next run; a refusal that would repeat for every call (an open breaker, a bad key, a used-up
 * quota) stops the fill, as the signal does.
 */
export async function runBackfill(deps: BackfillDeps, plan: BackfillPlan, run: BackfillRun = {}): Promise<BackfillSummary> {
  const { db, flights, weather, calls = () => 0 } = deps;
  const { concurrency = 4, restRatio = 0, onProgress, signal, now = Date.now } = run;
  const started = performance.now();
  const callsBefore = calls();
  const weatherPlan = weather ? plan.weather : null;
  const weatherCalls = weatherPlan?.calls ?? [];

  const summary: BackfillSummary = {
    routes: plan.routes.length,
    routeDays: { planned: plan.pending.length + plan.complete, skipped: plan.complete, fetched: 0, failed: 0, empty: 0 },
    flights: 0,
    weather: weatherPlan && {
      hours: weatherPlan.hours,
      stations: weatherPlan.stations,
      skipped: weatherPlan.complete,
      calls: 0,
      failedCalls: 0,
      observations: 0,
    },
    upstreamCalls: 0,
    errors: 0,
    failures: [],
    durationMs: 0,
  };
  let weatherStopped = false;
  const progress = () =>
    onProgress?.({
      routeDays: { done: summary.routeDays.fetched + summary.routeDays.failed, total: plan.pending.length },
      weatherCalls: { done: (summary.weather?.calls ?? 0) + (summary.weather?.failedCalls ?? 0), total: weatherCalls.length },
      flights: summary.flights,
      errors: summary.errors,
    });
  const failed = (what: string, err: unknown) => {
    summary.errors++;
    if (summary.failures.length < MAX_RECORDED_FAILURES) summary.failures.push(`${what}: ${(err as Error).message}`);
  };

  // Weather first: a handful of calls, after which every route-day has its weather.
  const tasks: (() => Promise<void>)[] = [
    ...weatherCalls.map(({ hours, stations: batch }) => async () => {
      if (weatherStopped) return;
      try {
        const metars = await weather!.metarHistory(batch, hours);
        const fetchedAt = new Date(now());
        await recordMetars(db, metars.map((metar) => ({ metar, source: BACKFILL_SOURCE, fetchedAt })));
        summary.weather!.calls++;
        summary.weather!.observations += metars.length;
      } catch (err) {
        summary.weather!.failedCalls++;
        failed(`METARs of ${batch.join(',')}`, err);
        // Weather is the lesser half: a refusing weather upstream skips the rest of it, not the flights.
        if (refusesEveryCall(err)) weatherStopped = true;
      }
      progress();
    }),
    ...plan.pending.map((day) => async () => {
      try {
        const statuses = await flights.byRoute(day.from, day.to, day.date);
        const observedAt = new Date(now());
        await recordFlights(db, statuses.map((flight) => ({ flight, source: BACKFILL_SOURCE, observedAt })));
        summary.routeDays.fetched++;
        const operating = statuses.filter((f) => !f.codeshared).length;
        if (operating === 0) summary.routeDays.empty++;
        summary.flights += operating;
      } catch (err) {
        summary.routeDays.failed++;
        failed(`${day.from}-${day.to} ${day.date}`, err);
        if (refusesEveryCall(err)) summary.stopped ??= { reason: 'upstream', message: (err as Error).message };
      }
      progress();
    }),
  ];
  const stop = () => {
    if (signal?.aborted) summary.stopped ??= { reason: 'aborted', message: 'stopped by the caller' };
    return summary.stopped !== undefined;
  };
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !stop()) {
      const began = performance.now();
      await tasks[next++]!();
      if (restRatio > 0 && next < tasks.length && !stop()) await rest((performance.now() - began) * restRatio, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));

  summary.upstreamCalls = calls() - callsBefore;
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

/** Plans and runs a backfill: what `contrail backfill` and the start-up fill do. */
export async function backfill(deps: BackfillDeps, options: BackfillOptions & BackfillRun): Promise<BackfillSummary> {
  return runBackfill(deps, await planBackfill(deps.db, { ...options, weather: options.weather !== false && deps.weather !== undefined }), options);
}

/** An error every further call would meet too: going on would only hammer the upstream (or spend for nothing). */
function refusesEveryCall(err: unknown): boolean {
  if (err instanceof UpstreamCircuitOpenError) return true;
  return err instanceof FlightsApiError && (err.kind === 'auth' || err.kind === 'quota' || err.kind === 'plan');
}

interface ChosenRoute {
  from: string;
  to: string;
  airlines: number;
  /** The origin's IANA zone: its dates are local ones. */
  zone: string;
  fromStation: string | null;
  toStation: string | null;
}

const origin = alias(airports, 'origin');
const destination = alias(airports, 'destination');
const ICAO_STATION = /^[A-Z][A-Z0-9]{3}$/;

/** The `top` pairs served by the most airlines directly, both airports with an IATA code and a time zone. */
async function busiestRoutes(db: Database, top: number): Promise<ChosenRoute[]> {
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`expected top:N with N a whole number above 0, received ${top}`);
  const airlines = countDistinct(routes.airlineCode);
  const rows = await db
    .select({
      from: origin.iata,
      to: destination.iata,
      airlines,
      zone: origin.timezone,
      toZone: destination.timezone,
      fromStation: origin.icao,
      toStation: destination.icao,
    })
    .from(routes)
    .innerJoin(origin, eq(origin.id, routes.originId))
    .innerJoin(destination, eq(destination.id, routes.destinationId))
    .where(and(eq(routes.stops, 0), isNotNull(origin.iata), isNotNull(destination.iata), isNotNull(origin.timezone), isNotNull(destination.timezone)))
    .groupBy(origin.iata, destination.iata, origin.timezone, destination.timezone, origin.icao, destination.icao)
    // Ties by code, so the same data always chooses the same routes.
    .orderBy(desc(airlines), origin.iata, destination.iata)
    .limit(top);
  return rows.filter((r) => isKnownTimeZone(r.zone!) && isKnownTimeZone(r.toZone!)).map((r) => chosen(r.from!, r.to!, r.airlines, r.zone!, r.fromStation, r.toStation));
}

/** The pairs named, each airport known with a time zone; a pair no airline serves is still asked. */
async function namedRoutes(db: Database, pairs: readonly (readonly [string, string])[]): Promise<ChosenRoute[]> {
  const codes = [...new Set(pairs.flat().map((c) => c.toUpperCase()))];
  const known = await db
    .select({ id: airports.id, iata: airports.iata, icao: airports.icao, timezone: airports.timezone })
    .from(airports)
    .where(inArray(airports.iata, codes));
  const byCode = new Map(known.map((a) => [a.iata!, a]));
  for (const code of codes) {
    const airport = byCode.get(code);
    if (!airport) throw new RangeError(`unknown airport ${code}: expected IATA codes such as JFK-LHR`);
    if (!airport.timezone || !isKnownTimeZone(airport.timezone)) throw new RangeError(`airport ${code} has no time zone in the reference data: its local dates are unknown`);
  }
  const counts = await db
    .select({ from: origin.iata, to: destination.iata, airlines: countDistinct(routes.airlineCode) })
    .from(routes)
    .innerJoin(origin, eq(origin.id, routes.originId))
    .innerJoin(destination, eq(destination.id, routes.destinationId))
    .where(and(eq(routes.stops, 0), inArray(origin.iata, codes), inArray(destination.iata, codes)))
    .groupBy(origin.iata, destination.iata);
  const airlines = new Map(counts.map((c) => [`${c.from}-${c.to}`, c.airlines]));
  const unique = new Map(pairs.map(([from, to]) => [`${from.toUpperCase()}-${to.toUpperCase()}`, [from.toUpperCase(), to.toUpperCase()] as const]));
  return [...unique].map(([id, [from, to]]) => {
    const a = byCode.get(from)!;
    return chosen(from, to, airlines.get(id) ?? 0, a.timezone!, a.icao, byCode.get(to)!.icao);
  });
}

function chosen(from: string, to: string, airlines: number, zone: string, fromStation: string | null, toStation: string | null): ChosenRoute {
  const station = (icao: string | null) => (icao && ICAO_STATION.test(icao) ? icao : null);
  return { from, to, airlines, zone, fromStation: station(fromStation), toStation: station(toStation) };
}

const routeDayId = (day: RouteDay) => `${day.from}-${day.to}:${day.date}`;

/** The route-days a backfill has written, among those asked: one statement. */
async function completeRouteDays(db: Database, days: readonly RouteDay[]): Promise<Set<string>> {
  if (!days.length) return new Set();
  const dates = days.map((d) => d.date).sort();
  const rows = await db
    .selectDistinct({ from: segments.originIata, to: segments.destinationIata, date: segments.flightDate })
    .from(segments)
    .where(
      and(
        eq(segments.source, BACKFILL_SOURCE),
        inArray(segments.originIata, [...new Set(days.map((d) => d.from))]),
        between(segments.flightDate, dates[0]!, dates.at(-1)!),
      ),
    );
  return new Set(rows.map((r) => routeDayId({ from: r.from, to: r.to, date: r.date })));
}

/**
 * For each station lacking reports, the hours back to ask for: to the start of the oldest UTC day
 * (of today and the `utcDays` before it) in which its recorded METARs, from any source, miss more
 * than two hours. Whole days stay covered as the clock moves on, so a later run asks only for what
 * came since. One statement; a station with every day covered is absent.
 */
async function hoursLacking(db: Database, stations: readonly string[], utcDays: number, now: number): Promise<Map<string, number>> {
  const day = sql<string>`to_char(${observations.observedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ station: observations.station, day, hours: countDistinct(sql`date_trunc('hour', ${observations.observedAt} at time zone 'UTC')`) })
    .from(observations)
    .where(and(inArray(observations.station, [...stations]), gte(observations.observedAt, new Date(startOfUtcDay(now, utcDays))), lte(observations.observedAt, new Date(now))))
    .groupBy(observations.station, day);
  const hoursOf = new Map(rows.map((r) => [`${r.station}|${r.day}`, r.hours]));
  // Today so far: its newest hour may not be received yet.
  const expected = (back: number) => (back === 0 ? Math.floor((now - startOfUtcDay(now, 0)) / HOUR_MS) - 2 : 24 - 2);
  const lacking = new Map<string, number>();
  for (const station of stations) {
    for (let back = utcDays; back >= 0; back--) {
      const date = new Date(startOfUtcDay(now, back)).toISOString().slice(0, 10);
      if ((hoursOf.get(`${station}|${date}`) ?? 0) < expected(back)) {
        lacking.set(station, hoursSinceStartOf(back, now));
        break;
      }
    }
  }
  return lacking;
}

function startOfUtcDay(now: number, back: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - back * DAY_MS;
}

/** Whole hours from the start of the UTC day `back` days ago to now, at least one. */
function hoursSinceStartOf(back: number, now: number): number {
  return Math.max(1, Math.ceil((now - startOfUtcDay(now, back)) / HOUR_MS));
}

/** Resolves after `ms`, or at once when the signal aborts. */
function rest(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function localDate(zone: string, utcMs: number): string {
  return new Date(utcMs + offsetAt(utcMs, zone)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** The upstream clients a backfill goes through: the gateway's own, so their retries, breakers and call log apply. */
export interface BackfillUpstreams {
  flights: HttpClient;
  /** AviationStack's access key (the sandbox's when it answers). */
  flightsKey: string;
  /** Without it the weather is not filled. */
  weather?: HttpClient;
  /** Stations per weather call, as configured. */
  weatherBatchSize: number;
}

/** Sources over the clients, counting the calls that reach the upstream (one an open breaker refuses does not). */
export async function backfillDeps(db: Database, upstreams: BackfillUpstreams, logger: Logger): Promise<BackfillDeps> {
  let calls = 0;
  const counted = (http: HttpClient): HttpClient => ({
    get: (path, query, signal) =>
      http.get(path, query, signal).then(
        (response) => {
          calls++;
          return response;
        },
        (err: unknown) => {
          if (!(err instanceof UpstreamCircuitOpenError)) calls++;
          throw err;
        },
      ),
    breakerState: () => http.breakerState(),
  });
  const zones = await airportZones(db);
  return {
    db,
    flights: createFlightSource(counted(upstreams.flights), upstreams.flightsKey, (iata) => zones.get(iata) ?? null),
    weather:
      upstreams.weather &&
      createWeatherSource(counted(upstreams.weather), upstreams.weatherBatchSize, (err) => logger.warn({ err: err.message }, 'backfill: weather report skipped')),
    calls: () => calls,
  };
}

/** The start-up fill's settings (BACKFILL_ON_START, BACKFILL_START_DAYS, BACKFILL_START_ROUTES). */
export interface StartupBackfillOptions {
  /** `auto`: fill from the in-process sandbox only (never a paid upstream); `off`: never. Default: auto. */
  onStart: 'auto' | 'off';
  /** Days back from yesterday. Default: 30. */
  days: number;
  /** The busiest routes filled. Default: 50. */
  routes: number;
}

/** What `/health` says of the fill. */
export interface BackfillStatus {
  state: 'filling' | 'done' | 'off';
  /** Route-days fetched (or failed) and to fetch in this run; those already complete are not counted. */
  done: number;
  total: number;
  errors: number;
}

export interface BackgroundBackfill {
  status(): BackfillStatus;
  /** Starts the fill, off the caller's path; its failure is logged, never thrown. */
  start(): void;
  /** Stops it after the calls in flight and waits for it. */
  stop(): Promise<void>;
}

/** A fill that runs in the background of a serving gateway, reporting its state for `/health`. */
export function backgroundBackfill({
  deps,
  options,
  delayMs = 5000,
  logger,
}: {
  /** Made when the fill starts (it reads the airports' zones). */
  deps: () => Promise<BackfillDeps>;
  options: Omit<BackfillOptions, 'now' | 'weatherReportsPerCall'>;
  /**
   * How long after start() the fill begins: the first requests of a fresh start (a readiness
   * probe, GraphiQL's first load) then do not queue behind its planning statements on a
   * single-session embedded database. Default: 5000 ms.
   */
  delayMs?: number;
  logger: Logger;
}): BackgroundBackfill {
  const status: BackfillStatus = { state: 'filling', done: 0, total: 0, errors: 0 };
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  return {
    status: () => ({ ...status }),
    start() {
      running ??= (async () => {
        await rest(delayMs, controller.signal);
        if (controller.signal.aborted) return;
        const made = await deps();
        // A station a call: parsing a call's METARs holds the thread its requests are answered on.
        const plan = await planBackfill(made.db, { ...options, weather: options.weather !== false && made.weather !== undefined, weatherReportsPerCall: 1 });
        status.total = plan.pending.length;
        logger.info({ routes: plan.routes.length, days: options.days, routeDays: plan.pending.length, complete: plan.complete }, 'backfill: filling history in the background');
        const summary = await runBackfill(made, plan, {
          signal: controller.signal,
          // The gateway is serving meanwhile, on the same thread as the fill's parsing: one call
          // at a time, and as long idle as busy, keeps its answers quick.
          concurrency: 1,
          restRatio: 1,
          onProgress: (p) => {
            status.done = p.routeDays.done;
            status.errors = p.errors;
          },
        });
        const { failures, ...counts } = summary;
        if (summary.stopped?.reason !== 'aborted') logger.info({ ...counts, ...(failures.length ? { failures } : {}) }, 'backfill: history filled');
      })()
        .catch((err: Error) => logger.warn({ err: err.message }, 'backfill: the start-up fill failed; `contrail backfill` resumes it'))
        .finally(() => {
          status.state = 'done';
        });
    },
    async stop() {
      controller.abort();
      await running;
    },
  };
}
