import { describe, expect, it } from 'vitest';
import { FLIGHTS_PAGE_LIMIT, flightQuery, nextOffset, pageParams, parseFlightsBody, routeQuery, type FlightsPagination } from '../../src/sources/flights/aviationstack.ts';
import { FlightsApiError, FlightsFormatError } from '../../src/sources/flights/errors.ts';
import { parseFlightDate, parseFlightNumber } from '../../src/sources/flights/flight-number.ts';

/**
 * Records in the shape AviationStack's /v1/flights really sends (its documentation and captured
 * responses): every time is the airport's LOCAL wall clock labelled +00:00, codeshare codes are
 * lower case, absent values are null (or, in some records, "").
 */
function endpoint(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    airport: null,
    timezone: null,
    iata: null,
    icao: null,
    terminal: null,
    gate: null,
    delay: null,
    scheduled: null,
    estimated: null,
    actual: null,
    estimated_runway: null,
    actual_runway: null,
    ...overrides,
  };
}

const ba117 = {
  flight_date: '2026-11-21',
  flight_status: 'active',
  departure: endpoint({
    airport: 'Heathrow',
    timezone: 'Europe/London',
    iata: 'LHR',
    icao: 'EGLL',
    terminal: '5',
    gate: 'B36',
    delay: 15,
    scheduled: '2026-11-21T08:20:00+00:00',
    estimated: '2026-11-21T08:20:00+00:00',
    actual: '2026-11-21T08:35:00+00:00',
    estimated_runway: '2026-11-21T08:51:00+00:00',
    actual_runway: '2026-11-21T08:51:00+00:00',
  }),
  arrival: endpoint({
    airport: 'John F Kennedy International',
    timezone: 'America/New_York',
    iata: 'JFK',
    icao: 'KJFK',
    terminal: '8',
    baggage: '4',
    scheduled: '2026-11-21T11:15:00+00:00',
    estimated: '2026-11-21T11:05:00+00:00',
  }),
  airline: { name: 'British Airways', iata: 'BA', icao: 'BAW' },
  flight: { number: '117', iata: 'BA117', icao: 'BAW117', codeshared: null },
  aircraft: { registration: 'G-XLEA', iata: 'A388', icao: 'A388', icao24: '4007F1' },
  live: null,
};

// The same flight sold by American: a marketing record whose codeshared block is the operating flight.
const aa6136 = {
  ...ba117,
  airline: { name: 'American Airlines', iata: 'AA', icao: 'AAL' },
  flight: {
    number: '6136',
    iata: 'AA6136',
    icao: 'AAL6136',
    codeshared: { airline_name: 'british airways', airline_iata: 'ba', airline_icao: 'baw', flight_number: '117', flight_iata: 'ba117', flight_icao: 'baw117' },
  },
  aircraft: null,
};

// 08:00 local from JFK, the example the quirk is known by, in winter (EST) and summer (EDT).
const aa100 = (date: string, departs: string, arrives: string) => ({
  flight_date: date,
  flight_status: 'scheduled',
  departure: endpoint({ airport: 'John F Kennedy International', timezone: 'America/New_York', iata: 'JFK', icao: 'KJFK', terminal: '8', scheduled: departs }),
  arrival: endpoint({ airport: 'Heathrow', timezone: 'Europe/London', iata: 'LHR', icao: 'EGLL', terminal: '3', scheduled: arrives }),
  airline: { name: 'American Airlines', iata: 'AA', icao: 'AAL' },
  flight: { number: '100', iata: 'AA100', icao: 'AAL100', codeshared: null },
  aircraft: null,
  live: null,
});

// Sydney to Los Angeles leaves on the 21st local, which is still the 20th in UTC.
const qf11 = {
  flight_date: '2026-11-21',
  flight_status: 'scheduled',
  departure: endpoint({ airport: 'Kingsford Smith', timezone: 'Australia/Sydney', iata: 'SYD', icao: 'YSSY', terminal: '1', scheduled: '2026-11-21T10:00:00+00:00' }),
  arrival: endpoint({ airport: 'Los Angeles International', timezone: 'America/Los_Angeles', iata: 'LAX', icao: 'KLAX', terminal: 'B', scheduled: '2026-11-21T06:20:00+00:00' }),
  airline: { name: 'Qantas', iata: 'QF', icao: 'QFA' },
  flight: { number: '11', iata: 'QF11', icao: 'QFA11', codeshared: null },
  aircraft: null,
  live: null,
};

