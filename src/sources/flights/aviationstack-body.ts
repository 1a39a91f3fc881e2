import { z } from 'zod';

/**
 * The wire shapes of AviationStack's `/v1/flights`, validated leniently: unknown fields are
 * dropped, and a value may be null, missing or "" (all seen from the real service) wherever the
 * service leaves it out. Shapes confirmed against the published docs and captured responses; see
 * test/unit/flights-adapter.test.ts for a full record.
 */

const absent = (value: unknown) => value === '' || value === null || value === undefined;

/** A string the service may leave out; "" and missing become null. */
const text = z.preprocess((v) => (absent(v) ? null : v), z.string().nullable());

/** A number the service may leave out or send as a numeric string ("12"). */
const numberOrNull = z.preprocess((v) => (absent(v) ? null : typeof v === 'string' ? Number(v) : v), z.number().nullable());

/** A non-negative count in the pagination block. */
const count = z.preprocess((v) => (typeof v === 'string' && v !== '' ? Number(v) : v), z.number().int().nonnegative());

/** An object the service may send as null or "" when it has nothing (`aircraft`, `codeshared`). */
const optionalObject = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (absent(v) ? null : v), schema.nullable());

export const wireEndpoint = z.object({
  airport: text,
  timezone: text,
  iata: text,
  icao: text,
  terminal: text,
  gate: text,
  baggage: text,
  delay: numberOrNull,
  scheduled: text,
  estimated: text,
  actual: text,
  estimated_runway: text,
  actual_runway: text,
});

export const wireCodeshare = z.object({
  airline_name: text,
  airline_iata: text,
  airline_icao: text,
  flight_number: text,
  flight_iata: text,
  flight_icao: text,
});

export const wireFlight = z.object({
  flight_date: z.string(),
  // The six statuses AviationStack documents; any other is a change of format we want to hear about.
  flight_status: z.enum(['scheduled', 'active', 'landed', 'cancelled', 'incident', 'diverted']),
  departure: wireEndpoint,
  arrival: wireEndpoint,
  airline: optionalObject(z.object({ name: text, iata: text, icao: text })),
  flight: z.object({ number: text, iata: text, icao: text, codeshared: optionalObject(wireCodeshare) }),
  aircraft: optionalObject(z.object({ registration: text, iata: text, icao: text, icao24: text })),
});

export const wirePagination = z.object({ limit: count, offset: count, count, total: count });

export const wireFlightsPage = z.object({
  pagination: wirePagination,
  data: z.preprocess((v) => (v === null ? [] : v), z.array(wireFlight)),
});

/**
 * `{"error": {"code": "usage_limit_reached", "message": "..."}}`. AviationStack's documented form
 * has a string `code`; other apilayer services put a number in `code` and the name in `type`, so
 * both are read.
 */
export const wireError = z.object({
  error: z.object({
    code: z.union([z.string(), z.number()]).optional(),
    type: z.string().optional(),
    message: z.string().optional(),
    info: z.string().optional(),
  }),
});

export type WireEndpoint = z.infer<typeof wireEndpoint>;
export type WireFlight = z.infer<typeof wireFlight>;
export type WirePagination = z.infer<typeof wirePagination>;
