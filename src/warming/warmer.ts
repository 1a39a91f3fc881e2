import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { QueryLogSink } from './query-log.ts';
import { replay, type WarmFetch } from './replay.ts';
import { finishRun, latestRun, startRun, statusOf, type WarmingRun, type WarmingStatus } from './runs.ts';
import { runTasks, type TaskOutcome, type WarmingTask } from './run-tasks.ts';
import type { ServiceIdentity } from './service-identity.ts';
import { planReplays, TASK_GROUPS, type PlannedReplay, type TaskGroup } from './tasks.ts';

/** What a run warms and how hard it works; every field has a default (WarmerSettings). */
export interface WarmOptions {
  /** Recorded with the run: `cli`, `admin`, `schedule:<name>`, `startup`. Default: `admin`. */
  trigger?: string;
  /** Only the query log's popular operations (same as groups: ['popular']). Default: false. */
  popularOnly?: boolean;
  /** Which groups to warm. Default: all (popular, routes, reference). */
  groups?: readonly TaskGroup[];
  /** Popular operations replayed. Default: settings.limit. */
  limit?: number;
  /** Busiest routes warmed. Default: settings.routes. */
  routes?: number;
  /** Only operations the query log saw within this many days are popular. Default: settings.days. */
  days?: number;
  /** Days of flights per busy route from the origin's today (2: today and tomorrow). Default: settings.flightDays. */
  flightDays?: number;
  /** Replays in flight at once. Default: settings.concurrency. */
  concurrency?: number;
  /** Called after each replay ends. */
  onProgress?: (progress: WarmProgress) => void;
  /** Once aborted no replay starts; the run ends `partial` (or `failed`) with what was done. */
  signal?: AbortSignal;
}

export interface WarmProgress {
  done: number;
  total: number;
  keysWarmed: number;
  errors: number;
  last: TaskOutcome;
}

/** Defaults of every run (see README, *Warming*). */
export interface WarmerSettings {
  /** Default: 4. */
  concurrency: number;
  /** Popular operations per run. Default: 100. */
  limit: number;
  /** Busiest routes per run. Default: 20. */
  routes: number;
  /** Operations last seen longer ago than this many days are not popular any more. Default: 7. */
  days: number;
  /** Days of flights per route. Default: 2. */
  flightDays: number;
  /** Route.pattern's window. Default: 30. */
  patternDays: number;
  /**
   * Warm the text codegen's manifest holds for each operation, which clients naming documents by
   * hash run, rather than the text clients send (the key digests the text): when every caller
   * must name trusted documents (PERSISTED_ONLY=all). Default: false.
   */
  manifestText: boolean;
}

export const defaultWarmerSettings: WarmerSettings = { concurrency: 4, limit: 100, routes: 20, days: 7, flightDays: 2, patternDays: 30, manifestText: false };

export interface WarmerDeps {
  db: Database;
  /** The gateway's fetch handler: replays fill the caches exactly as users' requests do. */
  fetch: WarmFetch;
  /** Who AUTHENTICATED replays are sent as. */
  identity: ServiceIdentity;
  logger: Logger;
  /** So that replays are not counted as popularity. Default: no query log. */
  queryLog?: Pick<QueryLogSink, 'replaying'>;
  /** False when the response cache is off: answers then count as warmed without being cached (entity caches still fill). Default: true. */
  responseCache?: boolean;
  /** The latest flight date the gateway accepts, in days from today. Default: 7. */
  futureDays?: number;
  settings?: Partial<WarmerSettings>;
  /** Told each finished run's status (the metrics' warming-run counter); must not throw. Default: none. */
  onRun?: (status: Exclude<WarmingStatus, 'running'>) => void;
}

export interface Warmer {
  /** Runs once, recorded in `warming_runs`; resolves with the finished run (never rejects for a failed replay). */
  warm(options?: WarmOptions, claimed?: WarmingRun): Promise<WarmingRun>;
  /** The latest run on any instance (perhaps still running); null before the first. */
  lastRun(): Promise<WarmingRun | null>;
  /** Stops runs in flight (no further replay starts) and waits for them. */
  close(): Promise<void>;
}

const MAX_FAILURES_KEPT = 50;

