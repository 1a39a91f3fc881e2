import * as resolve from '../resolvers/patterns.ts';
import { builder } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

const windowDays = `days back from now: 1 to ${resolve.MAX_PATTERN_DAYS}, default ${resolve.DEFAULT_PATTERN_DAYS}`;
const onTime = 'Share (0–1) of the flights with a known arrival delay that arrived less than 15 minutes late; null when none.';

builder.objectType('HourPattern', {
  ...cacheHint('FlightPattern'),
  description: "A flight pattern's flights in one hour of the local day: those scheduled to depart in it, on the origin's wall clock.",
  fields: (t) => ({
    hour: t.exposeInt('hour', { description: 'Hour of the scheduled departure at the origin, local time: 0–23.' }),
    flights: t.exposeInt('flights', { description: 'Flights with a known outcome that departed (or were to depart) in this hour.' }),
    onTimeRate: t.exposeFloat('onTimeRate', { nullable: true, description: onTime }),
    meanDelayMinutes: t.exposeFloat('meanDelayMinutes', { nullable: true, description: 'Mean arrival delay in minutes of the flights that arrived; null when none.' }),
  }),
});

builder.objectType('FlightPattern', {
  ...cacheHint('FlightPattern'),
  description:
    'How a route has run over a window of recorded history: flights scheduled to depart in it whose outcome is known (landed, cancelled, diverted, incident, or arrived). Cancelled and diverted flights count in their rates, not in the delay figures. No history gives 0 flights and nulls.',
  fields: (t) => ({
    days: t.exposeInt('days', { description: 'The length of the window, in days.' }),
    from: t.field({ type: 'DateTime', description: 'Start of the window: `days` before `to`.', resolve: (p) => p.from }),
    to: t.field({ type: 'DateTime', description: 'End of the window (not included): when the pattern was computed.', resolve: (p) => p.to }),
    flights: t.exposeInt('flights', { description: 'Flights counted: scheduled in the window, with a known outcome.' }),
    onTimeRate: t.exposeFloat('onTimeRate', { nullable: true, description: onTime }),
    meanDelayMinutes: t.exposeFloat('meanDelayMinutes', { nullable: true, description: 'Mean arrival delay in minutes (an early arrival counts as 0); null when no flight arrived.' }),
    p50DelayMinutes: t.exposeFloat('p50DelayMinutes', { nullable: true, description: 'Median arrival delay in minutes, interpolated (percentile_cont); null when no flight arrived.' }),
    p90DelayMinutes: t.exposeFloat('p90DelayMinutes', { nullable: true, description: '90th-percentile arrival delay in minutes, interpolated (percentile_cont); null when no flight arrived.' }),
    cancellationRate: t.exposeFloat('cancellationRate', { nullable: true, description: 'Share (0–1) of the flights counted that were cancelled; null when none was counted.' }),
    diversionRate: t.exposeFloat('diversionRate', { nullable: true, description: 'Share (0–1) of the flights counted that were diverted; null when none was counted.' }),
    byHour: t.field({
      type: ['HourPattern'],
      description: "The flights by hour of scheduled departure on the origin's local clock, where delays follow the local day; only hours with flights, earliest first.",
      resolve: (p) => p.byHour,
    }),
  }),
});

builder.objectType('FlightCategoryShares', {
  ...cacheHint('WeatherPattern'),
  description: 'Share (0–1) of the time in each flight category; each null when no report gave a category.',
  fields: (t) => ({
    vfr: t.exposeFloat('vfr', { nullable: true, description: 'Share of the time in visual flight rules (VFR).' }),
    mvfr: t.exposeFloat('mvfr', { nullable: true, description: 'Share of the time in marginal visual flight rules (MVFR).' }),
    ifr: t.exposeFloat('ifr', { nullable: true, description: 'Share of the time in instrument flight rules (IFR).' }),
    lifr: t.exposeFloat('lifr', { nullable: true, description: 'Share of the time in low instrument flight rules (LIFR).' }),
  }),
});

builder.objectType('WeatherPattern', {
  ...cacheHint('WeatherPattern'),
  description:
    "An airport's recorded weather over a window: each report stands for the time until the next, at most an hour, so specials in bad weather do not outweigh the hourly reports. No history gives 0 observations and nulls.",
  fields: (t) => ({
    days: t.exposeInt('days', { description: 'The length of the window, in days.' }),
    from: t.field({ type: 'DateTime', description: 'Start of the window: `days` before `to`.', resolve: (p) => p.from }),
    to: t.field({ type: 'DateTime', description: 'End of the window (not included): when the pattern was computed.', resolve: (p) => p.to }),
    observations: t.exposeInt('observations', { description: 'Reports (METAR and SPECI) recorded in the window.' }),
    categories: t.field({ type: 'FlightCategoryShares', description: 'Share of the time in each flight category.', resolve: (p) => p.categories }),
    meanWindKt: t.exposeFloat('meanWindKt', { nullable: true, description: 'Mean wind speed over the time, knots; null when no report gave one.' }),
    meanVisibilityM: t.exposeFloat('meanVisibilityM', {
      nullable: true,
      description: 'Mean visibility over the time, metres (a reported floor such as 9999 counts as itself); null when no report gave one.',
    }),
  }),
});

builder.objectFields('Route', (t) => ({
  pattern: t.field({
    type: 'FlightPattern',
    description:
      "This route's airline's flights between its airports over the last `days`: on-time rate, delays, cancellations, diversions, by local hour. A codeshare route has none of its own: its flights are recorded under the carrier that flies them.",
    args: { days: t.arg.int({ required: true, defaultValue: resolve.DEFAULT_PATTERN_DAYS, description: `The window, ${windowDays}.` }) },
    resolve: resolve.routePattern,
  }),
}));

builder.objectFields('Airport', (t) => ({
  weatherPattern: t.field({
    type: 'WeatherPattern',
    description: "The airport's recorded weather over the last `days`: share of time in each flight category, mean wind and visibility.",
    args: { days: t.arg.int({ required: true, defaultValue: resolve.DEFAULT_PATTERN_DAYS, description: `The window, ${windowDays}.` }) },
    resolve: resolve.airportWeatherPattern,
  }),
}));

builder.queryFields((t) => ({
  flightPattern: t.field({
    type: 'FlightPattern',
    description: 'How flights between two airports have run over the last `days`, of every airline or of one.',
    args: {
      from: t.arg.string({ required: true, description: 'Origin IATA airport code, e.g. JFK.' }),
      to: t.arg.string({ required: true, description: 'Destination IATA airport code, e.g. LHR.' }),
      airline: t.arg.string({ description: 'IATA airline code, e.g. BA (history names airlines by IATA code); every airline when left out.' }),
      days: t.arg.int({ required: true, defaultValue: resolve.DEFAULT_PATTERN_DAYS, description: `The window, ${windowDays}.` }),
    },
    resolve: resolve.flightPattern,
  }),
}));
