import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createBatchWriter, type BatchWriterOptions } from '../../src/history/batch-writer.ts';
import type { UpstreamCall } from '../../src/sources/http-client.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const call = (i: number): UpstreamCall => ({ source: 's', endpoint: `/c${i}`, status: 200, latencyMs: 1, ok: true, cost: 0, at: new Date(0) });

/** A writer whose writes are recorded as lists of endpoints; `hold` keeps each write pending until released. */
function writer(options: Partial<BatchWriterOptions<UpstreamCall>> & { hold?: boolean } = {}) {
  const batches: string[][] = [];
  const pending: (() => void)[] = [];
  const warnings: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  const log = createBatchWriter<UpstreamCall>({
    name: 'api call log',
    logger,
    batchSize: 3,
    flushIntervalMs: 1000,
    write: (batch) => {
      batches.push(batch.map((c) => c.endpoint));
      return options.hold ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    },
    ...options,
  });
  const release = async () => {
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { log, batches, warnings, release };
}

describe('the batch writer (as the api call log uses it)', () => {
  it('writes each full batch off the caller’s stack, and a partial one after the interval', async () => {
    const { log, batches } = writer();
    for (let i = 0; i < 7; i++) log.record(call(i));
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([
      ['/c0', '/c1', '/c2'],
      ['/c3', '/c4', '/c5'],
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.at(-1)).toEqual(['/c6']);
    expect(log.stats()).toEqual({ written: 7, dropped: 0, failed: 0, pending: 0 });
  });

  it('runs one write at a time', async () => {
    const { log, batches, release } = writer({ hold: true });
    for (let i = 0; i < 6; i++) log.record(call(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([['/c0', '/c1', '/c2']]);
    await release();
    expect(batches).toEqual([
      ['/c0', '/c1', '/c2'],
      ['/c3', '/c4', '/c5'],
    ]);
  });

  it('drops the oldest calls beyond its queue while a write lags, counts them, and warns once', async () => {
    const { log, batches, warnings, release } = writer({ hold: true, batchSize: 2, maxQueue: 5 });
    log.record(call(0));
    log.record(call(1));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 2; i < 9; i++) log.record(call(i));
    expect(log.stats()).toEqual({ written: 0, dropped: 2, failed: 0, pending: 5 });
    expect(warnings).toEqual(['api call log: writes are behind, dropping the oldest items']);
    await release();
    await release();
    await release();
    expect(batches).toEqual([
      ['/c0', '/c1'],
      ['/c4', '/c5'],
      ['/c6', '/c7'],
    ]);
    expect(log.stats()).toEqual({ written: 6, dropped: 2, failed: 0, pending: 1 });
  });

  it('logs a failed write, counts its calls, and carries on with the next batch', async () => {
    let first = true;
    const { log, batches, warnings } = writer({
      write: async (batch) => {
        batches.push(batch.map((c) => c.endpoint));
        if (first) {
          first = false;
          throw new Error('relation "api_call_log" does not exist');
        }
      },
    });
    for (let i = 0; i < 6; i++) log.record(call(i));
    await log.flush();
    expect(batches).toHaveLength(2);
    expect(log.stats()).toEqual({ written: 3, dropped: 0, failed: 3, pending: 0 });
    expect(warnings).toEqual(['api call log: a batch was not written']);
  });

  it('survives a write that throws before returning a promise', async () => {
    const { log } = writer({
      write: () => {
        throw new Error('not even a promise');
      },
    });
    expect(() => log.record(call(0))).not.toThrow();
    await expect(log.flush()).resolves.toBeUndefined();
    expect(log.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('flush writes what waits at once and resolves once it is written', async () => {
    const { log, batches } = writer();
    log.record(call(0));
    log.record(call(1));
    await log.flush();
    expect(batches).toEqual([['/c0', '/c1']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close writes what is queued, waits for a write in flight, and then drops and counts late calls', async () => {
    const { log, batches, release } = writer({ hold: true });
    for (let i = 0; i < 4; i++) log.record(call(i));
    await vi.advanceTimersByTimeAsync(0);
    let closed = false;
    const closing = log.close().then(() => (closed = true));
    log.record(call(99));
    await release();
    expect(closed).toBe(false);
    await release();
    await closing;
    expect(batches).toEqual([['/c0', '/c1', '/c2'], ['/c3']]);
    expect(log.stats()).toEqual({ written: 4, dropped: 1, failed: 0, pending: 0 });
    expect(log.close()).toBe(log.close());
    expect(vi.getTimerCount()).toBe(0);
  });
});
