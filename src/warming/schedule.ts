import { Cron } from 'croner';
import type { Logger } from '../logger.ts';
import type { SlotLease } from './lease.ts';
import type { WarmingRun } from './runs.ts';
import type { WarmOptions } from './warmer.ts';

/** A named cron pattern and what its runs warm. */
export interface WarmingSchedule {
  /** `popular`, `reference`: names the lease and the run's trigger (`schedule:<name>`). */
  name: string;
  /** Croner syntax: five fields (minute first), or six with seconds. */
  pattern: string;
  options: WarmOptions;
}

export interface SchedulerOptions {
  schedules: readonly WarmingSchedule[];
  /** IANA zone the patterns are read in; the same on every instance, so they agree on slots. Default: UTC. */
  timezone?: string;
  lease: SlotLease;
  warm: (options: WarmOptions, claimed: WarmingRun) => Promise<WarmingRun>;
  logger: Logger;
}

export interface Scheduler {
  /** When each schedule fires next (ISO), for the log and the README's promise. */
  next(): Record<string, string | null>;
  /** Stops the timers and waits for the runs they started. */
  stop(): Promise<void>;
}

/**
 * Runs each schedule at its pattern's times. A firing's slot is its scheduled time (to the second); every
 * instance fires for it, and the lease lets one of them warm it. A run still going when the
 * next firing comes makes that firing skip (croner's protect).
 */
export function startScheduler({ schedules, timezone = 'UTC', lease, warm, logger }: SchedulerOptions): Scheduler {
  const runs = new Set<Promise<unknown>>();
  const jobs = schedules.map(
    (schedule) =>
      new Cron(schedule.pattern, { name: `warming:${schedule.name}`, timezone, protect: true, unref: true }, async (self) => {
        const fired = self.currentRun() ?? new Date();
        const slot = new Date(Math.floor(fired.getTime() / 1000) * 1000);
        const work = (async () => {
          const claimed = await lease.claim(schedule.name, slot, {});
          if (!claimed) {
            logger.debug({ schedule: schedule.name, slot }, 'warming: another instance has this slot');
            return;
          }
          await warm({ ...schedule.options, trigger: `schedule:${schedule.name}` }, claimed);
        })().catch((err: Error) => logger.error({ err: err.message, schedule: schedule.name }, 'warming: a scheduled run failed'));
        runs.add(work);
        await work.finally(() => runs.delete(work));
      }),
  );
  return {
    next: () => Object.fromEntries(jobs.map((job, i) => [schedules[i]!.name, job.nextRun()?.toISOString() ?? null])),
    async stop() {
      for (const job of jobs) job.stop();
      await Promise.allSettled([...runs]);
    },
  };
}

/** Why croner refuses a pattern, or null when it takes it. */
export function cronProblem(pattern: string): string | null {
  try {
    new Cron(pattern, { paused: true }).stop();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
