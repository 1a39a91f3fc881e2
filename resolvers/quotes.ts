import { createGraphQLError } from 'graphql-yoga';
import { limitCacheAge, type Context } from '../src/context.ts';
import { DEGRADED_ANSWER_MAX_AGE_S } from '../src/entities/entity-store.ts';
import type { FlightStatus } from '../src/sources/flights/types.ts';
import type { Taf } from '../src/sources/weather/types.ts';
import { utcToZonedWallClock } from '../src/sources/zoned-time.ts';
import { badUserInput } from './errors.ts';
import { flight as loadFlight, parseDateArg, parseNumberArg } from './flights.ts';
import { checkCoverage, checkThreshold } from './pricing/checks.ts';
import type { WeatherCategory } from './pricing/config.ts';
import { withCommission } from './pricing/commission.ts';
import { price, type Quote } from './pricing/quote.ts';

/** How long an anonymous quote's price holds, at most: its cache life (schema/cache-hints.ts). */
export const QUOTE_VALID_SECONDS = 600;

/** A priced quote as the schema resolves it: the pricing's answer and what it was asked about. */
export interface QuoteView extends Quote {
  /** The inputs, e.g. `BA117:2026-11-21:200:120`: the same question is the same quote. */
  id: string;
  flightNumber: string;
  flightDate: string;
  validUntil: Date;
}

export interface QuoteArgs {
  flight: string;
  date: string;
  coverage: number;
  delayThresholdMinutes: number;
}

const MINUTE_MS = 60_000;

/**
 * The cache tag of every price for one flight that the coverage already sold on it went into:
 * a purchase changes that, so it invalidates them (the flight's own tag would drop its status too).
 */
export const quoteExposureTag = (number: string, date: string) => `QuoteExposure:${number}:${date}`;

// Periods that say what prevails; TEMPO and PROB describe spells within them, not the weather at a time.
const PREVAILING = new Set(['INITIAL', 'FM', 'BECMG']);

/** The forecast category at `at`: the last prevailing period covering it, else UNKNOWN. */
export function forecastCategory(taf: Taf | null, at: Date | null): WeatherCategory {
  if (!taf || !at) return 'UNKNOWN';
  const covering = taf.periods.filter((p) => PREVAILING.has(p.change) && p.from <= at && at < p.to);
  return covering.at(-1)?.flightCategory ?? 'UNKNOWN';
}

/**
 * The forecast at one end. A forecast that cannot be had prices as UNKNOWN (the climatological
 * mean) rather than failing the quote, and keeps the answer short-lived: it may be better soon.
 */
async function forecastAt(ctx: Context, station: string | null, at: Date | null): Promise<WeatherCategory> {
  if (!station || !at) return 'UNKNOWN';
  const entity = await ctx.loaders.taf.load(station).catch((err: Error) => err);
  if (entity instanceof Error || entity.source === 'stale' || entity.source === 'history') limitCacheAge(ctx, DEGRADED_ANSWER_MAX_AGE_S);
  return entity instanceof Error ? 'UNKNOWN' : forecastCategory(entity.value, at);
}

function notPriceable(status: FlightStatus, missing: string) {
  return createGraphQLError(`Flight ${status.number} on ${status.date} cannot be priced: the upstream does not say its ${missing}.`, {
    extensions: { code: 'QUOTE_UNAVAILABLE' },
  });
}

/** A priced quote and the airports of its operating flight: what a stored quote records besides. */
export interface PricedQuote extends QuoteView {
  originIata: string;
  destinationIata: string;
}

/**
 * Prices `args` for anyone: the anonymous quote and a signed-in user's stored one alike. The
 * price holds `validSeconds` at most, and never past the lead time before departure at which
 * quotes for the flight close. Arguments the buyer must fix are BAD_USER_INPUT naming them; an
 * unknown flight is NOT_FOUND; a flight the pricing will not insure is QUOTE_DECLINED with its reason.
 */
