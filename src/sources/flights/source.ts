import { UpstreamHttpError } from '../errors.ts';
import type { HttpClient } from '../http-client.ts';
import { flightQuery, nextOffset, pageParams, parseFlightsBody, routeQuery, type QueryParams } from './aviationstack.ts';
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
    for (let offset: number | null = 0; offset !== null; ) {
      const result = await page(query, offset);
      flights.push(...result.flights);
      offset = nextOffset(result.pagination);
    }
    return flights;
  }
  return {
    byNumber: (number, date) => all(flightQuery({ number, date })),
    byRoute: (from, to, date) => all(routeQuery({ from, to, date })),
  };
}
