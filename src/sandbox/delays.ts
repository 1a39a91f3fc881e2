import { seeded } from './random.ts';
import type { FlightCategory } from './weather.ts';

/** What decides how late a flight is: who flies it, from where, when, and in what weather. */
export interface DelayInput {
  /** The operating flight, e.g. `BA|117`: a codeshare shares its operator's fate. */
  flightKey: string;
  date: string;
  airline: string;
  origin: string;
  destination: string;
  /** Local hour of the scheduled departure, 0–23. */
  localDepartureHour: number;
  originWeather: FlightCategory;
  destinationWeather: FlightCategory;
  /** The origin's bad-day severity at departure, 0–1 (disruptionAt). */
  disruption: number;
}

export interface DelayOutcome {
  /** Minutes after schedule the flight leaves the gate; negative when early. */
  departureDelay: number;
  arrivalDelay: number;
  taxiOut: number;
  taxiIn: number;
  cancelled: boolean;
  cancelReason: 'weather' | 'operational' | null;
  diverted: boolean;
  incident: boolean;
}

// Tuned against the statistics test (test/unit/sandbox-model.test.ts): over a year of flights
// about 20 % leave 15 minutes late or more and about 1.5 % are cancelled, half for weather.
const BASE_DELAY_CHANCE = 0.128;
const OPERATIONAL_CANCELLATION = 0.0072;
const WEATHER_CANCELLATION = 0.0047;
const DIVERSION = 0.0012;
const INCIDENT = 0.00015;
// A delayed flight's delay: 15 + lognormal with a median of 20, so the median delay of the
// delayed is ≈ 35 min and the 99th percentile several hours.
const DELAY_MEDIAN_BEYOND_15 = 20;
const DELAY_SIGMA = 1.05;
const LONGEST_DELAY = 900;

const WEATHER_DELAY: Record<FlightCategory, number> = { VFR: 1, MVFR: 1.35, IFR: 2, LIFR: 2.8 };
const WEATHER_CANCEL: Record<FlightCategory, number> = { VFR: 0.25, MVFR: 0.8, IFR: 2.5, LIFR: 6 };
const WEATHER_INDEX: Record<FlightCategory, number> = { VFR: 0, MVFR: 1, IFR: 2, LIFR: 3 };

/**
 * How the flight goes on its date. The chance of a delay grows with the airline's and the
 * airport's punctuality (fixed per code), the hour (delays build through the day), the weather
 * at both ends and the origin's bad day; arrival follows departure, give or take the air.
 */
export function delayOutcome(input: DelayInput): DelayOutcome {
  const random = seeded('operation', input.flightKey, input.date);
  const airline = punctuality('airline', input.airline, 0.25);
  const airport = punctuality('airport', input.origin, 0.2);
  const hour = hourFactor(input.localDepartureHour);
  const weather = WEATHER_DELAY[input.originWeather] * (1 + (WEATHER_DELAY[input.destinationWeather] - 1) / 2);
  const badDay = 1 + 2.5 * input.disruption;

  const cancelWeather = WEATHER_CANCEL[input.originWeather] * (1 + 5 * input.disruption);
  const u = random.next();
  const operational = OPERATIONAL_CANCELLATION * airline;
  const weatherDriven = WEATHER_CANCELLATION * cancelWeather;
  const cancelReason = u < operational ? 'operational' : u < operational + weatherDriven ? 'weather' : null;

  const delayChance = Math.min(0.92, BASE_DELAY_CHANCE * airline * airport * hour * weather * badDay);
  let departureDelay: number;
  if (random.chance(delayChance)) {
    const mu = Math.log(DELAY_MEDIAN_BEYOND_15) + 0.3 * input.disruption + 0.1 * WEATHER_INDEX[input.originWeather];
    departureDelay = Math.min(LONGEST_DELAY, 15 + Math.round(random.lognormal(mu, DELAY_SIGMA)));
  } else {
    const v = random.next();
    departureDelay = v < 0.3 ? -random.int(1, 8) : v < 0.7 ? random.int(0, 5) : random.int(6, 14);
  }

  const taxiOut = random.int(9, 18) + 4 * WEATHER_INDEX[input.originWeather];
  const taxiIn = random.int(4, 11);
  // Flights make up a little time in the air on average; holding at a foggy destination costs.
  const holding = WEATHER_INDEX[input.destinationWeather] >= 2 ? random.int(0, 6 * WEATHER_INDEX[input.destinationWeather]) : 0;
  const arrivalDelay = Math.round(departureDelay + Math.max(-25, random.normal(-4, 7)) + holding);

  const diverted = !cancelReason && random.chance(DIVERSION * WEATHER_DELAY[input.destinationWeather]);
  const incident = !cancelReason && !diverted && random.chance(INCIDENT);
  return { departureDelay, arrivalDelay, taxiOut, taxiIn, cancelled: cancelReason !== null, cancelReason, diverted, incident };
}

/** A fixed multiplier per airline or airport around 1: some are simply less punctual. */
function punctuality(kind: string, code: string, sigma: number): number {
  // The mean of exp(sigma·z) is exp(sigma²/2); dividing it out keeps the average at 1.
  const z = seeded('punctuality', kind, code).normal();
  return Math.min(1.8, Math.max(0.55, Math.exp(sigma * z - (sigma * sigma) / 2)));
}

/** Delays build through the day; the first wave leaves on time, red-eyes are average. */
function hourFactor(hour: number): number {
  if (hour < 5) return 0.9;
  return 0.55 + 0.055 * (hour - 5);
}