export async function priceQuote(args: QuoteArgs, ctx: Context, validSeconds: number): Promise<PricedQuote> {
  const config = ctx.pricing;
  const number = parseNumberArg('flight', args.flight);
  const date = parseDateArg('date', args.date, ctx);
  const coverageProblem = checkCoverage(args.coverage, config);
  if (coverageProblem) throw badUserInput('coverage', `Argument "coverage" ${coverageProblem}`);
  const thresholdProblem = checkThreshold(args.delayThresholdMinutes, config);
  if (thresholdProblem) throw badUserInput('delayThresholdMinutes', `Argument "delayThresholdMinutes" ${thresholdProblem}`);

  // Tags the answer with the flight (and the operating flight, for a marketing number).
  const view = await loadFlight(undefined, { number, date }, ctx);
  if (!view) {
    throw createGraphQLError(`No flight ${number} departs on ${date}.`, { extensions: { code: 'NOT_FOUND', argumentName: 'flight' } });
  }
  const { flight } = view;
  const departure = flight.origin.scheduled;
  const airline = flight.airline.iata;
  const [origin, destination] = [flight.origin.iata, flight.destination.iata];
  if (!departure) throw notPriceable(flight, 'scheduled departure');
  if (!flight.origin.timeZone) throw notPriceable(flight, "origin's time zone");
  if (!airline || !origin || !destination) throw notPriceable(flight, 'airline and airports');

  ctx.cacheTags.add(quoteExposureTag(flight.number, flight.date));
  const delayThresholdMinutes = args.delayThresholdMinutes;
  const [history, weatherOrigin, weatherDestination, sold] = await Promise.all([
    ctx.loaders.quoteHistory.load({ airline, origin, destination, delayThresholdMinutes }),
    forecastAt(ctx, flight.origin.icao, departure),
    forecastAt(ctx, flight.destination.icao, flight.destination.scheduled),
    // Coverage is sold on the operating flight, whichever number the buyer asked with.
    ctx.loaders.soldCoverage.load({ number: flight.number, date: flight.date }),
  ]);
  // `yyyy-mm-ddThh:…`: the month and hour the seasonal and time-of-day factors are read by.
  const wallClock = utcToZonedWallClock(departure, flight.origin.timeZone);
  const now = new Date();
  const priced = price(
    {
      coverage: args.coverage,
      delayThresholdMinutes,
      history: { route: history.route, airline: history.airline, origin: history.origin, network: history.network },
      departure,
      local: { hour: Number(wallClock.slice(11, 13)), month: Number(wallClock.slice(5, 7)) },
      weather: { origin: weatherOrigin, destination: weatherDestination },
      soldCoverage: sold,
      now,
    },
    config,
  );
  if (priced.declined) {
    throw createGraphQLError(priced.message, { extensions: { code: 'QUOTE_DECLINED', reason: priced.reason } });
  }

  // Quotes close a lead time before departure: a price cached past that would sell what may not be sold.
  const closes = departure.getTime() - config.minMinutesBeforeDeparture * MINUTE_MS;
  const validUntil = new Date(Math.min(now.getTime() + validSeconds * 1000, closes));
  return {
    ...priced,
    id: `${flight.number}:${flight.date}:${args.coverage}:${delayThresholdMinutes}`,
    flightNumber: flight.number,
    flightDate: flight.date,
    originIata: origin,
    destinationIata: destination,
    validUntil,
  };
}

/**
 * `quote(flight, date, coverage, delayThresholdMinutes)`: a price for insuring one flight against
 * a delay of at least the threshold (or a cancellation), cached while it holds. A partner's
 * includes its commission (the gateway caches partners' quotes per partner).
 */
export async function quote(_: unknown, args: QuoteArgs, ctx: Context): Promise<QuoteView> {
  const view = await priceQuote(args, ctx, QUOTE_VALID_SECONDS);
  limitCacheAge(ctx, Math.max(0, Math.floor((view.validUntil.getTime() - Date.now()) / 1000)));
  if (ctx.viewer.kind !== 'partner' || !ctx.viewer.id) return view;
  const commission = await ctx.loaders.partnerCommission.load(Number(ctx.viewer.id));
  return { ...view, ...withCommission(view, commission) };
}
