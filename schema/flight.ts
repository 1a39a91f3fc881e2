import * as resolve from '../resolvers/flights.ts';
import { airportWeather } from '../resolvers/weather.ts';
import { flightTag } from '../src/entities/flights.ts';
import type { FlightEndpoint } from '../src/sources/flights/types.ts';
import { builder, pageCost, UPSTREAM_FIELD_COST } from './builder.ts';
import { cacheHint, fieldCacheHint } from './cache-hints.ts';
import { connectionOf, edgeOf } from './paging.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/pagination.ts';

const FlightStatusEnum = builder.enumType('FlightStatus', {
  description: 'Where a flight is in its day, as the upstream reports it.',
  values: {
    SCHEDULED: { value: 'scheduled', description: 'Not departed yet.' },
    ACTIVE: { value: 'active', description: 'Departed, in the air or taxiing.' },
    LANDED: { value: 'landed', description: 'Arrived.' },
    CANCELLED: { value: 'cancelled', description: 'Will not fly.' },
    INCIDENT: { value: 'incident', description: 'Reported an incident.' },
    DIVERTED: { value: 'diverted', description: 'Landed somewhere other than its destination.' },
  } as const,
});

builder.objectType('FlightAircraft', {
  ...cacheHint('Flight'),
  description: 'The aircraft flying it, when the upstream knows.',
  fields: (t) => ({
    registration: t.exposeString('registration', { nullable: true, description: 'Tail number, e.g. G-STBA.' }),
    iataType: t.exposeString('iata', { nullable: true, description: 'IATA aircraft type code, e.g. 77W.' }),
    icaoType: t.exposeString('icao', { nullable: true, description: 'ICAO type designator, e.g. B77W.' }),
    icao24: t.exposeString('icao24', { nullable: true, description: '24-bit transponder address, hex.' }),
  }),
});

/** The UTC instant and the airport's wall-clock reading of one of a flight's times. */
function times(t: PothosSchemaTypes.ObjectFieldBuilder<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never, resolve.FlightView>, end: 'origin' | 'destination', which: 'scheduled' | 'estimated' | 'actual', label: string) {
  const at = (v: resolve.FlightView) => (v.flight[end] as FlightEndpoint)[which];
  return {
    utc: t.field({ type: 'DateTime', nullable: true, description: `${label} (UTC).`, resolve: at }),
    local: t.string({
      nullable: true,
      description: `${label}, as the wall clock at the ${end === 'origin' ? 'origin' : 'destination'} reads it (yyyy-mm-ddThh:mm:ss).`,
      resolve: (v) => resolve.localTime(at(v), v.flight[end].timeZone),
    }),
  };
}

builder.objectType('Flight', {
  ...cacheHint('Flight', { tag: (v: resolve.FlightView) => flightTag(v.flight.number, v.flight.date) }),
  description: 'One operating flight on one date, with its live status.',
  fields: (t) => {
    const sd = times(t, 'origin', 'scheduled', 'Scheduled departure (gate)');
    const ed = times(t, 'origin', 'estimated', 'Estimated departure');
    const ad = times(t, 'origin', 'actual', 'Actual departure');
    const sa = times(t, 'destination', 'scheduled', 'Scheduled arrival (gate)');
    const ea = times(t, 'destination', 'estimated', 'Estimated arrival');
    const aa = times(t, 'destination', 'actual', 'Actual arrival');
    return {
      id: t.id({ description: 'The flight number and date, e.g. BA117:2026-11-21.', resolve: (v) => `${v.flight.number}:${v.flight.date}` }),
      number: t.string({ description: 'IATA flight number, e.g. BA117.', resolve: (v) => v.flight.number }),
      date: t.field({ type: 'Date', description: 'The local date of departure at the origin.', resolve: (v) => v.flight.date }),
      airline: t.field({ type: 'Airline', nullable: true, description: 'The operating airline, when our reference data knows it.', resolve: resolve.flightAirline }),
      origin: t.field({ type: 'Airport', nullable: true, resolve: resolve.flightOrigin, description: 'Where it departs.' }),
      destination: t.field({ type: 'Airport', nullable: true, resolve: resolve.flightDestination, description: 'Where it is bound.' }),
      status: t.field({ type: FlightStatusEnum, description: 'Where the flight is in its day.', resolve: (v) => v.flight.status }),
      scheduledDeparture: sd.utc,
      scheduledDepartureLocal: sd.local,
      estimatedDeparture: ed.utc,
      estimatedDepartureLocal: ed.local,
      actualDeparture: ad.utc,
      actualDepartureLocal: ad.local,
      scheduledArrival: sa.utc,
      scheduledArrivalLocal: sa.local,
      estimatedArrival: ea.utc,
      estimatedArrivalLocal: ea.local,
      actualArrival: aa.utc,
      actualArrivalLocal: aa.local,
      departureDelayMinutes: t.int({ nullable: true, description: 'Minutes late leaving the gate; null when not known.', resolve: (v) => v.flight.origin.delayMinutes }),
      arrivalDelayMinutes: t.int({ nullable: true, description: 'Minutes late at the gate; null when not known.', resolve: (v) => v.flight.destination.delayMinutes }),
      terminal: t.string({ nullable: true, description: 'Departure terminal.', resolve: (v) => v.flight.origin.terminal }),
      gate: t.string({ nullable: true, description: 'Departure gate.', resolve: (v) => v.flight.origin.gate }),
      arrivalTerminal: t.string({ nullable: true, description: 'Arrival terminal.', resolve: (v) => v.flight.destination.terminal }),
      arrivalGate: t.string({ nullable: true, description: 'Arrival gate.', resolve: (v) => v.flight.destination.gate }),
      baggage: t.string({ nullable: true, description: 'Baggage claim belt at the destination.', resolve: (v) => v.flight.destination.baggage }),
      aircraft: t.field({ type: 'FlightAircraft', nullable: true, description: 'The aircraft, when the upstream knows it.', resolve: (v) => v.flight.aircraft }),
      codeshares: t.stringList({ description: 'Marketing flight numbers sold on this flight (e.g. AA6143 on BA117).', resolve: resolve.codeshares }),
      originWeather: t.field({
        type: 'Weather',
        nullable: true,
        description: 'The latest METAR at the origin.',
        resolve: async (v, _, ctx) => {
          const airport = await resolve.flightOrigin(v, undefined, ctx);
          return airport ? airportWeather(airport, undefined, ctx) : null;
        },
      }),
      destinationWeather: t.field({
        type: 'Weather',
        nullable: true,
        description: 'The latest METAR at the destination.',
        resolve: async (v, _, ctx) => {
          const airport = await resolve.flightDestination(v, undefined, ctx);
          return airport ? airportWeather(airport, undefined, ctx) : null;
        },
      }),
      isHistorical: t.boolean({
        description: 'True when the upstream could not answer and this is the newest recorded status instead.',
        resolve: (v) => v.source === 'history',
      }),
      dataAge: t.int({ description: 'Seconds since the upstream reported this status.', resolve: resolve.dataAge }),
    };
  },
});