const page = (data: unknown[], pagination: Partial<FlightsPagination> = {}) => ({
  pagination: { limit: 100, offset: 0, count: data.length, total: data.length, ...pagination },
  data,
});

const noTable = () => null;

describe('AviationStack query parameters', () => {
  it('asks for one flight on one day by its IATA number, normalised', () => {
    expect(flightQuery({ number: 'ba 0117', date: '2026-11-21' })).toEqual({ flight_iata: 'BA117', flight_date: '2026-11-21' });
  });

  it('asks by ICAO number when given an ICAO designator', () => {
    expect(flightQuery({ number: 'BAW117', date: '2026-11-21' })).toEqual({ flight_icao: 'BAW117', flight_date: '2026-11-21' });
  });

  it('asks for a route on one day', () => {
    expect(routeQuery({ from: 'lhr', to: 'JFK', date: '2026-11-21' })).toEqual({ dep_iata: 'LHR', arr_iata: 'JFK', flight_date: '2026-11-21' });
  });

  it('pages 100 at a time', () => {
    expect(FLIGHTS_PAGE_LIMIT).toBe(100);
    expect(pageParams()).toEqual({ limit: '100', offset: '0' });
    expect(pageParams(200)).toEqual({ limit: '100', offset: '200' });
  });

  it('refuses a misuse, saying what it expected and what it received', () => {
    expect(() => flightQuery({ number: 'BA', date: '2026-11-21' })).toThrow('expected a flight number like BA117, received "BA"');
    expect(() => flightQuery({ number: 'BA117', date: '2026-02-30' })).toThrow('expected a flight date like 2026-11-21, received "2026-02-30"');
    expect(() => routeQuery({ from: 'EGLL', to: 'JFK', date: '2026-11-21' })).toThrow('expected an IATA airport code like JFK, received "EGLL"');
    expect(() => pageParams(-1)).toThrow(RangeError);
  });
});

describe('following AviationStack pages', () => {
  it('moves on by the page just read while full pages remain', () => {
    expect(nextOffset({ limit: 100, offset: 0, count: 100, total: 250 })).toBe(100);
    expect(nextOffset({ limit: 100, offset: 100, count: 100, total: 250 })).toBe(200);
  });

  it('stops after the page that reaches total, without asking for an empty one', () => {
    expect(nextOffset({ limit: 100, offset: 200, count: 50, total: 250 })).toBeNull();
    expect(nextOffset({ limit: 100, offset: 100, count: 100, total: 200 })).toBeNull();
  });

  it('stops at an empty or short page even when total claims more', () => {
    expect(nextOffset({ limit: 100, offset: 300, count: 0, total: 10_000 })).toBeNull();
    expect(nextOffset({ limit: 100, offset: 0, count: 37, total: 10_000 })).toBeNull();
  });

  it('reads a listing whose total lies with exactly the requests it needs', () => {
    // A server that claims 10 000 flights but has 240.
    const records = Array.from({ length: 240 }, (_, i) => ({ ...ba117, flight: { ...ba117.flight, number: String(1000 + i), iata: `BA${1000 + i}` } }));
    const server = (offset: number) => {
      const data = records.slice(offset, offset + FLIGHTS_PAGE_LIMIT);
      return { pagination: { limit: 100, offset, count: data.length, total: 10_000 }, data };
    };
    const offsetsRequested: number[] = [];
    const numbers: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      offsetsRequested.push(Number(pageParams(offset).offset));
      const result = parseFlightsBody(server(offset), noTable);
      numbers.push(...result.flights.map((f) => f.number));
      offset = nextOffset(result.pagination);
    }
    expect(offsetsRequested).toEqual([0, 100, 200]);
    expect(numbers).toHaveLength(240);
    expect(new Set(numbers).size).toBe(240);
  });
});

