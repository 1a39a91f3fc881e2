/**
 * Wall-clock times in IANA zones, with nothing but `Intl.DateTimeFormat` (Node ships full ICU, so
 * every zone and its history is there; a tz library would add a second copy of the same data).
 *
 * A wall-clock string is `yyyy-mm-ddThh:mm[:ss[.fff]]` with no offset: what a clock on the wall at
 * the airport shows.
 */

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const DAY_MS = 86_400_000;

// One formatter per zone: building one costs far more than formatting with it, and they are
// immutable, so sharing them across requests leaks nothing.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    // Throws RangeError for a zone ICU does not know.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // ICU also accepts any spelling of a zone ("america/new_york"): bound the cache anyway.
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA zone this runtime knows (e.g. `Europe/London`; not `GMT+1` typos). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function zonedFields(epochMs: number, zone: string): Fields {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields as unknown as Fields;
}

// Offsets change only on quarter hours (Lord Howe's DST moves by 30 minutes, Nepal sits at
// +5:45), so one Intl look-up per zone and quarter hour serves every time in it: reading a day
// of flights asks a few dozen, not thousands. The cache is dropped when it grows large.
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();
const MAX_CACHED_OFFSETS = 200_000;

/** The zone's offset from UTC at an instant, in ms (New York in winter: −5 h). */
export function offsetAt(epochMs: number, zone: string): number {
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  const key = `${zone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const f = zonedFields(start, zone);
    offset = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - start;
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * The UTC instant at which clocks in `zone` show `wallClock`.
 *
 * Around a daylight-saving change some wall times happen twice or not at all. The rule is
 * Temporal's `disambiguation: 'compatible'` (also java.time's and RFC 5545's), so it is
 * deterministic and matches what other systems compute:
 * - **overlap** (clocks go back; 01:30 happens twice): the earlier instant, i.e. the offset in
 *   force before the change;
 * - **gap** (clocks go forward; 02:30 never happens): the time is read with the offset in force
 *   before the gap, which lands it as far after the gap as it was into it (02:30 → 03:30 local).
 *
 * @throws RangeError when `wallClock` is not a valid wall-clock string or `zone` is unknown.
 */
export function zonedWallClockToUtc(wallClock: string, zone: string): Date {
  const match = WALL_CLOCK.exec(wallClock);
  if (!match) {
    throw new RangeError(`expected a wall-clock time like 2026-11-21T08:00:00, received ${JSON.stringify(wallClock)}`);
  }
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = Number(match[6] ?? 0);
  // ".5" is 500 ms, not 5.
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`expected a real calendar date and time, received ${JSON.stringify(wallClock)}`);
  }
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  formatterFor(zone); // an unknown zone throws here, before any arithmetic

  // The answer is asIfUtc − offset for an offset that is in force at the answer. Offsets are within
  // ±14 h, so the offsets a day either side cover the one transition that can be nearby.
  const before = offsetAt(asIfUtc - DAY_MS, zone);
  const after = offsetAt(asIfUtc + DAY_MS, zone);
  const candidates = [...new Set([before, offsetAt(asIfUtc, zone), after])]
    .map((offset) => asIfUtc - offset)
    .filter((instant) => instant + offsetAt(instant, zone) === asIfUtc);

  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // A gap: read with the earlier offset, which moves the time forward by the gap's length.
  return new Date(asIfUtc - before);
}

/** Days in a month of the proleptic Gregorian calendar (February 2028: 29). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** What clocks in `zone` show at `instant`, as `yyyy-mm-ddThh:mm:ss` (seconds; no offset). */
export function utcToZonedWallClock(instant: Date, zone: string): string {
  const ms = Math.floor(instant.getTime() / 1000) * 1000;
  const local = new Date(ms + offsetAt(ms, zone));
  const year = local.getUTCFullYear();
  return `${pad(year, 4)}-${local.toISOString().slice(5, 19)}`;
}
