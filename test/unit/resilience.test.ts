import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSemaphore } from '../../src/resilience/semaphore.ts';
import { TierGuard, TierTimeoutError } from '../../src/cache/guard.ts';
import { createLogger } from '../../src/logger.ts';
import { CircuitBreaker } from '../../src/resilience/breaker.ts';
import { parseRetryAfter } from '../../src/resilience/retry-after.ts';
import { fullJitter, retry } from '../../src/resilience/retry.ts';
import { TimeoutError, withTimeout } from '../../src/resilience/timeout.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A seeded uniform draw in [0, 1) (mulberry32), so jittered delays are known in advance. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A failure that says which attempt made it. */
class Flaky extends Error {
  constructor(
    readonly attempt: number,
    readonly retryable = true,
    readonly retryAfterMs?: number,
  ) {
    super(`attempt ${attempt} failed`);
  }
}

const never = () => new Promise<never>(() => undefined);

describe('withTimeout', () => {
  it('settles with the work and leaves no timer behind', async () => {
    await expect(withTimeout(Promise.resolve(42), 100)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('refused')), 100)).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with a TimeoutError naming the limit once the time is up, not before', async () => {
    const outcome = withTimeout(never(), 100).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err = await outcome;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ ms: 100, message: 'no answer within 100 ms' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the error the factory makes, and aborts the signal it gave the work', async () => {
    class Slow extends Error {}
    let given: AbortSignal | undefined;
    const outcome = withTimeout(
      (signal) => {
        given = signal;
        return never();
      },
      50,
      (ms) => new Slow(`slow after ${ms}`),
    ).catch((err: unknown) => err);
    expect(given?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    const err = await outcome;
    expect(err).toBeInstanceOf(Slow);
    expect(given?.aborted).toBe(true);
    expect(given?.reason).toBe(err);
  });

  it("rejects with the caller's abort reason at once, aborting the work and clearing the timer", async () => {
    const caller = new AbortController();
    let given: AbortSignal | undefined;
    const outcome = withTimeout(
      (signal) => {
        given = signal;
        return never();
      },
      1000,
      undefined,
      caller.signal,
    ).catch((err: unknown) => err);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(given?.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not start the work when the signal is already aborted', async () => {
    const work = vi.fn(() => Promise.resolve(1));
    await expect(withTimeout(work, 100, undefined, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(work).not.toHaveBeenCalled();
  });

  it('turns work that throws at once into a rejection', async () => {
    const work = () => {
      throw new Error('sync failure');
    };
    await expect(withTimeout(work, 100)).rejects.toThrow('sync failure');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('absorbs a rejection of the work that comes after the timeout', async () => {
    let fail!: (err: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    const outcome = withTimeout(late, 10).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    // Were it unhandled, vitest would fail the run.
    fail(new Error('too late'));
    await vi.advanceTimersByTimeAsync(0);
  });
});

describe('CircuitBreaker', () => {
  function breaker() {
    let now = 1_000;
    const b = new CircuitBreaker({ failureThreshold: 3, resetAfterMs: 500, now: () => now });
    return { b, advance: (ms: number) => (now += ms) };
  }

  it('opens on the threshold-th failure in a row, and a success in between starts the count again', () => {
    const { b } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('refuses calls until the reset time, then lets exactly one trial through', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    advance(499);
    expect(b.tryAcquire()).toBe(false);
    // Read lazily: still open until a call asks.
    advance(1);
    expect(b.state).toBe('open');
    expect([b.tryAcquire(), b.tryAcquire(), b.tryAcquire()]).toEqual([true, false, false]);
    expect(b.state).toBe('half-open');
  });

  it('closes when the trial succeeds', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    advance(500);
    b.tryAcquire();
    b.succeeded();
    expect(b.state).toBe('closed');
    expect([b.tryAcquire(), b.tryAcquire()]).toEqual([true, true]);
  });

  it('reopens for a full reset time when the trial fails', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    advance(500);
    b.tryAcquire();
    b.failed();
    expect(b.state).toBe('open');
    advance(499);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('frees the trial slot when the trial is abandoned, without closing or reopening', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    advance(500);
    expect(b.tryAcquire()).toBe(true);
    b.abandoned();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
  });

  it('closes on a late success of a call admitted before it opened (the dependency answered)', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    b.succeeded();
    expect(b.state).toBe('closed');
  });
});

describe('retry', () => {
  it('draws each delay uniformly under min(cap, base·2^retry)', () => {
    fc.assert(
      fc.property(fc.nat(20), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, base, cap, draw) => {
        const delay = fullJitter(n, base, cap, () => draw);
        return delay >= 0 && delay < Math.min(cap, base * 2 ** n);
      }),
    );
  });

  it('retries with full-jitter delays from the seeded draw until an attempt succeeds', async () => {
    const draws = seeded(7);
    const expected = seeded(7);
    const waits: number[] = [];
    const call = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw new Flaky(attempt);
      return 'answer';
    });
    const outcome = retry(call, { maxAttempts: 5, baseMs: 100, capMs: 300, random: draws, onRetry: ({ delayMs }) => waits.push(delayMs) });
    await vi.runAllTimersAsync();
    expect(await outcome).toBe('answer');
    expect(call.mock.calls).toEqual([[0], [1], [2], [3]]);
    // Ceilings 100, 200, then the cap (300 rather than 400).
    expect(waits).toEqual([expected() * 100, expected() * 200, expected() * 300]);
  });

  it('waits the drawn delay before the next attempt, no less', async () => {
    const call = vi.fn(async (attempt: number) => {
      if (attempt === 0) throw new Flaky(0);
      return 'ok';
    });
    const outcome = retry(call, { maxAttempts: 2, baseMs: 1000, capMs: 1000, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(499);
    expect(call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(call).toHaveBeenCalledTimes(2);
    expect(await outcome).toBe('ok');
  });

  it('stops after maxAttempts and rejects with the last failure', async () => {
    const call = vi.fn(async (attempt: number) => {
      throw new Flaky(attempt);
    });
    const outcome = retry(call, { maxAttempts: 3, baseMs: 10, capMs: 10 }).catch((err: unknown) => err);
    await vi.runAllTimersAsync();
    expect(await outcome).toMatchObject({ attempt: 2 });
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('does not retry a failure the predicate calls final', async () => {
    const call = vi.fn(async (attempt: number) => {
      throw new Flaky(attempt, false);
    });
    const outcome = retry(call, { maxAttempts: 5, baseMs: 10, capMs: 10, retryable: (err) => (err as Flaky).retryable }).catch((err: unknown) => err);
    await vi.runAllTimersAsync();
    expect(await outcome).toMatchObject({ attempt: 0 });
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('waits exactly the delay the dependency asked for instead of a drawn one', async () => {
    const random = vi.fn(() => 0.99);
    const call = vi.fn(async (attempt: number) => {
      if (attempt === 0) throw new Flaky(0, true, 1500);
      return 'ok';
    });
    const outcome = retry(call, { maxAttempts: 2, baseMs: 10, capMs: 10, maxRequestedDelayMs: 2000, random, requestedDelay: (err) => (err as Flaky).retryAfterMs });
    await vi.advanceTimersByTimeAsync(1499);
    expect(call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('ok');
    expect(random).not.toHaveBeenCalled();
  });

  it('gives up at once when the dependency asks for a longer wait than allowed', async () => {
    const call = vi.fn(async (attempt: number) => {
      throw new Flaky(attempt, true, 60_000);
    });
    const outcome = retry(call, { maxAttempts: 5, baseMs: 10, capMs: 10, maxRequestedDelayMs: 2000, requestedDelay: (err) => (err as Flaky).retryAfterMs }).catch((err: unknown) => err);
    expect(await outcome).toMatchObject({ attempt: 0 });
    expect(call).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops waiting and rejects with the reason when the caller aborts between attempts', async () => {
    const caller = new AbortController();
    const call = vi.fn(async (attempt: number) => {
      throw new Flaky(attempt);
    });
    const outcome = retry(call, { maxAttempts: 5, baseMs: 1000, capMs: 1000, random: () => 0.5, signal: caller.signal }).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(100);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(await outcome).toBe(reason);
    await vi.runAllTimersAsync();
    expect(call).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not retry an attempt that failed because the caller aborted', async () => {
    const caller = new AbortController();
    const call = vi.fn(async () => {
      caller.abort();
      throw new Flaky(0);
    });
    await expect(retry(call, { maxAttempts: 5, baseMs: 10, capMs: 10, signal: caller.signal })).rejects.toBeInstanceOf(Flaky);
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');

  it.each([
    ['delay-seconds', '3', 3000],
    ['zero', '0', 0],
    ['an HTTP-date', 'Sat, 21 Nov 2026 10:00:05 GMT', 5000],
    ['an HTTP-date in the past', 'Sat, 21 Nov 2026 09:59:00 GMT', 0],
    ['absent', null, undefined],
    ['a fraction', '1.5', undefined],
    ['a negative number', '-3', undefined],
    ['garbage', 'soon', undefined],
  ])('reads %s', (_, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('TierGuard (the cache tier guard on these pieces)', () => {
  function guarded() {
    const lines: { msg: string }[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const guard = new TierGuard({ tier: 'redis', logger, timeoutMs: 100, failureThreshold: 2, resetAfterMs: 1000 });
    return { guard, messages: () => lines.map((l) => l.msg) };
  }

  it('answers with the fallback on a timeout, counts it, and skips the tier once the breaker opens', async () => {
    const { guard, messages } = guarded();
    const slow = guard.run('get', never, 'fallback');
    await vi.advanceTimersByTimeAsync(100);
    expect(await slow).toBe('fallback');
    expect(await guard.run('get', () => Promise.reject(new Error('refused')), 'fallback')).toBe('fallback');
    const call = vi.fn(() => Promise.resolve('value'));
    expect(await guard.run('get', call, 'fallback')).toBe('fallback');
    expect(call).not.toHaveBeenCalled();
    expect(guard.counters).toEqual({ errors: 1, timeouts: 1, skipped: 1, breaker: 'open' });
    expect(messages()).toEqual(['cache tier call failed', 'cache tier failing: skipping it for now']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets one trial through after the reset time and says so when the tier recovers', async () => {
    const { guard, messages } = guarded();
    await guard.run('get', () => Promise.reject(new Error('refused')), null);
    await guard.run('get', () => Promise.reject(new Error('refused')), null);
    vi.advanceTimersByTime(1000);
    let answer!: (value: string) => void;
    const trial = guard.run('get', () => new Promise<string>((resolve) => (answer = resolve)), 'fallback');
    expect(await guard.run('get', () => Promise.resolve('second'), 'fallback')).toBe('fallback');
    answer('value');
    expect(await trial).toBe('value');
    expect(guard.breaker).toBe('closed');
    expect(messages().at(-1)).toBe('cache tier recovered');
  });

  it('logs a timeout as a TierTimeoutError naming the operation and the limit', async () => {
    const lines: unknown[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const guard = new TierGuard({ tier: 'postgres', logger, timeoutMs: 100, failureThreshold: 1, resetAfterMs: 1000 });
    const slow = guard.run('getMany', never, []);
    await vi.advanceTimersByTimeAsync(100);
    expect(await slow).toEqual([]);
    expect(lines).toMatchObject([{ tier: 'postgres', op: 'getMany', err: 'getMany took over 100 ms' }]);
    expect(new TierTimeoutError(5)).toBeInstanceOf(TimeoutError);
  });
});

describe('a semaphore', () => {
  beforeEach(() => vi.useRealTimers());

  it('runs at most its limit at once, the rest in the order they came', async () => {
    const run = createSemaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      }),
    );
    for (let opened = 0; opened < 5; opened++) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()!();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('frees its place when a task fails', async () => {
    const run = createSemaphore(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run(async () => 'next')).toBe('next');
  });
});
