import * as resolve from '../resolvers/quotes.ts';
import { flightTag } from '../src/entities/flights.ts';
import { builder, UPSTREAM_FIELD_COST } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

/**
 * Types whose answers a partner gets at its own price (its commission): the response cache keeps
 * a partner's apart from everyone else's.
 */
export const PARTNER_PRICED_TYPES: readonly string[] = ['Quote'];

const WeatherCategoryEnum = builder.enumType('QuoteWeatherCategory', {
  description: 'The forecast flight category a quote was priced with.',
  values: {
    VFR: { description: 'Visual flight rules.' },
    MVFR: { description: 'Marginal visual flight rules.' },
    IFR: { description: 'Instrument flight rules.' },
    LIFR: { description: 'Low instrument flight rules.' },
    UNKNOWN: { description: 'No forecast covers the time: priced at the climatological mean.' },
  } as const,
});

builder.objectType('QuoteHistorical', {
  ...cacheHint('Quote'),
  description: "The airline's record on the route that the price starts from.",
  fields: (t) => ({
    flights: t.exposeInt('flights', { description: "The airline's flights on this route in the window, cancelled ones included." }),
    onTimeRate: t.exposeFloat('onTimeRate', { nullable: true, description: 'Of those that operated, the share (0–1) arriving less than the threshold late; null when none operated.' }),
    p: t.exposeFloat('p', { description: 'The chance (0–1) of a delay of at least the threshold, smoothed toward the airline and the origin, before timing and weather.' }),
  }),
});

builder.objectType('QuoteWeather', {
  ...cacheHint('Quote'),
  description: 'The forecast at each end at the scheduled times, and what it does to the odds of a delay.',
  fields: (t) => ({
    origin: t.field({ type: WeatherCategoryEnum, description: 'Forecast category at the origin at scheduled departure.', resolve: (w) => w.origin }),
    destination: t.field({ type: WeatherCategoryEnum, description: 'Forecast category at the destination at scheduled arrival.', resolve: (w) => w.destination }),
    factor: t.exposeFloat('factor', { description: 'The odds multiplier for a delay from both forecasts (1 = the climatological mean).' }),
  }),
});

builder.objectType('QuoteBreakdown', {
  ...cacheHint('Quote'),
  description: 'How the premium was reached.',
  fields: (t) => ({
    historical: t.field({ type: 'QuoteHistorical', description: 'The recorded history.', resolve: (b) => b.historical }),
    weather: t.field({ type: 'QuoteWeather', description: 'The forecast.', resolve: (b) => b.weather }),
    loading: t.exposeFloat('loading', { description: 'Proportional loading on the expected loss (0.25 = 25 %).' }),
    fee: t.exposeFloat('fee', { description: 'Fixed fee per policy, in `currency`.' }),
    commission: t.exposeFloat('commission', { description: "The partner's commission included in the premium, as a share of the insurer's (0.10 = 10 %); 0 unless a partner asks." }),
  }),
});

builder.objectType('Quote', {
  ...cacheHint('Quote', { tag: (q: resolve.QuoteView) => flightTag(q.flightNumber, q.flightDate) }),
  description: 'A price for insuring one flight: `coverage` is paid when it arrives at least `delayThresholdMinutes` late, or is cancelled.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The question: flight, date, coverage and threshold, e.g. BA117:2026-11-21:200:120.' }),
    premium: t.exposeFloat('premium', { description: 'The price, in `currency`.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of every amount.' }),
    coverage: t.exposeFloat('coverage', { description: 'What a delay (or a cancellation) pays, in `currency`.' }),
    delayThresholdMinutes: t.exposeInt('delayThresholdMinutes', { description: 'The arrival delay, in minutes, from which the policy pays.' }),
    probability: t.exposeFloat('probability', { description: 'The chance (0–1) of arriving at least the threshold late if the flight operates.' }),
    riskScore: t.exposeInt('riskScore', { description: 'The chance in percent (0–100) that the policy pays, delay or cancellation.' }),
    validUntil: t.field({ type: 'DateTime', description: `When the price lapses: ${resolve.QUOTE_VALID_SECONDS} s after it was made, or earlier when quotes for the flight close first.`, resolve: (q) => q.validUntil }),
    breakdown: t.field({ type: 'QuoteBreakdown', description: 'How the premium was reached.', resolve: (q) => q.breakdown }),
  }),
});

builder.queryFields((t) => ({
  quote: t.field({
    type: 'Quote',
    nullable: true,
    complexity: UPSTREAM_FIELD_COST,
    description:
      'A price for insuring a flight against an arrival delay of at least `delayThresholdMinutes` (or a cancellation), for anyone; null with an error when there is none. Errors: BAD_USER_INPUT naming the argument, NOT_FOUND for an unknown flight, QUOTE_DECLINED (with `extensions.reason`) for a flight that cannot be insured now.',
    args: {
      flight: t.arg.string({ required: true, description: 'Flight number, e.g. BA117; a marketing number is priced as its operating flight.' }),
      date: t.arg({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }),
      coverage: t.arg.float({ required: true, description: 'What a delay pays: whole currency units, 50 to 2000.' }),
      delayThresholdMinutes: t.arg.int({ required: true, description: 'Minutes late at arrival from which it pays: 60 to 360, in steps of 30.' }),
    },
    resolve: resolve.quote,
  }),
}));
