import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup/errors.ts';
import { isAlive, lockPath, processStartOf, readLock, releaseLock, removeStaleLock, takeLock, thisProcess, updateLock, type LockHolder } from './lock.ts';
import type { OwnerWorkerCommand, OwnerWorkerData, OwnerWorkerMessage } from './owner-worker.ts';

/** How this process reaches an embedded data folder: as its owner, or through the owner's socket. */
export type DataDirClaim =
  | {
      role: 'owner';
      url: string;
      /** The thread PGlite runs on (for its resource use; tests stop it to see the gateway survive). */
      thread: Worker;
      close(): Promise<void>;
    }
  | { role: 'guest'; url: string; holder: LockHolder };

export interface ClaimOptions {
  logger: Logger;
  migrationsFolder: string;
  /** With a live owner: connect through its socket (the CLI) instead of refusing (a server). Default: false. */
  shareWithOwner?: boolean;
  /** How long a guest waits for an owner still opening the folder, and a claim retries. Default: 60 s. */
  timeoutMs?: number;
  /** How long the owner has to close PGlite before its thread is stopped. Default: 30 s. */
  closeTimeoutMs?: number;
}

/** Another process holds the data folder. */
export class DataDirInUseError extends StartupError {
  override name = 'DataDirInUseError';
}

const who = (holder: LockHolder) => `pid ${holder.pid}, started ${holder.startedAt}`;
/** The kernel confirms the pid is the very process that wrote the lock (not a reuse of its number). */
const isVerified = (holder: LockHolder) => holder.processStart !== undefined && processStartOf(holder.pid) === holder.processStart;
const elsewhere = 'or set CONTRAIL_DATA_DIR to another folder';

/**
 * Claims an embedded data folder. Nobody holds it (or its holder is gone): this process becomes
 * its owner — PGlite opened in a worker thread, the lock naming this pid and the worker's socket.
 * A live owner holds it: a server refuses (two would corrupt the folder), the CLI connects
 * through the owner's socket.
 */
export async function claimDataDir(dataDir: string, options: ClaimOptions): Promise<DataDirClaim> {
  const { logger, shareWithOwner = false } = options;
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const me = thisProcess();
    if (takeLock(dataDir, me)) return { role: 'owner', ...(await startOwner(dataDir, me, options)) };
    const holder = readLock(dataDir);
    if (Date.now() > deadline) {
      throw new DataDirInUseError(`${lockPath(dataDir)} stayed held (${typeof holder === 'object' ? who(holder) : 'unreadable'}) for ${options.timeoutMs ?? 60_000} ms: stop that process, ${elsewhere}`);
    }
    // Released between our attempt and this read: try again.
    if (holder === undefined) continue;
    if (holder === 'unreadable' || !isAlive(holder)) {
      const why = holder === 'unreadable' ? 'it cannot be read' : `pid ${holder.pid} (started ${holder.startedAt}) is gone`;
      logger.warn({ dataDir, holder }, `taking over the lock of ${dataDir}: ${why} (if it crashed, PGlite recovers the folder as Postgres would)`);
      if (!removeStaleLock(dataDir, holder)) await sleep(20);
      continue;
    }
    if (!holder.url) {
      if (!shareWithOwner) throw new DataDirInUseError(`another Contrail (${who(holder)}) is opening ${dataDir}: stop it, ${elsewhere}`);
      await sleep(100);
      continue;
    }
    if (!(await answersAt(holder.url, shareWithOwner ? 10_000 : 1000))) {
      // Never taken over: a live owner may only be busy (a long statement holds its thread).
      throw new DataDirInUseError(
        isVerified(holder)
          ? `another Contrail (${who(holder)}) holds ${dataDir} but does not answer at ${holder.url} (busy, or stuck): stop it, ${elsewhere}`
          : `another process (${who(holder)}) holds ${dataDir} but does not answer at ${holder.url}: ` +
              `if pid ${holder.pid} is not Contrail, delete ${lockPath(dataDir)}; ${elsewhere}`,
      );
    }
    if (!shareWithOwner) throw new DataDirInUseError(`another Contrail (${who(holder)}) holds ${dataDir}, serving at ${holder.url}: stop it, ${elsewhere}`);
    return { role: 'guest', url: holder.url, holder };
  }
}

/** True when a Postgres handshake at `url` completes in time (the owner answers it without queueing). */
async function answersAt(url: string, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens PGlite on `dataDir` in a worker thread; the lock, taken already, gets the worker's URL. */
async function startOwner(dataDir: string, me: LockHolder, { logger, migrationsFolder, closeTimeoutMs = 30_000 }: ClaimOptions) {
  const workerData: OwnerWorkerData = { dataDir, migrationsFolder, host: '127.0.0.1' };
  const worker = new Worker(new URL('./owner-worker.mjs', import.meta.url), { workerData });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  // An uncaught error in the worker is logged here, then seen as an exit: never a crash of this thread.
  worker.on('error', (err) => logger.error({ err: err.message, dataDir }, 'the embedded database thread failed'));

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      worker.on('message', (message: OwnerWorkerMessage) => {
        if (message.type === 'ready') resolve(message.url);
        else if (message.type === 'failed') reject(new Error(message.message));
      });
      void exited.then((code) => reject(new Error(`its thread stopped (exit code ${code}) while opening the folder`)));
    });
  } catch (err) {
    await worker.terminate();
    releaseLock(dataDir, me);
    throw err;
  }
  const holder: LockHolder = { ...me, url };
  updateLock(dataDir, holder);

  let closing = false;
  worker.on('message', (message: OwnerWorkerMessage) => {
    if (message.type === 'fatal') logger.error({ err: message.message, dataDir }, 'the embedded database failed');
  });
  void exited.then((code) => {
    if (closing) return;
    // Nobody has the folder open any more: the lock goes, so a restart (or the CLI) can open it.
    releaseLock(dataDir, holder);
    logger.error({ code, dataDir }, 'the embedded database stopped: every query fails until Contrail restarts');
  });

  return {
    url,
    thread: worker,
    async close() {
      if (closing) return exited.then(() => undefined);
      closing = true;
      worker.postMessage({ type: 'close' } satisfies OwnerWorkerCommand);
      const timer = setTimeout(() => {
        logger.warn({ dataDir, closeTimeoutMs }, 'the embedded database did not close in time: stopping its thread');
        void worker.terminate();
      }, closeTimeoutMs);
      await exited;
      clearTimeout(timer);
      // Only now: the folder is closed, another process may open it.
      releaseLock(dataDir, holder);
    },
  };
}
