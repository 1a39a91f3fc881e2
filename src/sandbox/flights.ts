import { delayOutcome, type DelayOutcome } from './delays.ts';
import { disruptionAt, type Place } from './disruption.ts';
import { along, bearing } from './geo.ts';
import { hash32, unit } from './random.ts';
import type { FlightTemplate, Leg, Timetable } from './schedule.ts';
import { HOUR_MS, MINUTE_MS } from './time.ts';
import { conditionsAt } from './weather.ts';
import type { SandboxAirport } from './world.ts';

export type FlightStatus = 'scheduled' | 'active' | 'landed' | 'cancelled' | 'incident' | 'diverted';

/** Times are UTC ms; null where the real service has nothing yet. */
export interface Movement {
  airport: SandboxAirport;
  terminal: string | null;
  gate: string | null;
  scheduled: number;
  estimated: number | null;
  actual: number | null;
  estimatedRunway: number | null;
  actualRunway: number | null;
  /** Minutes late, null when on time or not yet known. */
  delay: number | null;
}

export interface Aircraft {
  registration: string;
  iata: string;
  icao: string;
  icao24: string;
}

export interface Live {
  updated: number;
  latitude: number;
  longitude: number;
  /** Metres. */
  altitude: number;
  direction: number;
  /** km/h */
  speedHorizontal: number;
  speedVertical: number;
  isGround: boolean;
}

/** A flight on a date as seen at an instant: what AviationStack would say about it then. */
export interface FlightView {
  template: FlightTemplate;
  date: string;
  status: FlightStatus;
  departure: Movement;
  arrival: Movement & { baggage: string | null };
  aircraft: Aircraft | null;
  live: Live | null;
}

// When the world learns things: delays a few hours out, cancellations the day before.
const DELAYS_KNOWN_BEFORE_MS = 3 * HOUR_MS;
const CANCELLATION_KNOWN_BEFORE_MS = 12 * HOUR_MS;
const AIRCRAFT_KNOWN_BEFORE_MS = 24 * HOUR_MS;
const LIVE_SHARE = 0.35;

/** A place for the weather and bad-day models: an airport without an ICAO code still has weather. */
export function placeOf(airport: SandboxAirport): Place & { elevationM: number } {
  return {
    key: airport.icao ?? airport.iata,
    latitude: airport.latitude,
    longitude: airport.longitude,
    elevationM: Math.round((airport.altitudeFt ?? 0) * 0.3048),
  };
}

/** How the operating flight of this number goes on the date: the same for every number sold on it. */
export function outcomeOf(timetable: Timetable, template: FlightTemplate, date: string): { leg: Leg; outcome: DelayOutcome } {
  const operated = template.operatedBy ?? template;
  const leg = timetable.legOn(operated, date);
  const origin = placeOf(operated.origin);
  const destination = placeOf(operated.destination);
  const outcome = delayOutcome({
    flightKey: `${operated.airline.iata}|${operated.number}`,
    date,
    airline: operated.airline.iata,
    origin: operated.origin.iata,
    destination: operated.destination.iata,
    localDepartureHour: Math.floor(operated.departureMinute / 60),
    originWeather: conditionsAt(origin, leg.departureUtc).category,
    destinationWeather: conditionsAt(destination, leg.arrivalUtc).category,
    disruption: disruptionAt(origin, leg.departureUtc),
  });
  return { leg, outcome };
}

/** The flight's status and times at `nowMs`, consistent with its outcome. */
export function viewFlight(timetable: Timetable, template: FlightTemplate, date: string, nowMs: number): FlightView {
  const { leg, outcome } = outcomeOf(timetable, template, date);
  const operated = template.operatedBy ?? template;
  const key = `${operated.airline.iata}|${operated.number}|${date}`;
  const offBlock = leg.departureUtc + outcome.departureDelay * MINUTE_MS;
  const takeOff = offBlock + outcome.taxiOut * MINUTE_MS;
  const onBlock = leg.arrivalUtc + outcome.arrivalDelay * MINUTE_MS;
  const touchDown = onBlock - outcome.taxiIn * MINUTE_MS;

  const departure: Movement = {
    airport: operated.origin,
    ...terminalAndGate(operated.origin, key, 'dep'),
    scheduled: leg.departureUtc,
    estimated: leg.departureUtc,
    actual: null,
    estimatedRunway: null,
    actualRunway: null,
    delay: null,
  };
  const arrival: FlightView['arrival'] = {
    airport: operated.destination,
    ...terminalAndGate(operated.destination, key, 'arr'),
    baggage: unit('baggage', key) < 0.6 ? String(1 + (hash32('belt', key) % 14)) : null,
    scheduled: leg.arrivalUtc,
    estimated: leg.arrivalUtc,
    actual: null,
    estimatedRunway: null,
    actualRunway: null,
    delay: null,
  };
  const aircraft = nowMs >= leg.departureUtc - AIRCRAFT_KNOWN_BEFORE_MS ? aircraftFor(operated, key) : null;
  const view: FlightView = { template, date, status: 'scheduled', departure, arrival, aircraft, live: null };

  if (outcome.cancelled) {
    if (nowMs >= leg.departureUtc - CANCELLATION_KNOWN_BEFORE_MS) view.status = 'cancelled';
    return view;
  }
  if (nowMs < leg.departureUtc - DELAYS_KNOWN_BEFORE_MS) return view;

  departure.estimated = offBlock;
  departure.delay = positive(outcome.departureDelay);
  arrival.estimated = onBlock;
  arrival.delay = positive(outcome.arrivalDelay);
  if (nowMs < offBlock) return view;

  view.status = outcome.incident ? 'incident' : 'active';
  departure.actual = offBlock;
  departure.estimatedRunway = takeOff;
  if (nowMs >= takeOff) departure.actualRunway = takeOff;
  arrival.estimatedRunway = touchDown;
  if (outcome.incident) return view;

  if (nowMs >= onBlock) {
    if (outcome.diverted) {
      view.status = 'diverted';
      arrival.estimated = null;
      arrival.estimatedRunway = null;
      return view;
    }
    view.status = 'landed';
    arrival.actual = onBlock;
    arrival.actualRunway = touchDown;
    return view;
  }
  if (nowMs >= takeOff && nowMs < touchDown && unit('live', key) < LIVE_SHARE) {
    view.live = livePosition(operated, takeOff, touchDown, nowMs);
  }
  return view;
}

