import type { Logger } from '../logger.ts';
import type { BackfillDeps } from './backfill-deps.ts';
import { planBackfill, type BackfillOptions } from './backfill-plan.ts';
import { rest, runBackfill } from './backfill-run.ts';

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

/** The start-up fill's settings (BACKFILL_ON_START, BACKFILL_START_DAYS, BACKFILL_START_ROUTES). */
export interface StartupBackfillOptions {
  /** `auto`: fill from the in-process sandbox only (never a paid upstream); `off`: never. Default: auto. */
  onStart: 'auto' | 'off';
  /** Days back from yesterday. Default: 30. */
  days: number;
  /** The busiest routes filled. Default: 50. */
  routes: number;
}
