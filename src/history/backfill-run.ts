import { FlightsApiError } from '../sources/flights/errors.ts';
import { UpstreamCircuitOpenError } from '../sources/errors.ts';
import type { BackfillDeps } from './backfill-deps.ts';
import { BACKFILL_SOURCE, type BackfillPlan } from './backfill-plan.ts';
import { recordFlights } from './flights.ts';
import { recordMetars } from './weather.ts';

const MAX_RECORDED_FAILURES = 10;

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

/** An error every further call would meet too: going on would only hammer the upstream (or spend for nothing). */
function refusesEveryCall(err: unknown): boolean {
  if (err instanceof UpstreamCircuitOpenError) return true;
  return err instanceof FlightsApiError && (err.kind === 'auth' || err.kind === 'quota' || err.kind === 'plan');
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function rest(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