function positive(minutes: number): number | null {
  return minutes > 0 ? minutes : null;
}

/** Terminals and gates stable per airport and flight; a quarter of gates not yet posted. */
function terminalAndGate(airport: SandboxAirport, key: string, side: string): { terminal: string | null; gate: string | null } {
  const terminals = 1 + (hash32('terminals', airport.iata) % 5);
  const terminal = terminals === 1 && unit('single-terminal', airport.iata) < 0.5 ? null : String(1 + (hash32('terminal', key, side) % terminals));
  const gate = unit('gate-posted', key, side) < 0.75 ? `${'ABCDEF'[hash32('pier', key, side) % 6]}${1 + (hash32('gate', key, side) % 48)}` : null;
  return { terminal, gate };
}

// Type by stage length: regional jets, narrow bodies, then wide bodies.
const FLEET: { upToKm: number; types: [iata: string, icao: string][] }[] = [
  { upToKm: 800, types: [['E75', 'E75L'], ['CR9', 'CRJ9'], ['320', 'A320'], ['73H', 'B738']] },
  { upToKm: 3500, types: [['320', 'A320'], ['321', 'A321'], ['73H', 'B738'], ['7M8', 'B38M']] },
  { upToKm: 7500, types: [['788', 'B788'], ['333', 'A333'], ['339', 'A339'], ['763', 'B763']] },
  { upToKm: Infinity, types: [['77W', 'B77W'], ['359', 'A359'], ['789', 'B789'], ['388', 'A388']] },
];
const REGISTRATION_PREFIX: Record<string, string> = {
  US: 'N', GB: 'G-', AU: 'VH-', DE: 'D-', FR: 'F-', CA: 'C-', IE: 'EI-', NL: 'PH-', ES: 'EC-', IT: 'I-', JP: 'JA', CN: 'B-',
  AE: 'A6-', QA: 'A7-', SG: '9V-', CH: 'HB-', TR: 'TC-', IN: 'VT-', BR: 'PR-', NZ: 'ZK-', MX: 'XA-', KR: 'HL',
};

function aircraftFor(template: FlightTemplate, key: string): Aircraft {
  const tier = FLEET.find((t) => template.distanceKm <= t.upToKm)!;
  const [iata, icao] = tier.types[hash32('type', template.airline.iata, template.origin.iata, template.destination.iata) % tier.types.length]!;
  const prefix = REGISTRATION_PREFIX[template.airline.countryCode ?? ''] ?? `${template.airline.iata.slice(0, 1)}-`;
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const tail =
    prefix === 'N'
      ? `${100 + (hash32('tail', key) % 900)}${template.airline.iata.slice(0, 2)}`
      : Array.from({ length: 3 }, (_, i) => letters[hash32('tail', key, i) % letters.length]).join('');
  const icao24 = (hash32('icao24', key) % 0xffffff).toString(16).toUpperCase().padStart(6, '0');
  return { registration: `${prefix}${tail}`, iata, icao, icao24 };
}

function livePosition(template: FlightTemplate, takeOff: number, touchDown: number, nowMs: number): Live {
  const fraction = (nowMs - takeOff) / (touchDown - takeOff);
  const position = along(template.origin, template.destination, fraction);
  const ahead = along(template.origin, template.destination, Math.min(1, fraction + 0.01));
  // Climb for the first and descend for the last 25 minutes.
  const fromEnds = Math.min(nowMs - takeOff, touchDown - nowMs) / (25 * MINUTE_MS);
  const cruise = template.distanceKm > 1500 ? 11_278 : 10_058;
  const updated = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return {
    updated,
    latitude: Math.round(position.latitude * 100_000) / 100_000,
    longitude: Math.round(position.longitude * 100_000) / 100_000,
    altitude: Math.round(cruise * Math.min(1, fromEnds)),
    direction: Math.round(bearing(position, ahead) * 100) / 100,
    speedHorizontal: Math.round((fromEnds < 1 ? 550 : 850 + (hash32('speed', updated) % 60)) * 1000) / 1000,
    speedVertical: fromEnds < 1 ? (nowMs - takeOff < touchDown - nowMs ? 9.75 : -7.8) : 0,
    isGround: false,
  };
}

