import { headerSafeTag } from '../../plugins/response-cache/cdn-tags.ts';
import type { Logger } from '../logger.ts';
import { parseRetryAfter } from '../resilience/retry-after.ts';
import { retry } from '../resilience/retry.ts';

export interface CdnPurgeOptions {
  /** Receives `POST { "tags": [...], "surrogateKeys": [...] }` for the invalidated tags. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. Default: none. */
  token?: string;
  /** How long invalidations are collected into one POST (ms). Default: 200. */
  batchMs?: number;
  /** Tags in one POST at most; more go in the next. Default: 1000. */
  maxBatchTags?: number;
  /** Tags waiting at most; beyond, new ones are dropped and logged. Default: 10 000. */
  maxQueuedTags?: number;
  /** Attempts per POST, the first included. Default: 5. */
  maxAttempts?: number;
  /** The ceiling of the first retry's delay (ms), doubling per retry up to 10 s. Default: 250. */
  retryBaseMs?: number;
  /** One attempt's limit (ms). Default: 5000. */
  timeoutMs?: number;
  /** How long `close` lets the last POSTs try (ms). Default: 2000. */
  closeTimeoutMs?: number;
  logger: Logger;
}

export interface CdnPurge {
  /** Queues the tags of an invalidation; returns at once (the POST follows the batch window). */
  enqueue(tags: readonly string[]): void;
  /** Queues `{ "all": true }`: everything was flushed (the tags queued so far go with it). */
  enqueueAll(): void;
  /** Sends what is queued now and resolves when every POST so far has succeeded or given up. */
  flush(): Promise<void>;
  /** Sends what is queued, within closeTimeoutMs, and stops. */
  close(): Promise<void>;
}

class PurgeFailure extends Error {
  override name = 'PurgeFailure';
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(`the purge webhook answered ${status}`);
  }
}

/** Another attempt may succeed: no answer, a timeout, 408, 429 or a 5xx. */
const retryable = (err: unknown) => !(err instanceof PurgeFailure) || err.status === 408 || err.status === 429 || err.status >= 500;

/**
 * Tells a CDN (through a webhook of the operator's: a Worker, a Fastly/Cloudflare API relay)
 * which tags were invalidated, so it drops the answers carrying them. Off the invalidation's
 * path: `enqueue` only queues; one POST at a time carries whatever a short window collected,
 * retried with jittered backoff, and a POST that gives up is logged — the CDN then serves
 * those answers until their s-maxage.
 */
export function createCdnPurge({
  url,
  token,
  batchMs = 200,
  maxBatchTags = 1000,
  maxQueuedTags = 10_000,
  maxAttempts = 5,
  retryBaseMs = 250,
  timeoutMs = 5000,
  closeTimeoutMs = 2000,
  logger,
}: CdnPurgeOptions): CdnPurge {
  // Tag → its header-safe form; a Map keeps the first-seen order and drops repeats.
  const queued = new Map<string, string>();
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  // Never the URL's credentials or query (a token may be there) in a log line.
  const target = new URL(url).host;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let dropped = 0;
  // A flush: the next POST tells the CDN to drop everything, which covers every queued tag.
  let everything = false;

  async function post(batch: [string, string][] | 'all'): Promise<void> {
    const body = batch === 'all' ? JSON.stringify({ all: true }) : JSON.stringify({ tags: batch.map(([tag]) => tag), surrogateKeys: batch.map(([, key]) => key) });
    try {
      await retry(
        async () => {
          const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]) });
          await response.arrayBuffer().catch(() => undefined);
          if (!response.ok) throw new PurgeFailure(response.status, parseRetryAfter(response.headers.get('retry-after')));
        },
        {
          maxAttempts,
          baseMs: retryBaseMs,
          capMs: 10_000,
          retryable,
          requestedDelay: (err) => (err instanceof PurgeFailure ? err.retryAfterMs : undefined),
          maxRequestedDelayMs: 30_000,
          signal: stopping.signal,
          onRetry: ({ attempt, delayMs, error }) => logger.warn({ target, attempt: attempt + 1, delayMs: Math.round(delayMs), err: (error as Error).message }, 'CDN purge failed: retrying'),
        },
      );
    } catch (err) {
      logger.error(
        batch === 'all' ? { target, all: true, err: (err as Error).message } : { target, tags: batch.length, sample: batch.slice(0, 10).map(([tag]) => tag), err: (err as Error).message },
        'CDN purge gave up: the CDN may serve these answers until their s-maxage',
      );
    }
  }

  /** Chains one POST per batch behind the previous one, until the queue is empty. */
  function send(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    sending = sending.then(async () => {
      if (everything) {
        everything = false;
        queued.clear();
        await post('all');
      }
      while (queued.size) {
        const batch = [...queued].slice(0, maxBatchTags);
        for (const [tag] of batch) queued.delete(tag);
        await post(batch);
      }
    });
    return sending;
  }

  return {
    enqueue(tags) {
      if (stopping.signal.aborted) return;
      for (const tag of tags) {
        if (queued.has(tag)) continue;
        if (queued.size >= maxQueuedTags) {
          if (dropped++ % 1000 === 0) logger.error({ target, dropped, maxQueuedTags }, 'CDN purge queue full: invalidated tags dropped, the CDN may serve them until their s-maxage');
          continue;
        }
        queued.set(tag, headerSafeTag(tag));
      }
      if (queued.size && !timer) {
        timer = setTimeout(() => void send(), batchMs);
        // A pending purge does not keep the process alive: close() sends it.
        timer.unref();
      }
    },

    enqueueAll() {
      if (stopping.signal.aborted) return;
      everything = true;
      if (!timer) {
        timer = setTimeout(() => void send(), batchMs);
        timer.unref();
      }
    },

    flush: send,

    async close() {
      const deadline = setTimeout(() => stopping.abort(new Error('closing')), closeTimeoutMs);
      try {
        await send();
      } finally {
        clearTimeout(deadline);
        stopping.abort(new Error('closed'));
      }
    },
  };
}
