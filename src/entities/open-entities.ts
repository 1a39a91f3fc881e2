import type { CacheChain } from '../cache/chain.ts';
import type { FlightDateWindow } from '../context.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { SANDBOX_ACCESS_KEY, startInProcessSandbox } from '../sandbox/in-process.ts';
import type { UpstreamCall } from '../sources/http-client.ts';
import { createEntities, type Entities, type SourceSettings } from './create-entities.ts';

/** The upstreams as configured: a source without a `url` is answered by the in-process sandbox. */
export interface UpstreamSettings {
  flights: Omit<SourceSettings, 'url'> & { url?: string };
  weather: Omit<SourceSettings, 'url'> & { url?: string };
  flightDates: FlightDateWindow;
  /** Upstream answers cached per entity in the tier chain. */
  entityCache: boolean;
  sandbox: { latencyMs: number; jitterMs: number; failureRate: number };
}

export interface OpenedEntities {
  entities: Entities;
  /** The in-process sandbox's address, when it stands in for an upstream. */
  sandboxUrl?: string;
  /** The entities, then the sandbox. */
  close(): Promise<void>;
}

/**
 * Flights and weather over the configured upstreams — or, where none is configured, over the
 * sandbox started here, over HTTP like the real ones: what the server and `contrail warm` read.
 */
export async function openEntities({
  upstreams,
  db,
  cache,
  logger,
  onCall,
}: {
  upstreams: UpstreamSettings;
  db: Database;
  cache: CacheChain | undefined;
  logger: Logger;
  onCall?: (call: UpstreamCall) => void;
}): Promise<OpenedEntities> {
  const { flights, weather, flightDates, entityCache, sandbox: knobs } = upstreams;
  // A day of slack either side: the gateway's window is counted from UTC's today, flights from local ones.
  const sandbox =
    flights.url && weather.url ? undefined : await startInProcessSandbox(db, { ...knobs, pastDays: flightDates.pastDays + 1, futureDays: flightDates.futureDays + 1 });
  if (Boolean(flights.url) !== Boolean(weather.url)) {
    logger.warn({ flights: flights.url ?? 'sandbox', weather: weather.url ?? 'sandbox' }, 'one upstream is real and the other the sandbox: simulated data will be served beside real data');
  }
  const entities = createEntities({
    config: {
      flights: { ...flights, url: flights.url ?? `${sandbox!.url}/v1`, key: flights.url ? flights.key : SANDBOX_ACCESS_KEY },
      weather: { ...weather, url: weather.url ?? sandbox!.url },
    },
    db,
    cache: entityCache ? cache : undefined,
    logger,
    onCall,
  });
  return {
    entities,
    sandboxUrl: sandbox?.url,
    async close() {
      await entities.close();
      await sandbox?.close();
    },
  };
}