export function createWarmer({ db, fetch, identity, logger, queryLog, responseCache = true, futureDays = 7, settings: overrides = {}, onRun }: WarmerDeps): Warmer {
  const settings = { ...defaultWarmerSettings, ...overrides };
  const closing = new AbortController();
  const inflight = new Set<Promise<WarmingRun>>();

  function taskOf(planned: PlannedReplay, hits: { count: number }): WarmingTask {
    return {
      name: planned.name,
      priority: planned.priority,
      async run() {
        const release = queryLog?.replaying(planned.document, planned.variables);
        try {
          const { hit } = await replay(fetch, planned, identity.authorization, responseCache);
          if (hit) hits.count++;
          return { keys: 1 };
        } finally {
          release?.();
        }
      },
    };
  }

  async function run(options: WarmOptions, claimed: WarmingRun | undefined): Promise<WarmingRun> {
    const groups = options.popularOnly ? (['popular'] as const) : (options.groups ?? TASK_GROUPS);
    const plan = {
      groups,
      limit: options.limit ?? settings.limit,
      routes: options.routes ?? settings.routes,
      // Today is day 1; the gateway answers up to futureDays ahead (in UTC: a day of slack).
      flightDays: Math.max(1, Math.min(options.flightDays ?? settings.flightDays, futureDays + 1)),
      sinceDays: options.days ?? settings.days,
      patternDays: settings.patternDays,
      manifestText: settings.manifestText,
    };
    const concurrency = options.concurrency ?? settings.concurrency;
    const trigger = options.trigger ?? 'admin';
    const started = claimed ?? (await startRun(db, trigger, { options: { ...plan, concurrency } }));
    const signal = options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
    let replays: PlannedReplay[] = [];
    let outcomes: TaskOutcome[] = [];
    let planError: string | undefined;
    const hits = { count: 0 };
    try {
      replays = await planReplays(db, plan);
      let keysWarmed = 0;
      let errors = 0;
      outcomes = await runTasks(
        replays.map((p) => taskOf(p, hits)),
        {
          concurrency,
          signal,
          onProgress: (done, total, last) => {
            keysWarmed += last.keys;
            if (!last.ok) errors++;
            options.onProgress?.({ done, total, keysWarmed, errors, last });
          },
        },
      );
    } catch (err) {
      planError = (err as Error).message;
    }
    const byName = new Map(replays.map((p) => [p.name, p]));
    const ok = outcomes.filter((o) => o.ok).length;
    const failed = outcomes.length - ok + (planError ? 1 : 0);
    const skipped = replays.length - outcomes.length;
    const perGroup = Object.fromEntries(
      groups.map((group) => {
        const mine = outcomes.filter((o) => byName.get(o.name)?.group === group);
        return [group, { planned: replays.filter((p) => p.group === group).length, ok: mine.filter((o) => o.ok).length, failed: mine.filter((o) => !o.ok).length }];
      }),
    );
    const failures = outcomes.filter((o) => !o.ok).map((o) => ({ task: o.name, error: o.error }));
    const detail = {
      ...(started.detail ?? {}),
      options: { ...plan, concurrency },
      groups: perGroup,
      alreadyCached: hits.count,
      ...(skipped ? { skipped, aborted: true } : {}),
      ...(planError ? { error: planError } : {}),
      failures: failures.slice(0, MAX_FAILURES_KEPT),
    };
    // An aborted run did not do what it was asked: at best partial.
    const status = statusOf(ok, failed + skipped);
    const finished = await finishRun(db, started.id, { status, startedAt: started.startedAt, keysWarmed: ok, errors: failed, detail });
    onRun?.(status);
    logger.info({ run: finished.id, trigger, status, keysWarmed: ok, errors: failed, durationMs: finished.durationMs }, `cache warming ${status}`);
    return finished;
  }

  return {
    warm(options = {}, claimed) {
      if (closing.signal.aborted) return Promise.reject(new Error('the warmer is closed'));
      const running = run(options, claimed).finally(() => inflight.delete(running));
      inflight.add(running);
      return running;
    },
    lastRun: () => latestRun(db),
    async close() {
      closing.abort();
      await Promise.allSettled([...inflight]);
    },
  };
}
