import { hash32 } from './random.ts';
import {
  cloudText,
  dayTime,
  reportedCategory,
  temperatureText,
  verticalVisibilityText,
  visibility,
  windText,
  type ReportingStation,
} from './report-codes.ts';
import { HOUR_MS } from './time.ts';
import { conditionsAt, type CloudLayer, type Conditions } from './weather.ts';

/** One forecast period of aviationweather.gov's TAF JSON, in its field order. */
export interface TafPeriod {
  timeFrom: number;
  timeTo: number;
  /** End of a BECMG transition, Unix seconds — a string in the real feed. */
  timeBec: string | null;
  fcstChange: 'FM' | 'BECMG' | 'TEMPO' | 'PROB' | null;
  probability: number | null;
  wdir: number | 'VRB' | null;
  wspd: number | null;
  wgst: number | null;
  wshearHgt: null;
  wshearDir: null;
  wshearSpd: null;
  visib: number | string | null;
  altim: null;
  /** Feet — unlike the METAR feed's hundreds — beside an OVX layer without a base. */
  vertVis: number | null;
  wxString: string | null;
  notDecoded: null;
  clouds: { cover: string; base: number | null; type: string | null }[];
  icgTurb: [];
  temp: [];
}

/** One item of `/api/data/taf?format=json`, in its field order. */
export interface TafItem {
  icaoId: string;
  dbPopTime: string;
  bulletinTime: string;
  issueTime: string;
  validTimeFrom: number;
  validTimeTo: number;
  rawTAF: string;
  mostRecent: 1;
  remarks: string;
  lat: number;
  lon: number;
  elev: number;
  prior: number;
  name: string;
  fcsts: TafPeriod[];
}

const CYCLE_MS = 6 * HOUR_MS;
// A forecast names at most this many changes; forecasters summarise, they do not transcribe.
const MAX_CHANGES = 6;
const CATEGORIES = ['VFR', 'MVFR', 'IFR', 'LIFR'];

type ForecastState = Pick<Conditions, 'windDirection' | 'windSpeedKt' | 'gustKt' | 'visibilityM' | 'weather' | 'clouds' | 'verticalVisibilityFt' | 'temperatureC'> & {
  category: number;
};

interface Group {
  kind: 'BASE' | 'FM' | 'BECMG' | 'TEMPO' | 'PROB';
  start: number;
  end: number;
  state: ForecastState;
  /** TEMPO and PROB groups print the wind only when it matters (gusts). */
  withWind: boolean;
}

/**
 * The issue time of the TAF in force at `now`: forecasts start every 6 hours (00, 06, 12,
 * 18 UTC) and are issued 20–60 minutes before their period starts.
 */
export function currentTafIssue(station: ReportingStation, nowMs: number): number {
  const lead = issueLeadMs(station);
  const cycle = Math.floor((nowMs + lead) / CYCLE_MS) * CYCLE_MS;
  return cycle - lead;
}

/**
 * The TAF issued at that time: the weather model sampled hourly over its validity, summarised
 * into lasting changes (FM in the US, BECMG elsewhere) and passing ones (TEMPO, PROB30 for
 * thunderstorms).
 */
export function tafAt(station: ReportingStation, issueMs: number): TafItem {
  const validFrom = issueMs + issueLeadMs(station);
  const hours = hash32('taf-validity', station.icao) % 3 === 0 ? 24 : 30;
  const validTo = validFrom + hours * HOUR_MS;
  const states = Array.from({ length: hours }, (_, h) => forecastState(station, validFrom + h * HOUR_MS));
  const groups = summarise(station, states);

  const header = ['TAF', station.icao, dayTime(issueMs), `${dayHour(validFrom)}/${dayHour(validTo, true)}`];
  const text = [...header];
  const hourMs = (h: number) => validFrom + h * HOUR_MS;
  for (const g of groups) {
    if (g.kind === 'FM') text.push(`FM${dayHour(hourMs(g.start))}00`);
    if (g.kind === 'BECMG' || g.kind === 'TEMPO') text.push(g.kind, `${dayHour(hourMs(g.start))}/${dayHour(hourMs(g.end), true)}`);
    if (g.kind === 'PROB') text.push('PROB30', `${dayHour(hourMs(g.start))}/${dayHour(hourMs(g.end), true)}`);
    text.push(...stateGroups(station, g.state, g.kind === 'TEMPO' || g.kind === 'PROB', g.withWind));
    if (g.kind === 'BASE' && !station.statuteMiles) text.push(...extremes(states, hourMs));
  }

  const prevailing = groups.filter((g) => g.kind === 'BASE' || g.kind === 'FM' || g.kind === 'BECMG');
  const fcsts = groups.map((g) => {
    const next = prevailing.find((p) => p.start > g.start);
    const until = g.kind === 'TEMPO' || g.kind === 'PROB' ? g.end : (next?.start ?? hours);
    return period(station, g, seconds(hourMs(g.start)), seconds(hourMs(until)), g.kind === 'BECMG' ? String(seconds(hourMs(g.end))) : null);
  });

  const issueTime = new Date(issueMs).toISOString();
  return {
    icaoId: station.icao,
    dbPopTime: new Date(issueMs + 15_000 + (hash32('taf-db', station.icao, issueMs) % 30_000)).toISOString(),
    bulletinTime: issueTime,
    issueTime,
    validTimeFrom: seconds(validFrom),
    validTimeTo: seconds(validTo),
    rawTAF: text.join(' '),
    mostRecent: 1,
    remarks: '',
    lat: Math.round(station.latitude * 100_000) / 100_000,
    lon: Math.round(station.longitude * 100_000) / 100_000,
    elev: station.elevationM,
    prior: hash32('taf-prior', station.icao) % 7,
    name: station.name,
    fcsts,
  };
}

