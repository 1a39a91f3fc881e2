import { apiCallLog } from '../../drizzle/schema/index.ts';
import type { CacheChain } from '../cache/chain.ts';
import type { Database } from '../db/database.ts';
import { createBatchWriter, type BatchWriter } from '../history/batch-writer.ts';
import { flightsOfRouteDays, latestFlights, recordFlights } from '../history/flights.ts';
import { latestMetars, recordMetars } from '../history/weather.ts';
import type { Logger } from '../logger.ts';
import { createFlightSource, type FlightSource } from '../sources/flights/source.ts';
import type { FlightStatus } from '../sources/flights/types.ts';
import { createHttpClient, type HttpClient, type UpstreamCall } from '../sources/http-client.ts';
import { createWeatherSource } from '../sources/weather/source.ts';
import type { Metar, Taf } from '../sources/weather/types.ts';
import { airportZones } from '../sql/airports.ts';
import { EntityStore } from './entity-store.ts';
import { flightStatusKind, routeFlightsKind, statusesOfDay } from './flights.ts';
import { metarKind, tafKind } from './weather.ts';
import type { FlightKey, RouteDayKey } from '../history/flights.ts';

/** One upstream's settings. */
export interface SourceSettings {
  /** The base URL (`https://api.aviationstack.com/v1`, `https://aviationweather.gov`). */
  url: string;
  /** Sent as `access_key` (AviationStack); never logged. */
  key?: string;
  timeoutMs: number;
  retries: number;
  /** Estimated price of one call, for the call log's cost. */
  pricePerCall: number;
  breaker: { failures: number; resetMs: number };
  /** Stations per weather call. */
  batchSize?: number;
}

export interface UpstreamsConfig {
  flights: SourceSettings;
  weather: SourceSettings;
}

export interface EntityStores {
  flight: EntityStore<FlightKey, FlightStatus>;
  routeFlights: EntityStore<RouteDayKey, FlightStatus[]>;
  metar: EntityStore<string, Metar>;
  taf: EntityStore<string, Taf>;
}

export interface Entities {
  stores: EntityStores;
  clients: { flights: HttpClient; weather: HttpClient };
  /** Writes what is queued (history, call log); for shutdown and tests. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The upstream sources, their entity caches in the tier chain, and the history every answer is
 * written to (in batches, off the request path): what resolvers reach through the loaders.
 */
export function createEntities({
  config,
  db,
  cache,
  logger,
  onCall,
}: {
  config: UpstreamsConfig;
  db: Database;
  cache: CacheChain | undefined;
  logger: Logger;
  /** Told of every upstream attempt besides the call log (metrics); must not throw. Default: none. */
  onCall?: (call: UpstreamCall) => void;
}): Entities {
  // Read once, by the first flight call (one statement): a gateway that is never asked about
  // flights never reads them.
  let zones = new Map<string, string>();
  let zonesRead: Promise<void> | undefined;
  const zonesReady = () =>
    (zonesRead ??= airportZones(db).then(
      (read) => {
        zones = read;
      },
      (err: Error) => {
        zonesRead = undefined;
        logger.warn({ err: err.message }, 'airport time zones not read: local times without a zone in the answer are dropped');
      },
    ));
  const writer = <T>(name: string, write: (batch: T[]) => Promise<void>) => createBatchWriter<T>({ name, write, logger });
  const callLog = writer<UpstreamCall>('api call log', async (batch) => {
    await db.insert(apiCallLog).values(batch);
  });
  const flightLog = writer<{ flight: FlightStatus; source: string; observedAt: Date }>('flight history', (batch) => recordFlights(db, batch));
  const weatherLog = writer<{ metar: Metar; source: string; fetchedAt: Date }>('weather history', (batch) => recordMetars(db, batch));
  const writers: BatchWriter<never>[] = [callLog, flightLog, weatherLog] as BatchWriter<never>[];

  const client = (source: string, settings: SourceSettings, secretParams: string[] = []) =>
    createHttpClient(
      { source, baseUrl: settings.url, timeoutMs: settings.timeoutMs, retries: settings.retries, pricePerCall: settings.pricePerCall, breaker: settings.breaker, secretParams },
      onCall ? (call) => (callLog.record(call), onCall(call)) : callLog.record,
    );
  const flightsClient = client('flights', config.flights, ['access_key']);
  const weatherClient = client('weather', config.weather);
  const source = createFlightSource(flightsClient, config.flights.key ?? '', (iata) => zones.get(iata) ?? null);
  const flights: FlightSource = {
    byNumber: async (number, date) => (await zonesReady(), source.byNumber(number, date)),
    byRoute: async (from, to, date) => (await zonesReady(), source.byRoute(from, to, date)),
  };
  const weatherBatch = config.weather.batchSize ?? 100;
  const weather = createWeatherSource(weatherClient, weatherBatch, (err) => logger.warn({ err: err.message }, 'weather report skipped'));

  const flightHistory = {
    record: (records: FlightStatus[]) => {
      const observedAt = new Date();
      for (const flight of records) flightLog.record({ flight, source: 'flights', observedAt });
    },
    latest: (keys: FlightKey[]) => latestFlights(db, keys),
    routeDays: (keys: RouteDayKey[]) => flightsOfRouteDays(db, keys),
  };
  const weatherHistory = {
    record: (metars: Metar[]) => {
      const fetchedAt = new Date();
      for (const metar of metars) weatherLog.record({ metar, source: 'weather', fetchedAt });
    },
    latest: (stations: string[]) => latestMetars(db, stations),
  };

  const flush = async () => {
    await Promise.all(writers.map((w) => w.flush()));
  };
  const flight = new EntityStore(flightStatusKind(flights, flightHistory), cache, logger);
  const routeFlights = new EntityStore(routeFlightsKind(flights, flightHistory), cache, logger);
  // A route's day tells every flight's status on it, as fresh as a call for that flight would:
  // cached per flight too, a status asked for next costs no call.
  routeFlights.onFetched((answers, fetchedAt) =>
    flight.putMany(
      answers.flatMap(({ key, value }) => statusesOfDay(value ?? []).map((status) => ({ key: { number: status.number, date: key.date }, value: status }))),
      fetchedAt,
    ),
  );
  return {
    stores: {
      flight,
      routeFlights,
      metar: new EntityStore(metarKind(weather, weatherHistory, weatherBatch), cache, logger),
      taf: new EntityStore(tafKind(weather, weatherBatch), cache, logger),
    },
    clients: { flights: flightsClient, weather: weatherClient },
    flush,
    async close() {
      await Promise.all(writers.map((w) => w.close()));
    },
  };
}
