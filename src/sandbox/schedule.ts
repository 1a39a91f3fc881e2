import { distanceKm, headsEast } from './geo.ts';
import { hash32, unit } from './random.ts';
import { localToUtc, MINUTE_MS } from './time.ts';
import { pairKey, type IndexedWorld, type SandboxAirline, type SandboxAirport, type SandboxRoute } from './world.ts';

/** A flight number as sold, the same every day. */
export interface FlightTemplate {
  /** The airline selling this number. */
  airline: SandboxAirline;
  number: number;
  origin: SandboxAirport;
  destination: SandboxAirport;
  /** Scheduled departure, minutes after local midnight at the origin. */
  departureMinute: number;
  /** Scheduled gate-to-gate minutes. */
  blockMinutes: number;
  distanceKm: number;
  /** For a marketing (codeshare) number, the flight that actually flies; null when this one does. */
  operatedBy: FlightTemplate | null;
}

/** A flight on one date (the local date at its origin). */
export interface Leg {
  template: FlightTemplate;
  date: string;
  departureUtc: number;
  arrivalUtc: number;
}

export interface Timetable {
  /** Every number the airline sells, operating ones first. */
  flightsOf(airline: string): readonly FlightTemplate[];
  byNumber(airline: string, number: number): FlightTemplate | undefined;
  /** Operating and marketing flights between two airports. */
  between(origin: string, destination: string): FlightTemplate[];
  departingFrom(origin: string): FlightTemplate[];
  arrivingAt(destination: string): FlightTemplate[];
  all(): FlightTemplate[];
  legOn(template: FlightTemplate, date: string): Leg;
  /** Numbers every airline now instead of on first use: about a second for all of OpenFlights. */
  prepare(): void;
}

/** An operating departure before it has a number. */
interface Departure {
  key: string;
  route: SandboxRoute;
  departureMinute: number;
  blockMinutes: number;
  distanceKm: number;
}

interface Numbering {
  list: FlightTemplate[];
  byNumber: Map<number, FlightTemplate>;
  byKey: Map<string, FlightTemplate>;
  /** The same flights by route and by airport: a hub airline sells thousands. */
  byPair: Map<string, FlightTemplate[]>;
  byOrigin: Map<string, FlightTemplate[]>;
  byDestination: Map<string, FlightTemplate[]>;
}

function emptyNumbering(): Numbering {
  return { list: [], byNumber: new Map(), byKey: new Map(), byPair: new Map(), byOrigin: new Map(), byDestination: new Map() };
}

const CRUISE_KMH = 800;
// Taxi out and in, climb and descent: what a 10-minute hop still costs.
const GROUND_AND_CLIMB_MINUTES = 30;
const LONG_HAUL_KM = 4000;
// Airlines keep low numbers for long haul and sell partners' flights in the thousands.
const LONG_HAUL_NUMBERS: Range = [1, 399];
const SHORT_HAUL_NUMBERS: Range = [100, 2999];
const MARKETING_NUMBERS: Range = [3000, 9899];
const ALL_NUMBERS: Range = [1, 9999];
// How often an airline sells a seat on another's flight on a route both serve: often when
// the route table says it sells that route as a codeshare, now and then otherwise.
const MARKETS_FLAGGED = 0.7;
const MARKETS_OTHERWISE = 0.1;

type Range = readonly [number, number];

/**
 * The timetable of a world: 1–3 daily flights per route, departures in the origin's local
 * day, durations from distance, and each airline's numbers assigned once, so a number means
 * the same flight on every date. Built lazily per airline: a full world has 60 000 routes.
 */