function forecastState(station: ReportingStation, hourStartMs: number): ForecastState {
  // The middle of the hour stands for it; a forecast keeps three layers at most.
  const c = conditionsAt(station, hourStartMs + HOUR_MS / 2);
  const clouds = c.clouds.slice(0, 3);
  const miles = visibility(station, c.visibilityM, 'taf').miles;
  const category = CATEGORIES.indexOf(reportedCategory({ clouds, verticalVisibilityFt: c.verticalVisibilityFt }, miles));
  return { ...c, clouds, category };
}

function summarise(station: ReportingStation, states: ForecastState[]): Group[] {
  const last = states.length;
  const groups: Group[] = [{ kind: 'BASE', start: 0, end: last, state: states[0]!, withWind: true }];
  let prevailing = states[0]!;
  let h = 1;
  while (h < last) {
    if (!differs(states[h]!, prevailing)) {
      h++;
      continue;
    }
    let run = 1;
    while (h + run < last && differs(states[h + run]!, prevailing)) run++;
    const room = groups.length < MAX_CHANGES;
    if (run >= 3 && room) {
      // A lasting change: the new conditions from the hour after it starts, once settled.
      const state = states[Math.min(h + 1, last - 1)]!;
      const kind = station.statuteMiles ? 'FM' : 'BECMG';
      groups.push({ kind, start: h, end: Math.min(h + 2, last), state, withWind: true });
      prevailing = state;
      h += 2;
    } else if (run < 3 && room && states.slice(h, h + run).some((s) => s.category > prevailing.category)) {
      const worst = states.slice(h, h + run).reduce((a, b) => (b.category > a.category ? b : a));
      const thunder = worst.weather.some((w) => w.includes('TS'));
      groups.push({
        kind: thunder && station.statuteMiles ? 'PROB' : 'TEMPO',
        start: h,
        end: Math.min(h + Math.max(run, 2), last),
        state: worst,
        withWind: worst.gustKt !== null,
      });
      h += run;
    } else {
      h += run;
    }
  }
  return groups;
}

/** A change worth a new group: another flight category, or a wind shift pilots plan for. */
function differs(a: ForecastState, b: ForecastState): boolean {
  if (a.category !== b.category) return true;
  if (Math.abs(a.windSpeedKt - b.windSpeedKt) >= 10) return true;
  if (a.windSpeedKt >= 10 && b.windSpeedKt >= 10 && typeof a.windDirection === 'number' && typeof b.windDirection === 'number') {
    const turn = Math.abs(((a.windDirection - b.windDirection + 540) % 360) - 180);
    return turn >= 60;
  }
  return false;
}

function stateGroups(station: ReportingStation, s: ForecastState, passing: boolean, withWind: boolean): string[] {
  const out: string[] = [];
  if (withWind) out.push(windText(s));
  out.push(visibility(station, s.visibilityM, 'taf').text, ...s.weather);
  if (s.verticalVisibilityFt !== null) out.push(verticalVisibilityText(s.verticalVisibilityFt));
  else if (s.clouds.length) out.push(...s.clouds.map(cloudText));
  else if (!passing) out.push(station.statuteMiles ? 'SKC' : 'NSC');
  return out;
}

/** TXtt/ddhhZ TNtt/ddhhZ: the forecast's warmest and coldest hours. */
function extremes(states: ForecastState[], hourMs: (h: number) => number): string[] {
  let max = 0;
  let min = 0;
  states.forEach((s, h) => {
    if (s.temperatureC > states[max]!.temperatureC) max = h;
    if (s.temperatureC < states[min]!.temperatureC) min = h;
  });
  return [`TX${temperatureText(states[max]!.temperatureC)}/${dayHour(hourMs(max))}Z`, `TN${temperatureText(states[min]!.temperatureC)}/${dayHour(hourMs(min))}Z`];
}

function period(station: ReportingStation, g: Group, timeFrom: number, timeTo: number, timeBec: string | null): TafPeriod {
  const s = g.state;
  const vis = visibility(station, s.visibilityM, 'taf');
  return {
    timeFrom,
    timeTo,
    timeBec,
    fcstChange: g.kind === 'BASE' ? null : g.kind,
    probability: g.kind === 'PROB' ? 30 : null,
    wdir: g.withWind ? (s.windSpeedKt === 0 ? 0 : s.windDirection) : null,
    wspd: g.withWind ? s.windSpeedKt : null,
    wgst: g.withWind ? s.gustKt : null,
    wshearHgt: null,
    wshearDir: null,
    wshearSpd: null,
    visib: vis.json,
    altim: null,
    vertVis: s.verticalVisibilityFt,
    wxString: s.weather.length ? s.weather.join(' ') : null,
    notDecoded: null,
    clouds: s.verticalVisibilityFt !== null ? [{ cover: 'OVX', base: null, type: null }] : s.clouds.map((l: CloudLayer) => ({ cover: l.cover, base: l.baseFt, type: l.cb ? 'CB' : null })),
    icgTurb: [],
    temp: [],
  };
}

function issueLeadMs(station: ReportingStation): number {
  return (20 + (hash32('taf-lead', station.icao) % 41)) * 60_000;
}

/** `ddhh`; with `endOfDay`, midnight is hour 24 of the day before, as TAF validity writes it. */
function dayHour(utcMs: number, endOfDay = false): string {
  const d = new Date(endOfDay && new Date(utcMs).getUTCHours() === 0 ? utcMs - HOUR_MS : utcMs);
  const hour = endOfDay && new Date(utcMs).getUTCHours() === 0 ? 24 : d.getUTCHours();
  return `${String(d.getUTCDate()).padStart(2, '0')}${String(hour).padStart(2, '0')}`;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