builder.queryFields((t) => ({
  flight: t.field({
    type: 'Flight',
    nullable: true,
    ...fieldCacheHint('FlightStatus'),
    complexity: UPSTREAM_FIELD_COST,
    description: 'A flight by number and local date; a marketing (codeshare) number resolves to the operating flight. Null when there is no such flight.',
    args: {
      number: t.arg.string({ required: true, description: 'Flight number, e.g. BA117 (IATA) or BAW117 (ICAO).' }),
      date: t.arg({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }),
    },
    resolve: resolve.flight,
  }),
  flights: t.connection(
    {
      type: 'Flight',
      description: "A route's operating flights on a date, by scheduled departure; each flight once (codeshares are listed on it).",
      args: {
        from: t.arg.string({ required: true, description: 'Origin IATA airport code.' }),
        to: t.arg.string({ required: true, description: 'Destination IATA airport code.' }),
        date: t.arg({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }),
      },
      complexity: (args) => ({ ...pageCost(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)(args), field: UPSTREAM_FIELD_COST }),
      resolve: resolve.flights,
    },
    connectionOf('Flight', 'flights'),
    edgeOf('Flight', 'flight'),
  ),
}));

builder.objectFields('Route', (t) => ({
  flights: t.field({
    type: ['Flight'],
    description: "This route's airline's operating flights on a date, by scheduled departure.",
    args: { date: t.arg({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }) },
    complexity: { field: UPSTREAM_FIELD_COST, multiplier: 10 },
    resolve: resolve.routeFlights,
  }),
}));

const FlightStatusInput = builder.inputType('FlightStatusInput', {
  description: "A flight's status as a service pushes it: it replaces what the upstream said until the next change.",
  fields: (t) => ({
    number: t.string({ required: true, description: 'IATA flight number, e.g. BA117.' }),
    date: t.field({ type: 'Date', required: true, description: 'Local date of departure at the origin.' }),
    from: t.string({ required: true, description: 'Origin IATA airport code.' }),
    to: t.string({ required: true, description: 'Destination IATA airport code.' }),
    status: t.field({ type: FlightStatusEnum, required: true, description: 'Where the flight is in its day.' }),
    scheduledDeparture: t.field({ type: 'DateTime', required: true, description: 'Scheduled departure (gate), with its offset.' }),
    estimatedDeparture: t.field({ type: 'DateTime', description: 'Estimated departure.' }),
    actualDeparture: t.field({ type: 'DateTime', description: 'Actual departure.' }),
    scheduledArrival: t.field({ type: 'DateTime', description: 'Scheduled arrival (gate).' }),
    estimatedArrival: t.field({ type: 'DateTime', description: 'Estimated arrival.' }),
    actualArrival: t.field({ type: 'DateTime', description: 'Actual arrival.' }),
    departureDelayMinutes: t.int({ description: 'Minutes late leaving the gate: 0 to 10080.' }),
    arrivalDelayMinutes: t.int({ description: 'Minutes late at the gate: 0 to 10080.' }),
    terminal: t.string({ description: 'Departure terminal, at most 10 characters.' }),
    gate: t.string({ description: 'Departure gate, at most 10 characters.' }),
    arrivalTerminal: t.string({ description: 'Arrival terminal, at most 10 characters.' }),
    arrivalGate: t.string({ description: 'Arrival gate, at most 10 characters.' }),
  }),
});

builder.mutationFields((t) => ({
  ingestFlightStatus: t.field({
    type: 'Flight',
    description: "Takes a pushed flight status (services only): persisted, and every cached answer containing the flight or its route invalidated in every tier and instance before this returns.",
    authScopes: { service: true },
    args: { input: t.arg({ type: FlightStatusInput, required: true, description: 'The status.' }) },
    resolve: resolve.ingestFlightStatus,
  }),
}));