export function createTimetable(world: IndexedWorld): Timetable {
  const departures = new Map<SandboxRoute, Departure[]>();
  const operatingNumbers = new Map<string, Numbering>();
  const fullNumbers = new Map<string, Numbering>();

  function departuresOf(route: SandboxRoute): Departure[] {
    let list = departures.get(route);
    if (!list) {
      list = planDepartures(world, route);
      departures.set(route, list);
    }
    return list;
  }

  /** A codeshare route is flown by someone else when someone else flies the pair. */
  function isOperating(route: SandboxRoute): boolean {
    if (!route.codeshare) return true;
    return !(world.routesByPair.get(pairKey(route.origin, route.destination)) ?? []).some((r) => !r.codeshare);
  }

  // Phase 1: an airline's own flights, numbered from its own routes only.
  function operating(airline: string): Numbering {
    let numbering = operatingNumbers.get(airline);
    if (numbering) return numbering;
    numbering = emptyNumbering();
    const own = (world.routesByAirline.get(airline) ?? []).filter(isOperating).flatMap(departuresOf);
    own.sort((a, b) => compare(a.key, b.key));
    const carrier = world.airlines.get(airline)!;
    for (const d of own) {
      const range = d.distanceKm > LONG_HAUL_KM ? LONG_HAUL_NUMBERS : SHORT_HAUL_NUMBERS;
      const number = claimNumber(numbering.byNumber, d.key, range);
      if (number === null) continue;
      const template: FlightTemplate = {
        airline: carrier,
        number,
        origin: world.airports.get(d.route.origin)!,
        destination: world.airports.get(d.route.destination)!,
        departureMinute: d.departureMinute,
        blockMinutes: d.blockMinutes,
        distanceKm: d.distanceKm,
        operatedBy: null,
      };
      add(numbering, d.key, template);
    }
    operatingNumbers.set(airline, numbering);
    return numbering;
  }

  // Phase 2: the partners' flights it sells, numbered around its own. Needs only the partners'
  // phase 1, so two airlines selling each other's flights never wait on each other.
  function numbering(airline: string): Numbering {
    let full = fullNumbers.get(airline);
    if (full) return full;
    const own = operating(airline);
    full = emptyNumbering();
    for (const [key, template] of own.byKey) add(full, key, template);
    const carrier = world.airlines.get(airline)!;
    const sold: { key: string; operated: FlightTemplate }[] = [];
    for (const route of world.routesByAirline.get(airline) ?? []) {
      const chance = route.codeshare ? MARKETS_FLAGGED : MARKETS_OTHERWISE;
      for (const partnerRoute of world.routesByPair.get(pairKey(route.origin, route.destination)) ?? []) {
        if (partnerRoute.airline === airline || !isOperating(partnerRoute)) continue;
        const partner = operating(partnerRoute.airline);
        for (const d of departuresOf(partnerRoute)) {
          const operated = partner.byKey.get(d.key);
          if (!operated || unit('codeshare', airline, d.key) >= chance) continue;
          sold.push({ key: `${airline}>${d.key}`, operated });
        }
      }
    }
    sold.sort((a, b) => compare(a.key, b.key));
    for (const { key, operated } of sold) {
      const number = claimNumber(full.byNumber, key, MARKETING_NUMBERS);
      if (number === null) continue;
      add(full, key, { ...operated, airline: carrier, number, operatedBy: operated });
    }
    fullNumbers.set(airline, full);
    return full;
  }

  function airlinesOn(routes: readonly SandboxRoute[] | undefined): string[] {
    return [...new Set((routes ?? []).map((r) => r.airline))];
  }

  return {
    flightsOf: (airline) => (world.airlines.has(airline) ? numbering(airline).list : []),
    byNumber: (airline, number) => (world.airlines.has(airline) ? numbering(airline).byNumber.get(number) : undefined),
    between: (origin, destination) =>
      airlinesOn(world.routesByPair.get(pairKey(origin, destination))).flatMap((a) => numbering(a).byPair.get(pairKey(origin, destination)) ?? []),
    departingFrom: (origin) => airlinesOn(world.routesFrom.get(origin)).flatMap((a) => numbering(a).byOrigin.get(origin) ?? []),
    arrivingAt: (destination) => airlinesOn(world.routesTo.get(destination)).flatMap((a) => numbering(a).byDestination.get(destination) ?? []),
    all: () => [...world.airlines.keys()].flatMap((a) => numbering(a).list),
    prepare: () => {
      for (const airline of world.airlines.keys()) numbering(airline);
    },
    legOn: (template, date) => {
      const departureUtc = localToUtc(template.origin.timezone, date, template.departureMinute);
      return { template, date, departureUtc, arrivalUtc: departureUtc + template.blockMinutes * MINUTE_MS };
    },
  };
}

function add(numbering: Numbering, key: string, template: FlightTemplate) {
  numbering.list.push(template);
  numbering.byNumber.set(template.number, template);
  numbering.byKey.set(key, template);
  append(numbering.byPair, pairKey(template.origin.iata, template.destination.iata), template);
  append(numbering.byOrigin, template.origin.iata, template);
  append(numbering.byDestination, template.destination.iata, template);
}

function append(map: Map<string, FlightTemplate[]>, key: string, template: FlightTemplate) {
  const list = map.get(key);
  if (list) list.push(template);
  else map.set(key, [template]);
}

/**
 * The number the key hashes to within the range, or the next free one after it: a new route
 * moves at most the numbers it collides with, not the whole airline's.
 */
function claimNumber(taken: ReadonlyMap<number, unknown>, key: string, range: Range): number | null {
  for (const [low, high] of [range, ALL_NUMBERS]) {
    const size = high - low + 1;
    const start = hash32('number', key) % size;
    for (let i = 0; i < size; i++) {
      const candidate = low + ((start + i) % size);
      if (!taken.has(candidate)) return candidate;
    }
  }
  return null;
}

function planDepartures(world: IndexedWorld, route: SandboxRoute): Departure[] {
  const origin = world.airports.get(route.origin)!;
  const destination = world.airports.get(route.destination)!;
  const km = distanceKm(origin, destination);
  // Jet streams: eastbound flights are scheduled shorter than the same route westbound.
  const airborne = (km / CRUISE_KMH) * 60 * (headsEast(origin, destination) ? 0.94 : 1.06);
  const blockMinutes = roundTo(GROUND_AND_CLIMB_MINUTES + airborne, 5);
  const routeKey = `${route.airline}|${pairKey(route.origin, route.destination)}`;
  const minutes = route.departures?.length ? route.departures.map(parseClock) : generatedDepartures(routeKey, km);
  return minutes.map((departureMinute, slot) => ({
    key: `${routeKey}|${slot}`,
    route,
    departureMinute,
    blockMinutes,
    distanceKm: km,
  }));
}

/** 1–3 departures spread over the day's banks; long haul flies less often. */
function generatedDepartures(routeKey: string, km: number): number[] {
  const u = unit('frequency', routeKey);
  const count = km > 7000 ? (u < 0.8 ? 1 : 2) : km > 2500 ? (u < 0.45 ? 1 : u < 0.85 ? 2 : 3) : u < 0.3 ? 1 : u < 0.7 ? 2 : 3;
  const FIRST = 6 * 60;
  const LAST = 22 * 60;
  const width = (LAST - FIRST) / count;
  return Array.from({ length: count }, (_, slot) => {
    const start = FIRST + slot * width;
    return roundTo(start + unit('departure', routeKey, slot) * (width - 30), 5);
  });
}

function parseClock(text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) {
    throw new Error(`expected a departure time as HH:MM, received ${JSON.stringify(text)}`);
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
