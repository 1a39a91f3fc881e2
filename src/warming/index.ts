import { createSlotLease, type SlotLease } from './lease.ts';
import type { WarmingRun } from './runs.ts';
import { startScheduler, type Scheduler, type WarmingSchedule } from './schedule.ts';
import { createWarmer, type WarmerDeps, type WarmerSettings, type WarmOptions } from './warmer.ts';

export type { WarmingRun, WarmingStatus } from './runs.ts';
export type { WarmOptions, WarmProgress, WarmerSettings } from './warmer.ts';
export type { TaskGroup } from './tasks.ts';
export { createServiceIdentity, type ServiceIdentity } from './service-identity.ts';
export { createQueryLogSink, type QueryLogSink, type QueryLogSinkOptions } from './query-log.ts';

/** When the server warms by itself. */
export interface WarmingOptions {
  /** Defaults of every run. */
  warmer?: Partial<WarmerSettings>;
  schedules?: {
    /** False turns every schedule off. Default: true. */
    enabled?: boolean;
    /** Popular operations and busiest routes; null: off. Default: `0 2 * * *` (daily, 02:00). */
    popular?: string | null;
    /** Reference lists; null: off. Default: `0 3 * * 0` (Sundays, 03:00). */
    reference?: string | null;
    /** The zone the patterns are read in. Default: UTC. */
    timezone?: string;
  };
  /** A full run once the server listens, after `delayMs`, in the background. Default: off, 10 000 ms. */
  startup?: { enabled?: boolean; delayMs?: number };
}

export interface WarmingDeps extends WarmerDeps {
  options?: WarmingOptions;
  /** Schedule slots are leased in Redis when set, else in Postgres. */
  redis?: { url: string; cluster: boolean; keyPrefix: string };
}

/** The warmer as the server (and the admin API) use it. */
export interface Warming {
  /** One run now; resolves with the finished run as recorded in `warming_runs`. */
  warm(options?: WarmOptions): Promise<WarmingRun>;
  /** The latest run on any instance (perhaps still running); null before the first. */
  lastRun(): Promise<WarmingRun | null>;
  /** Starts the schedules and the start-up run; returns at once (the lease's Redis connects in the background). */
  start(): void;
  /** Stops the schedules, the start-up timer and runs in flight (no further replay starts), and waits for them. */
  close(): Promise<void>;
}

export function createWarming({ options = {}, redis, ...deps }: WarmingDeps): Warming {
  const warmer = createWarmer({ ...deps, settings: options.warmer });
  let started: Promise<{ scheduler?: Scheduler; lease?: SlotLease }> | undefined;
  let startupTimer: NodeJS.Timeout | undefined;

  const schedules = (): WarmingSchedule[] => {
    const { enabled = true, popular = '0 2 * * *', reference = '0 3 * * 0' } = options.schedules ?? {};
    if (!enabled) return [];
    return [
      ...(popular ? [{ name: 'popular', pattern: popular, options: { groups: ['popular', 'routes'] as const } }] : []),
      ...(reference ? [{ name: 'reference', pattern: reference, options: { groups: ['reference'] as const } }] : []),
    ];
  };

  return {
    warm: (runOptions) => warmer.warm(runOptions),
    lastRun: () => warmer.lastRun(),
    start() {
      const { enabled: onStartup = false, delayMs = 10_000 } = options.startup ?? {};
      if (onStartup) {
        // Never part of readiness: the server already listens, and a failure is only logged.
        startupTimer = setTimeout(() => {
          warmer.warm({ trigger: 'startup' }).catch((err: Error) => deps.logger.error({ err: err.message }, 'warming: the start-up run failed'));
        }, delayMs);
        startupTimer.unref();
      }
      const list = schedules();
      if (!list.length) return;
      started = (async () => {
        const lease = await createSlotLease({ db: deps.db, logger: deps.logger, redis });
        const scheduler = startScheduler({ schedules: list, timezone: options.schedules?.timezone, lease, warm: (o, claimed) => warmer.warm(o, claimed), logger: deps.logger });
        deps.logger.info({ next: scheduler.next() }, 'warming: schedules started');
        return { scheduler, lease };
      })().catch((err: Error) => {
        deps.logger.error({ err: err.message }, 'warming: schedules could not start');
        return {};
      });
    },
    async close() {
      clearTimeout(startupTimer);
      const { scheduler, lease } = (await started) ?? {};
      // The timers first, then the runs in flight (aborted, so the schedules' waits end soon).
      const stopping = scheduler?.stop();
      await warmer.close();
      await stopping;
      await lease?.close();
    },
  };
}
