import { isKnownTimeZone, zonedWallClockToUtc } from '../zoned-time.ts';

/**
 * AviationStack's times are the airport's LOCAL wall clock labelled `+00:00`: an 08:00 departure
 * from JFK arrives as "2026-11-21T08:00:00+00:00", although it leaves at 13:00 UTC.
 *
 * The rule, right whether or not the service ever fixes that:
 * - label `+00:00`, `Z` or none → the wall clock is read in the airport's zone. For an airport
 *   whose real offset is zero (London in winter, Reykjavík) this is the same instant the label
 *   says, so a correct `+00:00` is never shifted wrongly.
 * - any other label (`-05:00`) → the service has started sending real offsets; used as is.
 * - label `+00:00` and no zone known → null: a time that may be off by up to 14 hours is worse
 *   than none.
 *
 * One case this cannot tell apart: if the service switched to true UTC for every airport, still
 * labelled `+00:00`, these times would be read as local. Nothing in a body distinguishes that, so
 * a switch like that needs a change here.
 */

// "2026-11-21T08:00:00+00:00"; the space separator and a missing offset are accepted too.
const UPSTREAM_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/** Why a time could not be read; the adapter turns it into a FlightsFormatError. */
export class UnreadableTimeError extends Error {
  override name = 'UnreadableTimeError';
}

/** The UTC instant of an AviationStack time at an airport in `zone` (see the rule above). */
export function upstreamInstant(value: string | null, zone: string | null): Date | null {
  if (value === null) return null;
  const match = UPSTREAM_TIME.exec(value.trim());
  if (!match) throw new UnreadableTimeError(`expected a time like 2026-11-21T08:00:00+00:00, received ${JSON.stringify(value)}`);
  const [, date, time, label] = match as unknown as [string, string, string, string | undefined];
  const wallClock = `${date}T${time}`;
  try {
    if (label === undefined || label === 'Z' || /^\+00:?00$/.test(label)) {
      return zone === null ? null : zonedWallClockToUtc(wallClock, zone);
    }
    zonedWallClockToUtc(wallClock, 'UTC'); // rejects 2026-02-30 and 25:00, which Date.parse would roll over
    const offset = label.includes(':') ? label : `${label.slice(0, 3)}:${label.slice(3)}`;
    return new Date(`${wallClock}${offset}`);
  } catch (err) {
    throw new UnreadableTimeError(`expected a real date and time, received ${JSON.stringify(value)}`, { cause: err });
  }
}

/** The airport's zone: the one the body names if the runtime knows it, else our airport table's. */
export function airportZone(bodyZone: string | null, iata: string | null, timeZoneOf: (iata: string) => string | null): string | null {
  if (bodyZone !== null && isKnownTimeZone(bodyZone)) return bodyZone;
  const fromTable = iata === null ? null : timeZoneOf(iata);
  return fromTable !== null && isKnownTimeZone(fromTable) ? fromTable : null;
}

/**
 * Minutes late. The upstream's `delay` is trusted when present (it knows about gate changes we
 * cannot see). Otherwise it is derived: actual (or, before that, estimated) minus scheduled. An
 * early flight is 0 minutes late, as airlines count it, not a negative delay.
 */
export function delayMinutes(reported: number | null, scheduled: Date | null, estimated: Date | null, actual: Date | null): number | null {
  if (reported !== null) return Math.max(0, Math.round(reported));
  const best = actual ?? estimated;
  if (scheduled === null || best === null) return null;
  return Math.max(0, Math.round((best.getTime() - scheduled.getTime()) / 60_000));
}
