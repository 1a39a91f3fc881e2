import type { Logger } from '../logger.ts';

export interface BatchWriterOptions<T> {
  /** What it writes, as its log lines name it (`api call log`, `flight history`). */
  name: string;
  /** Stores one batch (one insert). */
  write: (batch: T[]) => Promise<void>;
  logger: Logger;
  /** Items per write; a full batch is written at once. Default: 100. */
  batchSize?: number;
  /** The longest an item waits for its batch to fill before it is written anyway. Default: 1000 ms. */
  flushIntervalMs?: number;
  /** Items held while writes lag behind; beyond it the oldest are dropped, and counted. Default: 10 000. */
  maxQueue?: number;
}

export interface BatchWriterStats {
  written: number;
  /** Dropped from a full queue, or recorded after close. */
  dropped: number;
  /** In batches whose write failed. */
  failed: number;
  pending: number;
}

export interface BatchWriter<T> {
  /** Queues an item: never throws, never waits (the HTTP client's call sink, a source's answers). */
  record: (item: T) => void;
  /** Writes everything queued; resolves once written or given up on, never rejects. */
  flush(): Promise<void>;
  /** Takes no more items and writes what is queued. */
  close(): Promise<void>;
  stats(): BatchWriterStats;
}

/**
 * Writes items in batches, off the request path: one write at a time, a full batch at once, a
 * partial one after `flushIntervalMs`. A failed batch is logged and lost: history is worth
 * less than the requests it describes.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>): BatchWriter<T> {
  const { name, write, logger, batchSize = 100, flushIntervalMs = 1000, maxQueue = 10_000 } = options;
  const queue: T[] = [];
  const counts = { written: 0, dropped: 0, failed: 0 };
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let warnedOfDrops = false;

  async function writeBatch(batch: T[]) {
    try {
      await write(batch);
      counts.written += batch.length;
      warnedOfDrops = false;
    } catch (err) {
      counts.failed += batch.length;
      logger.warn({ err: (err as Error).message, items: batch.length }, `${name}: a batch was not written`);
    }
  }

  /** Writes full batches — and with `all`, what is queued as it starts — one write at a time. */
  function drain(all: boolean): Promise<void> {
    if (writing) return all ? writing.then(() => drain(true)) : writing;
    writing = (async () => {
      // Off the caller's stack: record() returns before a write is even built.
      await null;
      // Bounded, so a flush under steady traffic ends; full batches keep going regardless.
      let owed = all ? Math.ceil(queue.length / batchSize) : 0;
      while (queue.length >= batchSize || (owed > 0 && queue.length > 0)) {
        owed--;
        await writeBatch(queue.splice(0, batchSize));
      }
    })().finally(() => {
      writing = undefined;
      schedule();
    });
    return writing;
  }

  function schedule() {
    if (queue.length >= batchSize) {
      void drain(false);
      return;
    }
    if (queue.length === 0 || timer || closing) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain(true);
    }, flushIntervalMs);
    // A partial batch waiting must not keep a finished process alive; close() writes it.
    timer.unref();
  }

  return {
    record(call) {
      if (closing) {
        counts.dropped++;
        return;
      }
      queue.push(call);
      // The newest items say most about now, so a lagging database costs the oldest.
      if (queue.length > maxQueue) {
        queue.shift();
        counts.dropped++;
        if (!warnedOfDrops) logger.warn({ maxQueue }, `${name}: writes are behind, dropping the oldest items`);
        warnedOfDrops = true;
      }
      schedule();
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      return drain(true);
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      closing ??= drain(true);
      return closing;
    },
    stats: () => ({ ...counts, pending: queue.length }),
  };
}
