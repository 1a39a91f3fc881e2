import { vi } from 'vitest';

/**
 * Stops the clock the cache reads (Date), so an entry can age past its TTL without the test
 * waiting: `advanceClock(ms)` moves it on. Only Date is faked: sockets, timeouts and
 * lru-cache's own clock (performance.now) keep real time. `vi.useRealTimers()` restores it.
 */
export function stopClock(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
}

/** Moves the stopped clock (stopping it first if it runs) `ms` on. */
export function advanceClock(ms: number): void {
  if (!vi.isFakeTimers()) stopClock();
  vi.setSystemTime(Date.now() + ms);
}
