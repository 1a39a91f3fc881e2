import { hash32 } from './random.ts';
import {
  cloudText,
  dayTime,
  isCavok,
  reportedCategory,
  temperatureText,
  verticalVisibilityText,
  visibility,
  windText,
  type ReportingStation,
} from './report-codes.ts';
import { HOUR_MS } from './time.ts';
import { conditionsAt, type FlightCategory } from './weather.ts';

/** One item of aviationweather.gov's `/api/data/metar?format=json`, in its field order. */
export interface MetarItem {
  icaoId: string;
  receiptTime: string;
  /** Unix seconds. */
  obsTime: number;
  reportTime: string;
  temp: number;
  dewp: number;
  wdir: number | 'VRB';
  wspd: number;
  wgst?: number;
  visib: number | string;
  /** Vertical visibility in hundreds of feet (VV002 → 2), only when the sky is obscured. */
  vertVis?: number;
  /** hPa. */
  altim: number;
  slp?: number;
  qcField: number;
  wxString?: string;
  metarType: 'METAR';
  rawOb: string;
  lat: number;
  lon: number;
  /** Metres. */
  elev: number;
  name: string;
  cover: string;
  clouds: { cover: string; base: number }[];
  fltCat: FlightCategory;
}

const HPA_PER_INHG = 33.8639;
// The real feed's quality-control bits for an automated US station (AO2); none elsewhere.
const QC_AUTOMATED = 4;

/**
 * The station's routine observation times up to `now`, newest first: one an hour, at the
 * station's own minute (US stations :51–:56), counted once it has been received.
 */
export function observationTimes(station: ReportingStation, nowMs: number, hours = 1): number[] {
  const minute = observationMinute(station);
  let latest = Math.floor(nowMs / HOUR_MS) * HOUR_MS + minute * 60_000;
  while (latest + receiptDelayMs(station, latest) > nowMs) latest -= HOUR_MS;
  const count = Math.max(1, Math.round(hours));
  return Array.from({ length: count }, (_, i) => latest - i * HOUR_MS);
}

/** The METAR observed at that time, as text and as the JSON item. */
export function metarAt(station: ReportingStation, obsTimeMs: number): MetarItem {
  const c = conditionsAt(station, obsTimeMs);
  const cavok = isCavok(station, c);
  const vis = visibility(station, c.visibilityM, 'metar');
  const groups = ['METAR', station.icao, dayTime(obsTimeMs), windText(c)];
  if (cavok) {
    groups.push('CAVOK');
  } else {
    groups.push(vis.text, ...c.weather);
    if (c.verticalVisibilityFt !== null) groups.push(verticalVisibilityText(c.verticalVisibilityFt));
    else if (c.clouds.length) groups.push(...c.clouds.map(cloudText));
    else groups.push(station.statuteMiles ? 'CLR' : 'NSC');
  }
  groups.push(`${temperatureText(c.temperatureC)}/${temperatureText(c.dewpointC)}`);

  let altim: number;
  let slp: number | undefined;
  if (station.statuteMiles) {
    const inches = Math.round((c.qnhHpa / HPA_PER_INHG) * 100);
    groups.push(`A${String(inches).padStart(4, '0')}`);
    altim = c.qnhHpa;
  } else {
    altim = Math.round(c.qnhHpa);
    groups.push(`Q${String(altim).padStart(4, '0')}`);
    if (c.category === 'VFR') groups.push('NOSIG');
  }
  if (station.usRemarks) {
    slp = c.qnhHpa;
    const slpCode = String(Math.round(slp * 10) % 1000).padStart(3, '0');
    groups.push('RMK', 'AO2', `SLP${slpCode}`, `T${tenths(c.temperatureC)}${tenths(c.dewpointC)}`);
  }

  const clouds =
    c.verticalVisibilityFt !== null
      ? [{ cover: 'OVX', base: c.verticalVisibilityFt }]
      : cavok
        ? []
        : c.clouds.map((l) => ({ cover: l.cover, base: l.baseFt }));
  // US reports carry tenths in the T group, which the feed decodes; elsewhere whole degrees.
  const temp = station.usRemarks ? c.temperatureC : Number(temperatureText(c.temperatureC).replace('M', '-'));
  const dewp = station.usRemarks ? c.dewpointC : Number(temperatureText(c.dewpointC).replace('M', '-'));
  const item: MetarItem = {
    icaoId: station.icao,
    receiptTime: new Date(obsTimeMs + receiptDelayMs(station, obsTimeMs)).toISOString(),
    obsTime: Math.floor(obsTimeMs / 1000),
    reportTime: new Date(Math.round(obsTimeMs / HOUR_MS) * HOUR_MS).toISOString(),
    temp: temp === 0 ? 0 : temp,
    dewp: dewp === 0 ? 0 : dewp,
    wdir: c.windSpeedKt === 0 ? 0 : c.windDirection,
    wspd: c.windSpeedKt,
    ...(c.gustKt === null ? {} : { wgst: c.gustKt }),
    visib: cavok ? '6+' : vis.json,
    ...(c.verticalVisibilityFt === null ? {} : { vertVis: c.verticalVisibilityFt / 100 }),
    altim,
    ...(slp === undefined ? {} : { slp }),
    qcField: station.usRemarks ? QC_AUTOMATED : 0,
    ...(c.weather.length && !cavok ? { wxString: c.weather.join(' ') } : {}),
    metarType: 'METAR',
    rawOb: groups.join(' '),
    lat: round4(station.latitude),
    lon: round4(station.longitude),
    elev: station.elevationM,
    name: station.name,
    cover: coverOf(clouds, cavok, station.statuteMiles),
    clouds,
    fltCat: cavok ? 'VFR' : reportedCategory(c, vis.miles),
  };
  return item;
}

function observationMinute(station: ReportingStation): number {
  const h = hash32('metar-minute', station.icao);
  return station.usRemarks ? 51 + (h % 6) : h % 2 === 0 ? 50 : 0;
}

/** One to four minutes from observation to the feed. */
function receiptDelayMs(station: ReportingStation, obsTimeMs: number): number {
  return 60_000 + (hash32('receipt', station.icao, obsTimeMs) % 180_000);
}

const COVER_ORDER = ['FEW', 'SCT', 'BKN', 'OVC', 'OVX'];

/** The feed's summary `cover`: the most covered layer, or what the report says of a clear sky. */
function coverOf(clouds: { cover: string }[], cavok: boolean, statuteMiles: boolean): string {
  if (cavok) return 'CAVOK';
  if (!clouds.length) return statuteMiles ? 'CLR' : 'NSC';
  return clouds.reduce((most, l) => (COVER_ORDER.indexOf(l.cover) > COVER_ORDER.indexOf(most) ? l.cover : most), clouds[0]!.cover);
}

/** The T group's sign digit and three digits of tenths. */
function tenths(celsius: number): string {
  return `${celsius < 0 ? 1 : 0}${String(Math.round(Math.abs(celsius) * 10)).padStart(3, '0')}`;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
