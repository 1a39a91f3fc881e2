/**
 * Wall clocks in airport time zones (on src/sources/zoned-time.ts): a schedule is written in
 * local time, and AviationStack reports local times.
 */
import { offsetAt } from '../sources/zoned-time.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The zone's offset from UTC at that instant, in ms (positive east of Greenwich). */
export function offsetMs(timeZone: string, utcMs: number): number {
  return offsetAt(utcMs, timeZone);
}

/**
 * The instant a local wall-clock time happens. Two passes settle the offset across a DST
 * change; a time skipped by spring-forward lands an hour later, as airlines publish it.
 */
export function localToUtc(timeZone: string, date: string, minuteOfDay: number): number {
  const wallAsUtc = dateToUtcMs(date) + minuteOfDay * MINUTE_MS;
  const first = wallAsUtc - offsetMs(timeZone, wallAsUtc);
  return wallAsUtc - offsetMs(timeZone, first);
}

/** YYYY-MM-DD of the local calendar at that instant. */
export function localDate(timeZone: string, utcMs: number): string {
  return new Date(utcMs + offsetMs(timeZone, utcMs)).toISOString().slice(0, 10);
}

/**
 * AviationStack's quirk, reproduced on purpose: the local wall-clock time labelled as UTC,
 * e.g. a 08:00 departure from JFK is `2026-11-21T08:00:00+00:00`.
 */
export function localLabelledUtc(timeZone: string, utcMs: number): string {
  return `${new Date(utcMs + offsetMs(timeZone, utcMs)).toISOString().slice(0, 19)}+00:00`;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the text is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

export function dateToUtcMs(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new Error(`expected a date as YYYY-MM-DD, received ${JSON.stringify(date)}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function utcDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return utcDate(dateToUtcMs(date) + days * DAY_MS);
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
