import { UpstreamHttpError } from '../errors.ts';
import type { HttpClient } from '../http-client.ts';
import { FLIGHTS_PAGE_LIMIT, flightQuery, nextOffset, pageParams, parseFlightsBody, routeQuery, type QueryParams } from './aviationstack.ts';
import { FlightsFormatError } from './errors.ts';

// The busiest airport pair's day is a few hundred records; 20 pages of 100 is far beyond it.
const MAX_PAGES = 20;
import type { FlightStatus } from './types.ts';

export interface FlightSource {
  /** Every record of one flight number on one local date (a marketing number's too). */
  byNumber(number: string, date: string): Promise<FlightStatus[]>;
  /** Every record departing `from` for `to` on one local date, operating and marketing. */
  byRoute(from: string, to: string, date: string): Promise<FlightStatus[]>;
}

/**
 * Flight status from an AviationStack-shaped `/flights` endpoint: pages followed to the end,
 * error bodies (sent with 200 or with a 4xx) turned into FlightsApiError.
 */
export function createFlightSource(http: HttpClient, accessKey: string, timeZoneOf: (iata: string) => string | null): FlightSource {
  async function page(query: QueryParams, offset: number) {
    try {
      const { body } = await http.get('/flights', { access_key: accessKey, ...query, ...pageParams(offset) });
      return parseFlightsBody(body, timeZoneOf);
    } catch (err) {
      // A refused call (401 for a bad key, 422 for bad input) says why in its body.
      if (err instanceof UpstreamHttpError && typeof err.body === 'object' && err.body !== null) parseFlightsBody(err.body, timeZoneOf);
      throw err;
    }
  }
  async function all(query: QueryParams): Promise<FlightStatus[]> {
    const flights: FlightStatus[] = [];
    for (let offset = 0, pages = 0; ; pages++) {
      // Every page is a paid call: a listing that never ends (a server that ignores `offset`)
      // is cut off rather than followed.
      if (pages === MAX_PAGES) throw new FlightsFormatError(`the flights listing did not end after ${MAX_PAGES} pages of ${FLIGHTS_PAGE_LIMIT}`);
      const result = await page(query, offset);
      flights.push(...result.flights);
      // From the offset asked for, not the one echoed: an echo of 0 would ask for page 2 forever.
      const next = nextOffset({ ...result.pagination, offset });
      if (next === null) return flights;
      offset = next;
    }
  }
  return {
    byNumber: (number, date) => all(flightQuery({ number, date })),
    byRoute: (from, to, date) => all(routeQuery({ from, to, date })),
  };
}
