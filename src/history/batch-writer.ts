import type { Logger } from '../logger.ts';
import type { CallSink, UpstreamCall } from './http-client.ts';

export interface CallLogWriterOptions {
  /** Stores one batch (the `api_call_log` insert). */
  write: (batch: UpstreamCall[]) => Promise<void>;
  logger: Logger;
  /** Calls per write; a full batch is written at once. Default: 100. */
  batchSize?: number;
  /** The longest a call waits for its batch to fill before it is written anyway. Default: 1000 ms. */
  flushIntervalMs?: number;
  /** Calls held while writes lag behind; beyond it the oldest are dropped, and counted. Default: 10 000. */
  maxQueue?: number;
}

export interface CallLogStats {
  written: number;
  /** Dropped from a full queue, or recorded after close. */
  dropped: number;
  /** In batches whose write failed. */
  failed: number;
  pending: number;
}

export interface CallLogWriter {
  /** The HTTP client's sink: queues the call, never throws, never waits. */
  record: CallSink;
  /** Writes everything queued; resolves once written or given up on, never rejects. */
  flush(): Promise<void>;
  /** Takes no more calls and writes what is queued. */
  close(): Promise<void>;
  stats(): CallLogStats;
}

/**
 * Writes the calls the HTTP client records in batches, off the request path: one write at a
 * time, a full batch at once, a partial one after `flushIntervalMs`. A failed batch is logged
 * and lost: the call log is worth less than the requests it describes.
 */
export function createCallLogWriter(options: CallLogWriterOptions): CallLogWriter {
  const { write, logger, batchSize = 100, flushIntervalMs = 1000, maxQueue = 10_000 } = options;
  const queue: UpstreamCall[] = [];
  const counts = { written: 0, dropped: 0, failed: 0 };
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let warnedOfDrops = false;

  async function writeBatch(batch: UpstreamCall[]) {
    try {
      await write(batch);
      counts.written += batch.length;
      warnedOfDrops = false;
    } catch (err) {
      counts.failed += batch.length;
      logger.warn({ err: (err as Error).message, calls: batch.length }, 'api call log: a batch was not written');
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
      // The newest calls say most about now, so a lagging database costs the oldest.
      if (queue.length > maxQueue) {
        queue.shift();
        counts.dropped++;
        if (!warnedOfDrops) logger.warn({ maxQueue }, 'api call log: writes are behind, dropping the oldest calls');
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