describe('reading an AviationStack flights body', () => {
  it('turns a real record into a flight status with UTC instants', () => {
    const { flights, pagination, skipped } = parseFlightsBody(page([ba117]), noTable);
    expect(pagination).toEqual({ limit: 100, offset: 0, count: 1, total: 1 });
    expect(skipped).toBe(0);
    expect(flights).toEqual([
      {
        number: 'BA117',
        icaoNumber: 'BAW117',
        date: '2026-11-21',
        airline: { iata: 'BA', icao: 'BAW', name: 'British Airways' },
        origin: {
          iata: 'LHR',
          icao: 'EGLL',
          timeZone: 'Europe/London',
          terminal: '5',
          gate: 'B36',
          baggage: null,
          delayMinutes: 15,
          // London in winter: +00:00 happens to be right, and reading it as local changes nothing.
          scheduled: new Date('2026-11-21T08:20:00Z'),
          estimated: new Date('2026-11-21T08:20:00Z'),
          actual: new Date('2026-11-21T08:35:00Z'),
          estimatedRunway: new Date('2026-11-21T08:51:00Z'),
          actualRunway: new Date('2026-11-21T08:51:00Z'),
        },
        destination: {
          iata: 'JFK',
          icao: 'KJFK',
          timeZone: 'America/New_York',
          terminal: '8',
          gate: null,
          baggage: '4',
          // Ten minutes early is not late: 0, derived because the service sent no delay.
          delayMinutes: 0,
          scheduled: new Date('2026-11-21T16:15:00Z'),
          estimated: new Date('2026-11-21T16:05:00Z'),
          actual: null,
          estimatedRunway: null,
          actualRunway: null,
        },
        status: 'active',
        aircraft: { registration: 'G-XLEA', iata: 'A388', icao: 'A388', icao24: '4007F1' },
        codeshared: null,
      },
    ]);
  });

  it('reads JFK’s +00:00-labelled local times as UTC−5 in winter and UTC−4 in summer', () => {
    const { flights } = parseFlightsBody(
      page([aa100('2026-11-21', '2026-11-21T08:00:00+00:00', '2026-11-21T20:05:00+00:00'), aa100('2026-07-15', '2026-07-15T08:00:00+00:00', '2026-07-15T20:05:00+00:00')]),
      noTable,
    );
    expect(flights.map((f) => [f.date, f.origin.scheduled, f.destination.scheduled])).toEqual([
      ['2026-11-21', new Date('2026-11-21T13:00:00Z'), new Date('2026-11-21T20:05:00Z')],
      // Summer: New York is UTC−4 and London UTC+1.
      ['2026-07-15', new Date('2026-07-15T12:00:00Z'), new Date('2026-07-15T19:05:00Z')],
    ]);
  });

  it('keeps the service’s local flight date when the departure is on the previous UTC day', () => {
    const [flight] = parseFlightsBody(page([qf11]), noTable).flights;
    expect(flight!.date).toBe('2026-11-21');
    expect(flight!.origin.scheduled).toEqual(new Date('2026-11-20T23:00:00Z'));
    expect(flight!.destination.scheduled).toEqual(new Date('2026-11-21T14:20:00Z'));
  });

  it('falls back to our airport table for the zone when the body names none, or one the runtime does not know', () => {
    const noZone = { ...aa100('2026-11-21', '2026-11-21T08:00:00+00:00', '2026-11-21T20:05:00+00:00') };
    noZone.departure = { ...noZone.departure, timezone: null };
    noZone.arrival = { ...noZone.arrival, timezone: 'Europe/Londres' };
    const asked: string[] = [];
    const table = (iata: string) => (asked.push(iata), ({ JFK: 'America/New_York', LHR: 'Europe/London' } as Record<string, string>)[iata] ?? null);
    const [flight] = parseFlightsBody(page([noZone]), table).flights;
    expect(asked).toEqual(['JFK', 'LHR']);
    expect(flight!.origin).toMatchObject({ timeZone: 'America/New_York', scheduled: new Date('2026-11-21T13:00:00Z') });
    expect(flight!.destination).toMatchObject({ timeZone: 'Europe/London', scheduled: new Date('2026-11-21T20:05:00Z') });
  });

  it('leaves a time out rather than guess when no zone is known at all', () => {
    const unknown = aa100('2026-11-21', '2026-11-21T08:00:00+00:00', '2026-11-21T20:05:00+00:00');
    unknown.departure = { ...unknown.departure, timezone: null };
    const [flight] = parseFlightsBody(page([unknown]), noTable).flights;
    expect(flight!.origin).toMatchObject({ timeZone: null, scheduled: null, delayMinutes: null });
  });

  it('trusts a real non-zero offset as is, should the service start sending them', () => {
    const fixed = aa100('2026-11-21', '2026-11-21T08:00:00-05:00', '2026-11-21T20:05:00+00:00');
    const [flight] = parseFlightsBody(page([fixed]), noTable).flights;
    expect(flight!.origin.scheduled).toEqual(new Date('2026-11-21T13:00:00Z'));
    // A correct +00:00 for London in winter reads the same either way.
    expect(flight!.destination.scheduled).toEqual(new Date('2026-11-21T20:05:00Z'));
  });

  it('gives a marketing record the operating flight, upper-cased', () => {
    const [flight] = parseFlightsBody(page([aa6136]), noTable).flights;
    expect(flight).toMatchObject({ number: 'AA6136', airline: { iata: 'AA' }, aircraft: null, codeshared: { number: 'BA117', airlineIata: 'BA' } });
  });

  it('derives the delay from actual, else estimated, minus scheduled when the service sends none', () => {
    const record = aa100('2026-11-21', '2026-11-21T08:00:00+00:00', '2026-11-21T20:05:00+00:00');
    const withTimes = (departure: Record<string, unknown>) => ({ ...record, departure: { ...record.departure, ...departure } });
    const delays = parseFlightsBody(
      page([
        withTimes({ estimated: '2026-11-21T08:40:00+00:00' }),
        withTimes({ estimated: '2026-11-21T08:40:00+00:00', actual: '2026-11-21T08:52:00+00:00' }),
        withTimes({ delay: 7, estimated: '2026-11-21T08:40:00+00:00' }),
        withTimes({ estimated: '2026-11-21T08:00:00+00:00' }),
        withTimes({}),
      ]),
      noTable,
    ).flights.map((f) => f.origin.delayMinutes);
    expect(delays).toEqual([40, 52, 7, 0, null]);
  });

  it('reads the "" and numeric strings some records carry as absent and as numbers', () => {
    const blanks = { ...aa6136, departure: { ...aa6136.departure, gate: '', terminal: '', delay: '12' }, aircraft: '', live: '' };
    const [flight] = parseFlightsBody(page([blanks]), noTable).flights;
    expect(flight!.origin).toMatchObject({ gate: null, terminal: null, delayMinutes: 12 });
    expect(flight!.aircraft).toBeNull();
  });

  it('skips, and counts, records without an IATA flight number (Contrail names flights by it)', () => {
    const icaoOnly = { ...ba117, airline: { name: 'Private', iata: null, icao: 'XYZ' }, flight: { number: '12', iata: null, icao: 'XYZ12', codeshared: null } };
    const { flights, skipped } = parseFlightsBody(page([icaoOnly, ba117]), noTable);
    expect(flights.map((f) => f.number)).toEqual(['BA117']);
    expect(skipped).toBe(1);
  });

  it('builds the number from the airline and the bare number when flight.iata is missing', () => {
    const noIata = { ...ba117, flight: { number: '0117', iata: null, icao: null, codeshared: null } };
    expect(parseFlightsBody(page([noIata]), noTable).flights[0]!.number).toBe('BA117');
  });

  it('reads an empty result as no flights', () => {
    expect(parseFlightsBody({ pagination: { limit: 100, offset: 0, count: 0, total: 0 }, data: [] }, noTable)).toEqual({
      pagination: { limit: 100, offset: 0, count: 0, total: 0 },
      flights: [],
      skipped: 0,
    });
  });
});

