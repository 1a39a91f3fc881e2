import type { Answer } from './answer.ts';
import { metarAt, observationTimes } from './metar.ts';
import { reportingStation, type ReportingStation } from './report-codes.ts';
import { currentTafIssue, tafAt } from './taf.ts';
import { HOUR_MS } from './time.ts';
import type { IndexedWorld } from './world.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const TEXT_HEADERS = { 'content-type': 'text/plain; charset=utf-8' };
// The most hours of METARs one call returns (the real database keeps about 15 days).
const MAX_HOURS = 15 * 24;

/** The real service's error body, e.g. `{"status":"error","error":"Invalid value for format"}`. */
export function aviationWeatherError(status: number, message: string): Answer {
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ status: 'error', error: message }) };
}

/**
 * aviationweather.gov's Data API for METARs and TAFs: `ids` (comma- or space-separated ICAO
 * codes), `format` json or raw (raw is the real default), METAR `hours` back, and `date`
 * (yyyymmdd_hhnn or ISO) to read the past. Unknown stations are left out; when none is known
 * the answer is 204 with an empty body, as the real service does.
 */
export function createAviationWeather(world: IndexedWorld) {
  const stations = new Map<string, ReportingStation>();
  function station(icao: string): ReportingStation | undefined {
    let s = stations.get(icao);
    if (!s) {
      const airport = world.stations.get(icao);
      if (!airport) return undefined;
      s = reportingStation(airport);
      stations.set(icao, s);
    }
    return s;
  }
  /** Only served airports issue TAFs; an airstrip without routes reports METARs alone. */
  const issuesTaf = (icao: string) => (world.routeCount.get(world.stations.get(icao)?.iata ?? '') ?? 0) > 0;

  function metar(query: URLSearchParams, nowMs: number): Answer {
    const request = parseCommon(query, nowMs);
    if ('status' in request) return request;
    const hoursText = query.get('hours');
    const hours = hoursText === null ? null : Number(hoursText);
    if (hours !== null && !(Number.isFinite(hours) && hours > 0)) return aviationWeatherError(400, 'Invalid value for hours');

    const items = request.ids.flatMap((icao) => {
      const s = station(icao);
      if (!s) return [];
      const span = Math.min(hours ?? 0, MAX_HOURS);
      const times = hours === null ? observationTimes(s, request.at) : observationTimes(s, request.at, Math.ceil(span) + 1).filter((t) => t > request.at - span * HOUR_MS);
      return times.map((t) => metarAt(s, t));
    });
    return respond(items, request.format, (m) => m.rawOb);
  }

  function taf(query: URLSearchParams, nowMs: number): Answer {
    const request = parseCommon(query, nowMs);
    if ('status' in request) return request;
    const items = request.ids.flatMap((icao) => {
      const s = station(icao);
      return s && issuesTaf(icao) ? [tafAt(s, currentTafIssue(s, request.at))] : [];
    });
    return respond(items, request.format, (t) => t.rawTAF);
  }

  return { metar, taf };
}

interface Request {
  ids: string[];
  format: 'json' | 'raw';
  /** The instant answered: now, or the `date` asked for (never the future). */
  at: number;
}

function parseCommon(query: URLSearchParams, nowMs: number): Request | Answer {
  const idsText = query.get('ids')?.trim();
  if (!idsText) return aviationWeatherError(400, 'Missing value for ids');
  const format = (query.get('format') ?? 'raw').toLowerCase();
  if (format !== 'json' && format !== 'raw') return aviationWeatherError(400, 'Invalid value for format');
  let at = nowMs;
  const dateText = query.get('date');
  if (dateText) {
    const date = parseDate(dateText);
    if (date === null) return aviationWeatherError(400, 'Invalid value for date');
    at = Math.min(date, nowMs);
  }
  const ids = [...new Set(idsText.toUpperCase().split(/[\s,]+/).filter(Boolean))];
  return { ids, format, at };
}

/** `yyyymmdd_hhnn` (the documented form), `yyyymmdd`, or an ISO 8601 instant. */
function parseDate(text: string): number | null {
  const compact = /^(\d{4})(\d{2})(\d{2})(?:_(\d{2})(\d{2}))?Z?$/.exec(text);
  if (compact) {
    const [, y, mo, d, h = '23', mi = '59'] = compact;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

function respond<T>(items: T[], format: 'json' | 'raw', raw: (item: T) => string): Answer {
  if (!items.length) return { status: 204, headers: {}, body: '' };
  if (format === 'raw') return { status: 200, headers: TEXT_HEADERS, body: items.map(raw).join('\n') + '\n' };
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(items) };
}
