import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, utcToZonedWallClock, zonedWallClockToUtc } from '../../src/sources/zoned-time.ts';

const utc = (iso: string) => new Date(iso);

describe('reading a wall clock in an IANA zone', () => {
  it('reads New York in winter as UTC−5 and in summer as UTC−4', () => {
    expect(zonedWallClockToUtc('2026-11-21T08:00:00', 'America/New_York')).toEqual(utc('2026-11-21T13:00:00Z'));
    expect(zonedWallClockToUtc('2026-07-15T08:00:00', 'America/New_York')).toEqual(utc('2026-07-15T12:00:00Z'));
  });

  it('reads London in winter as UTC itself and in summer as UTC+1', () => {
    expect(zonedWallClockToUtc('2026-11-21T08:00:00', 'Europe/London')).toEqual(utc('2026-11-21T08:00:00Z'));
    expect(zonedWallClockToUtc('2026-07-15T08:00:00', 'Europe/London')).toEqual(utc('2026-07-15T07:00:00Z'));
  });

  it('reads a Sydney morning as the previous UTC day (UTC+11 in the southern summer)', () => {
    expect(zonedWallClockToUtc('2026-11-21T10:00:00', 'Australia/Sydney')).toEqual(utc('2026-11-20T23:00:00Z'));
    expect(zonedWallClockToUtc('2026-07-15T10:00:00', 'Australia/Sydney')).toEqual(utc('2026-07-15T00:00:00Z'));
  });

  it('accepts minutes without seconds, and fractions of a second', () => {
    expect(zonedWallClockToUtc('2026-11-21T08:00', 'America/New_York')).toEqual(utc('2026-11-21T13:00:00Z'));
    expect(zonedWallClockToUtc('2026-11-21T08:00:00.5', 'America/New_York')).toEqual(utc('2026-11-21T13:00:00.500Z'));
  });

  it('takes the earlier instant for a wall time that happens twice (clocks going back)', () => {
    // New York, 1 Nov 2026: 01:30 EDT (05:30Z) and, an hour later, 01:30 EST (06:30Z).
    expect(zonedWallClockToUtc('2026-11-01T01:30:00', 'America/New_York')).toEqual(utc('2026-11-01T05:30:00Z'));
    // London, 25 Oct 2026: 01:30 BST (00:30Z), then 01:30 GMT (01:30Z).
    expect(zonedWallClockToUtc('2026-10-25T01:30:00', 'Europe/London')).toEqual(utc('2026-10-25T00:30:00Z'));
    // Sydney, 5 Apr 2026: 02:30 AEDT (15:30Z the day before), then 02:30 AEST.
    expect(zonedWallClockToUtc('2026-04-05T02:30:00', 'Australia/Sydney')).toEqual(utc('2026-04-04T15:30:00Z'));
  });

  it('moves a wall time that never happens (clocks going forward) forward by the gap', () => {
    // New York, 8 Mar 2026: 02:00 EST jumps to 03:00 EDT; 02:30 is read as EST, i.e. 03:30 EDT.
    expect(zonedWallClockToUtc('2026-03-08T02:30:00', 'America/New_York')).toEqual(utc('2026-03-08T07:30:00Z'));
    expect(utcToZonedWallClock(utc('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('2026-03-08T03:30:00');
    // London, 29 Mar 2026: 01:30 does not exist; read as GMT, it is 02:30 BST.
    expect(zonedWallClockToUtc('2026-03-29T01:30:00', 'Europe/London')).toEqual(utc('2026-03-29T01:30:00Z'));
    // Sydney, 4 Oct 2026: 02:30 does not exist; read as AEST (+10), it is 03:30 AEDT.
    expect(zonedWallClockToUtc('2026-10-04T02:30:00', 'Australia/Sydney')).toEqual(utc('2026-10-03T16:30:00Z'));
  });

  it('reads the last minute before and the first minute after a change exactly', () => {
    expect(zonedWallClockToUtc('2026-03-08T01:59:00', 'America/New_York')).toEqual(utc('2026-03-08T06:59:00Z'));
    expect(zonedWallClockToUtc('2026-03-08T03:00:00', 'America/New_York')).toEqual(utc('2026-03-08T07:00:00Z'));
    expect(zonedWallClockToUtc('2026-11-01T02:00:00', 'America/New_York')).toEqual(utc('2026-11-01T07:00:00Z'));
  });

  it('refuses what is not a wall-clock time, a real date, or a known zone, saying what it expected', () => {
    expect(() => zonedWallClockToUtc('2026-11-21T08:00:00Z', 'UTC')).toThrow(/expected a wall-clock time like 2026-11-21T08:00:00, received "2026-11-21T08:00:00Z"/);
    expect(() => zonedWallClockToUtc('2026-02-29T08:00:00', 'UTC')).toThrow(/expected a real calendar date and time/);
    expect(() => zonedWallClockToUtc('2026-11-21T24:00:00', 'UTC')).toThrow(RangeError);
    expect(() => zonedWallClockToUtc('2026-11-21T08:00:00', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(zonedWallClockToUtc('2028-02-29T08:00:00', 'UTC')).toEqual(utc('2028-02-29T08:00:00Z'));
  });

  it('knows which zones the runtime knows', () => {
    expect(isKnownTimeZone('America/New_York')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('showing a UTC instant on a wall clock', () => {
  it('shows local time for display', () => {
    expect(utcToZonedWallClock(utc('2026-11-21T13:00:00Z'), 'America/New_York')).toBe('2026-11-21T08:00:00');
    expect(utcToZonedWallClock(utc('2026-11-20T23:00:00Z'), 'Australia/Sydney')).toBe('2026-11-21T10:00:00');
    expect(utcToZonedWallClock(utc('2026-07-15T07:00:00Z'), 'Europe/London')).toBe('2026-07-15T08:00:00');
    expect(utcToZonedWallClock(utc('2026-07-15T00:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-15T05:30:00');
  });

  it('shows midnight as 00, not 24', () => {
    expect(utcToZonedWallClock(utc('2026-11-21T05:00:00Z'), 'America/New_York')).toBe('2026-11-21T00:00:00');
  });

  it('round-trips every instant, landing on the earlier one when the wall time happens twice', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2035, 0, 1) / 1000 }), fc.constantFrom(...zones), (seconds, zone) => {
        const instant = new Date(seconds * 1000);
        const wallClock = utcToZonedWallClock(instant, zone);
        const back = zonedWallClockToUtc(wallClock, zone);
        expect(utcToZonedWallClock(back, zone)).toBe(wallClock);
        // Equal, or the first of two instants showing the same wall time (at most an hour apart).
        expect(instant.getTime() - back.getTime()).toBeGreaterThanOrEqual(0);
        expect(instant.getTime() - back.getTime()).toBeLessThanOrEqual(3_600_000);
      }),
      { numRuns: 2000 },
    );
  });
});
