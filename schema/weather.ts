import * as resolve from '../resolvers/weather.ts';
import { weatherTag } from '../src/entities/weather.ts';
import type { Metar, Taf } from '../src/sources/weather/types.ts';
import { builder, UPSTREAM_FIELD_COST } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

const FlightCategoryEnum = builder.enumType('FlightCategory', {
  description: 'Flight rules the weather allows, from ceiling and visibility (the worse decides).',
  values: {
    VFR: { description: 'Visual: ceiling above 3000 ft and visibility above 5 statute miles.' },
    MVFR: { description: 'Marginal visual: ceiling 1000–3000 ft or visibility 3–5 statute miles.' },
    IFR: { description: 'Instrument: ceiling 500 to below 1000 ft or visibility 1 to below 3 statute miles.' },
    LIFR: { description: 'Low instrument: ceiling below 500 ft or visibility below 1 statute mile.' },
  } as const,
});

// Parts of reports: a METAR's live 900 s, a TAF's 3600 s. They carry the longer hint, so
// the report that holds them decides an answer's lifetime.
builder.objectType('Wind', {
  ...cacheHint('Forecast'),
  description: 'Surface wind.',
  fields: (t) => ({
    direction: t.exposeInt('directionDegrees', { nullable: true, description: 'True degrees the wind blows from; null when variable.' }),
    variable: t.exposeBoolean('variable', { description: 'Direction variable (VRB).' }),
    speed: t.exposeInt('speedKt', { description: 'Knots.' }),
    gust: t.exposeInt('gustKt', { nullable: true, description: 'Gusts, knots.' }),
  }),
});

builder.objectType('Visibility', {
  ...cacheHint('Forecast'),
  description: 'Prevailing visibility.',
  fields: (t) => ({
    meters: t.exposeInt('meters', { description: 'Metres (a statute mile is 1609.344 m).' }),
    orMore: t.exposeBoolean('orMore', { description: 'The report gave a floor: this or more (10+ SM, P6SM, 9999).' }),
  }),
});

builder.objectType('CloudLayer', {
  ...cacheHint('Forecast'),
  description: 'A cloud layer.',
  fields: (t) => ({
    cover: t.exposeString('cover', { description: 'FEW, SCT, BKN, OVC, or OVX (sky obscured).' }),
    base: t.exposeInt('baseFt', { nullable: true, description: 'Feet above ground; null when not measured.' }),
    type: t.exposeString('type', { nullable: true, description: 'CB or TCU when reported.' }),
  }),
});

builder.objectType('Weather', {
  ...cacheHint('Weather', { tag: (v: resolve.ReportView<Metar>) => weatherTag(v.report.station) }),
  description: "An airport's latest observation (METAR).",
  fields: (t) => ({
    id: t.id({ description: "The station: its current weather (a client's cache updates it as reports come).", resolve: (v) => v.report.station }),
    station: t.string({ description: 'ICAO station, e.g. KJFK.', resolve: (v) => v.report.station }),
    observedAt: t.field({ type: 'DateTime', description: 'When it was observed.', resolve: (v) => v.report.observedAt }),
    temperature: t.float({ nullable: true, description: '°C.', resolve: (v) => v.report.temperatureC }),
    dewPoint: t.float({ nullable: true, description: '°C.', resolve: (v) => v.report.dewPointC }),
    wind: t.field({ type: 'Wind', nullable: true, description: 'Surface wind.', resolve: (v) => v.report.wind }),
    visibility: t.field({ type: 'Visibility', nullable: true, description: 'Prevailing visibility.', resolve: (v) => v.report.visibility }),
    altimeter: t.float({ nullable: true, description: 'hPa.', resolve: (v) => v.report.altimeterHpa }),
    clouds: t.field({ type: ['CloudLayer'], description: 'Lowest first; empty for a clear sky.', resolve: (v) => v.report.clouds }),
    ceiling: t.int({ nullable: true, description: 'Feet: lowest broken or overcast layer, or vertical visibility; null for none.', resolve: (v) => v.report.ceilingFt }),
    weather: t.string({ nullable: true, description: 'Present weather as reported, e.g. -SHRA BR.', resolve: (v) => v.report.weather }),
    flightCategory: t.field({ type: FlightCategoryEnum, nullable: true, description: 'Flight rules, from ceiling and visibility.', resolve: (v) => v.report.flightCategory }),
    raw: t.string({ description: 'The report as issued.', resolve: (v) => v.report.raw }),
    isHistorical: t.boolean({ description: 'True when the upstream could not answer and this is the newest recorded report.', resolve: (v) => v.source === 'history' }),
    dataAge: t.int({ description: 'Seconds since the upstream gave this report.', resolve: resolve.reportAge }),
  }),
});