describe('AviationStack errors', () => {
  const errorBody = (code: string, message = 'message') => ({ error: { code, message } });

  it('turns an error body into a typed error with the code and what kind of failure it is', () => {
    const cases = [
      ['missing_access_key', 'auth'],
      ['invalid_access_key', 'auth'],
      ['inactive_user', 'auth'],
      ['usage_limit_reached', 'quota'],
      ['rate_limit_reached', 'quota'],
      ['function_access_restricted', 'plan'],
      ['https_access_restricted', 'plan'],
      ['validation_error', 'input'],
      ['invalid_api_function', 'input'],
      ['404_not_found', 'input'],
      ['internal_error', 'other'],
      ['something_new', 'other'],
    ] as const;
    const seen = cases.map(([code]) => {
      try {
        parseFlightsBody(errorBody(code), noTable);
        return null;
      } catch (err) {
        return err instanceof FlightsApiError ? [err.code, err.kind] : err;
      }
    });
    expect(seen).toEqual(cases.map(([code, kind]) => [code, kind]));
  });

  it('keeps the message, and reads a validation error with its context', () => {
    const body = {
      error: {
        code: 'validation_error',
        message: 'Request failed with validation error',
        context: { flight_date: [{ key: 'invalid_date', message: 'The flight_date must be a valid date.' }] },
      },
    };
    expect(() => parseFlightsBody(body, noTable)).toThrow(new FlightsApiError('validation_error', 'Request failed with validation error'));
    expect(() => parseFlightsBody(body, noTable)).toThrow('AviationStack error validation_error: Request failed with validation error');
  });

  it('reads the older apilayer form with a numeric code and the name in type', () => {
    const body = { success: false, error: { code: 104, type: 'usage_limit_reached', info: 'Your monthly API request volume has been reached.' } };
    const error = (() => {
      try {
        parseFlightsBody(body, noTable);
      } catch (err) {
        return err;
      }
    })() as FlightsApiError;
    expect([error.code, error.kind, error.message]).toEqual(['usage_limit_reached', 'quota', 'AviationStack error usage_limit_reached: Your monthly API request volume has been reached.']);
  });

  it('turns a body of any other shape into a FlightsFormatError', () => {
    const bodies = [
      null,
      [],
      'Service Unavailable',
      { data: [] },
      { pagination: { limit: 100, offset: 0, count: 1, total: 1 }, data: 'none' },
      page([{ ...ba117, flight_status: 'taxiing' }]),
      page([{ ...ba117, flight_date: '21/11/2026' }]),
      page([{ ...ba117, departure: { ...ba117.departure, scheduled: 'soon' } }]),
      page([{ ...ba117, departure: { ...ba117.departure, scheduled: '2026-02-30T08:00:00+00:00' } }]),
      { error: 'broken' },
    ];
    for (const body of bodies) expect(() => parseFlightsBody(body, noTable), JSON.stringify(body)).toThrow(FlightsFormatError);
  });
});

