import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { createAuthenticator } from '../auth/authenticator.ts';
import { createCache } from '../cache/create-cache.ts';
import { cachePostgresUrl } from '../db/cache-url.ts';
import { openEntities } from '../entities/open-entities.ts';
import { createGateway } from '../gateway.ts';
import type { Logger } from '../logger.ts';
import { createServiceIdentity } from '../warming/service-identity.ts';
import { createWarmer, type WarmProgress } from '../warming/warmer.ts';
import type { WarmingRun } from '../warming/runs.ts';
import { TASK_GROUPS } from '../warming/tasks.ts';
import { withMigratedDatabase } from './context.ts';

export interface WarmCommandOptions {
  /** Only the query log's popular operations. */
  popularOnly: boolean;
  /** Popular operations replayed. Default: WARMING_LIMIT. */
  limit?: number;
  /** Popularity window in days. Default: WARMING_DAYS. */
  days?: number;
  /** Busiest routes. Default: WARMING_ROUTES. */
  routes?: number;
  /** Days of flights per route. Default: WARMING_FLIGHT_DAYS. */
  flightDays?: number;
  /** Default: WARMING_CONCURRENCY. */
  concurrency?: number;
  /** Detach, logging to `log`. */
  background: boolean;
  /** The background run's log file. Default: `<CONTRAIL_DATA_DIR or .contrail>/warm-<time>.log`. */
  log?: string;
}

const EXIT_ON_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Warms the shared cache tiers (Redis, Postgres) through a gateway of its own, in this process,
 * with a progress bar on stderr and a summary on stdout; running servers then answer from
 * those tiers (and back-fill their memory). Exit 1 when any replay failed.
 */
export async function warm(options: WarmCommandOptions): Promise<void> {
  if (options.background) return detach(options);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_ON_SIGNAL[signal] ?? 1);
    controller.abort();
    process.stderr.write('\nstopping after the replays in flight (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = await withMigratedDatabase(async (database, { config, logger }) => {
      const cacheBackend = await cachePostgresUrl(config.database, database);
      const cache = await createCache({ config: config.cache, logger, postgresUrl: cacheBackend.url, singleInstance: false });
      const { flightDates } = config.upstreams;
      const opened = await openEntities({ upstreams: config.upstreams, db: database.db, cache: cache.chain, logger });
      const { entities } = opened;
      const identity = createServiceIdentity();
      // No query log here: replays are not popularity.
      const gateway = createGateway({
        database,
        entities,
        flightDates,
        authenticate: identity.wrap(createAuthenticator(config.auth, database.db)),
        cache: cache.chain,
        responseCache: config.responseCache,
        limits: config.limits,
        logger,
      });
      const warmer = createWarmer({
        db: database.db,
        fetch: (url, init) => gateway.fetch(url, init),
        identity,
        logger,
        responseCache: config.responseCache.enabled,
        futureDays: flightDates.futureDays,
        settings: config.warming.warmer,
      });
      const progress = progressDisplay(logger);
      try {
        return await warmer.warm({
          trigger: 'cli',
          popularOnly: options.popularOnly,
          limit: options.limit,
          days: options.days,
          routes: options.routes,
          flightDays: options.flightDays,
          concurrency: options.concurrency,
          signal: controller.signal,
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
        await warmer.close();
        await opened.close();
        // Writes to the shared tiers are sent without waiting: closing the chain lets them land.
        await cache.close();
        await cacheBackend.close();
      }
    });
    for (const failure of (run.detail?.failures as { task: string; error?: string }[] | undefined) ?? []) process.stderr.write(`failed: ${failure.task}: ${failure.error}\n`);
    process.stdout.write(summaryTable(run));
    if (controller.signal.aborted) process.exitCode = 130;
    else if (run.status !== 'success') process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Starts the same command again without --background, detached, its output in a log file. */
function detach(options: WarmCommandOptions): void {
  const log = path.resolve(options.log ?? path.join(process.env.CONTRAIL_DATA_DIR?.startsWith('memory://') ? '.' : (process.env.CONTRAIL_DATA_DIR ?? '.contrail'), `warm-${new Date().toISOString().replace(/[:.]/g, '-')}.log`));
  mkdirSync(path.dirname(log), { recursive: true });
  const out = openSync(log, 'a');
  const args = process.argv.slice(1).filter((arg, i, all) => arg !== '--background' && arg !== '--log' && all[i - 1] !== '--log' && !arg.startsWith('--log='));
  const child = spawn(process.execPath, [...process.execArgv, ...args], { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
  process.stdout.write(`warming in the background: pid ${child.pid}, log ${log}\n`);
}

/** A bar on a terminal; elsewhere (a log file, a background run) a log line every tenth of the way. */
function progressDisplay(logger: Logger): { update: (p: WarmProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let lastTenth = 0;
    return {
      update: (p) => {
        const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
        if (tenth > lastTenth) logger.info({ done: p.done, total: p.total, keysWarmed: p.keysWarmed, errors: p.errors }, `warming: ${tenth * 10} %`);
        lastTenth = tenth;
      },
      stop: () => undefined,
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    update: (p) => {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: 'warming {bar} {percentage}% | {value}/{total} | {keys} keys | {errors} errors | {task}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, 0, { keys: 0, errors: 0, task: '' });
      }
      bar.update(p.done, { keys: p.keysWarmed, errors: p.errors, task: p.last.name });
    },
    stop: () => bar?.stop(),
  };
}

/** Two columns: what, and how many; then one line per group. */
function summaryTable(run: WarmingRun): string {
  const detail = (run.detail ?? {}) as { groups?: Record<string, { planned: number; ok: number; failed: number }>; alreadyCached?: number; skipped?: number; error?: string };
  const rows: [string, string][] = [
    ['run', `#${run.id} (${run.trigger})`],
    ['status', run.status],
    ['keys warmed', `${run.keysWarmed} (${detail.alreadyCached ?? 0} already cached)`],
    ['errors', String(run.errors)],
  ];
  // In the run's order (jsonb keeps object keys in an order of its own).
  for (const group of TASK_GROUPS) {
    const counts = detail.groups?.[group];
    if (counts) rows.push([`  ${group}`, `${counts.ok} of ${counts.planned} warmed, ${counts.failed} failed`]);
  }
  if (detail.skipped) rows.push(['skipped', `${detail.skipped} (interrupted)`]);
  if (detail.error) rows.push(['error', detail.error]);
  rows.push(['duration', `${((run.durationMs ?? 0) / 1000).toFixed(1)} s`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}\n`).join('');
}
