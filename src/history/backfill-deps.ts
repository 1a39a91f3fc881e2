import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { createFlightSource, type FlightSource } from '../sources/flights/source.ts';
import { UpstreamCircuitOpenError } from '../sources/errors.ts';
import type { HttpClient } from '../sources/http-client.ts';
import { createWeatherSource, type WeatherSource } from '../sources/weather/source.ts';
import { airportZones } from '../sql/airports.ts';

export interface BackfillDeps {
  db: Database;
  flights: FlightSource;
  /** METAR history; without it the weather is not filled. */
  weather?: Pick<WeatherSource, 'metarHistory'>;
  /** Calls the sources have made so far (see backfillDeps); the summary reports the difference. */
  calls?: () => number;
}

/** The upstream clients a backfill goes through: the gateway's own, so their retries, breakers and call log apply. */
export interface BackfillUpstreams {
  flights: HttpClient;
  /** AviationStack's access key (the sandbox's when it answers). */
  flightsKey: string;
  /** Without it the weather is not filled. */
  weather?: HttpClient;
  /** Stations per weather call, as configured. */
  weatherBatchSize: number;
}

/** Sources over the clients, counting the calls that reach the upstream (one an open breaker refuses does not). */
export async function backfillDeps(db: Database, upstreams: BackfillUpstreams, logger: Logger): Promise<BackfillDeps> {
  let calls = 0;
  const counted = (http: HttpClient): HttpClient => ({
    get: (path, query, signal) =>
      http.get(path, query, signal).then(
        (response) => {
          calls++;
          return response;
        },
        (err: unknown) => {
          if (!(err instanceof UpstreamCircuitOpenError)) calls++;
          throw err;
        },
      ),
    breakerState: () => http.breakerState(),
  });
  const zones = await airportZones(db);
  return {
    db,
    flights: createFlightSource(counted(upstreams.flights), upstreams.flightsKey, (iata) => zones.get(iata) ?? null),
    weather:
      upstreams.weather &&
      createWeatherSource(counted(upstreams.weather), upstreams.weatherBatchSize, (err) => logger.warn({ err: err.message }, 'backfill: weather report skipped')),
    calls: () => calls,
  };
}