describe('flight numbers and dates from users', () => {
  it('reads what people type, as airlines print it', () => {
    expect(parseFlightNumber('ba 117')).toEqual({ airline: 'BA', number: '117', suffix: null, iata: 'BA117', icao: null });
    expect(parseFlightNumber('BA0117')).toEqual({ airline: 'BA', number: '117', suffix: null, iata: 'BA117', icao: null });
    expect(parseFlightNumber(' ba-117 ')?.iata).toBe('BA117');
    expect(parseFlightNumber('U2 8003')?.iata).toBe('U28003');
    expect(parseFlightNumber('9W123')?.iata).toBe('9W123');
    expect(parseFlightNumber('LH400A')).toEqual({ airline: 'LH', number: '400', suffix: 'A', iata: 'LH400A', icao: null });
    expect(parseFlightNumber('baw117')).toEqual({ airline: 'BAW', number: '117', suffix: null, iata: null, icao: 'BAW117' });
  });

  it('refuses what is not a flight designator', () => {
    // Letters that only upper-case into ASCII ("ﬁ" → "FI", "ß" → "SS", "ſ" → "S") are not letters of a designator.
    for (const input of ['', 'BA', '117', '12 345', 'BA12345', 'BA0000', 'B 117', 'BAWX117', 'BA 1 17', 'B@117', 'ﬁ117', 'ß117', 'Bſ117', 'BAſ117', 'BA117ſ']) {
      expect(parseFlightNumber(input), input).toBeNull();
    }
  });

  it('accepts only real calendar days as flight dates', () => {
    expect(parseFlightDate('2026-11-21')).toBe('2026-11-21');
    expect(parseFlightDate('2028-02-29')).toBe('2028-02-29');
    for (const input of ['2026-02-29', '2026-13-01', '2026-11-31', '2026-00-10', '21/11/2026', '2026-1-1', '2026-11-21T00:00']) {
      expect(parseFlightDate(input), input).toBeNull();
    }
  });
});