builder.objectType('ForecastPeriod', {
  ...cacheHint('Forecast'),
  description: 'One period of a TAF: complete weather (a change group is filled from the forecast it changes).',
  fields: (t) => ({
    change: t.exposeString('change', { description: 'INITIAL, FM, BECMG, TEMPO or PROB.' }),
    probability: t.exposeInt('probability', { nullable: true, description: 'Percent, for PROB30/PROB40.' }),
    from: t.field({ type: 'DateTime', description: 'Start of the period.', resolve: (p) => p.from }),
    to: t.field({ type: 'DateTime', description: 'End of the period.', resolve: (p) => p.to }),
    wind: t.field({ type: 'Wind', nullable: true, description: 'Forecast surface wind.', resolve: (p) => p.wind }),
    visibility: t.field({ type: 'Visibility', nullable: true, description: 'Forecast prevailing visibility.', resolve: (p) => p.visibility }),
    clouds: t.field({ type: ['CloudLayer'], description: 'Forecast cloud layers, lowest first.', resolve: (p) => p.clouds }),
    ceiling: t.exposeInt('ceilingFt', { nullable: true, description: 'Feet: lowest broken or overcast layer, or vertical visibility.' }),
    weather: t.exposeString('weather', { nullable: true, description: 'Forecast weather, e.g. -SHRA.' }),
    flightCategory: t.field({ type: FlightCategoryEnum, nullable: true, description: 'Flight rules for the period.', resolve: (p) => p.flightCategory }),
  }),
});

builder.objectType('Forecast', {
  ...cacheHint('Forecast', { tag: (v: resolve.ReportView<Taf>) => weatherTag(v.report.station) }),
  description: "An airport's terminal aerodrome forecast (TAF).",
  fields: (t) => ({
    id: t.id({ description: 'The station: its current forecast.', resolve: (v) => v.report.station }),
    station: t.string({ description: 'ICAO station, e.g. KJFK.', resolve: (v) => v.report.station }),
    issuedAt: t.field({ type: 'DateTime', description: 'When it was issued.', resolve: (v) => v.report.issuedAt }),
    validFrom: t.field({ type: 'DateTime', description: 'Start of its validity.', resolve: (v) => v.report.validFrom }),
    validTo: t.field({ type: 'DateTime', description: 'End of its validity.', resolve: (v) => v.report.validTo }),
    periods: t.field({ type: ['ForecastPeriod'], description: 'Its periods in order, each complete weather.', resolve: (v) => v.report.periods }),
    raw: t.string({ description: 'The forecast as issued.', resolve: (v) => v.report.raw }),
    dataAge: t.int({ description: 'Seconds since the upstream gave this forecast.', resolve: resolve.reportAge }),
  }),
});

builder.objectFields('Airport', (t) => ({
  weather: t.field({ type: 'Weather', nullable: true, description: 'The latest METAR; null when the airport has no reporting station.', resolve: resolve.airportWeather }),
  forecast: t.field({ type: 'Forecast', nullable: true, description: 'The current TAF; null when none is issued for the airport.', resolve: resolve.airportForecast }),
}));

builder.queryFields((t) => ({
  weather: t.field({
    type: ['Weather'],
    nullable: { list: false, items: true },
    description: `The latest METAR of each airport, in the order given (at most ${resolve.MAX_WEATHER_AIRPORTS}); null for an airport unknown or without a report.`,
    args: { airports: t.arg.stringList({ required: true, description: `IATA (JFK) or ICAO (KJFK) airport codes: at most ${resolve.MAX_WEATHER_AIRPORTS}.`, extensions: { maxItems: resolve.MAX_WEATHER_AIRPORTS } }) },
    complexity: (args) => ({ field: UPSTREAM_FIELD_COST, multiplier: Math.max(1, Math.min(args.airports.length, resolve.MAX_WEATHER_AIRPORTS)) }),
    resolve: resolve.weather,
  }),
}));
