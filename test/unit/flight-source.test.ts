import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightsFormatError } from '../../src/sources/flights/errors.ts';
import { createFlightSource } from '../../src/sources/flights/source.ts';
import { createHttpClient } from '../../src/sources/http-client.ts';

/** An upstream that ignores `offset`: always the first page, always claiming more. */
function endlessUpstream() {
  const offsets: string[] = [];
  const server = createServer((req, res) => {
    offsets.push(new URL(req.url!, 'http://x').searchParams.get('offset')!);
    const data = Array.from({ length: 100 }, (_, i) => ({
      flight_date: '2026-11-21',
      flight_status: 'scheduled',
      departure: { iata: 'JFK', timezone: 'America/New_York', scheduled: '2026-11-21T08:00:00+00:00' },
      arrival: { iata: 'LHR', timezone: 'Europe/London', scheduled: '2026-11-21T20:00:00+00:00' },
      airline: { name: 'Test', iata: 'TT', icao: 'TTT' },
      flight: { number: String(i + 1), iata: `TT${i + 1}`, icao: `TTT${i + 1}`, codeshared: null },
    }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ pagination: { limit: 100, offset: 0, count: 100, total: 250 }, data }));
  });
  return { server, offsets };
}

describe('the flight source', () => {
  let upstream: ReturnType<typeof endlessUpstream>;
  let url: string;
  beforeAll(async () => {
    upstream = endlessUpstream();
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => (upstream.server as Server).close(() => resolve())));

  it('pages on from the offset it asked for, not the one echoed, and ends where the total says', async () => {
    const http = createHttpClient({ source: 'flights', baseUrl: url, timeoutMs: 2000, retries: 0, pricePerCall: 0, breaker: { failures: 5, resetMs: 1000 } }, () => undefined);
    const flights = await createFlightSource(http, 'key', () => null).byRoute('JFK', 'LHR', '2026-11-21');
    expect(upstream.offsets).toEqual(['0', '100', '200']);
    expect(flights).toHaveLength(300);
  });

  it('stops a listing that never ends after 20 pages instead of paying for it forever', async () => {
    upstream.offsets.length = 0;
    const liar = createServer((req, res) => {
      upstream.offsets.push(new URL(req.url!, 'http://x').searchParams.get('offset')!);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ pagination: { limit: 100, offset: 0, count: 100, total: 1_000_000 }, data: Array.from({ length: 100 }, () => ({ flight_date: '2026-11-21', flight_status: 'scheduled', departure: { iata: 'JFK' }, arrival: { iata: 'LHR' }, airline: { iata: 'TT' }, flight: { number: '1', iata: 'TT1', codeshared: null } })) }));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const http = createHttpClient({ source: 'flights', baseUrl: `http://127.0.0.1:${(liar.address() as AddressInfo).port}/v1`, timeoutMs: 2000, retries: 0, pricePerCall: 0, breaker: { failures: 5, resetMs: 1000 } }, () => undefined);
      await expect(createFlightSource(http, 'key', () => null).byRoute('JFK', 'LHR', '2026-11-21')).rejects.toThrow(FlightsFormatError);
      expect(upstream.offsets).toHaveLength(20);
    } finally {
      await new Promise<void>((resolve) => liar.close(() => resolve()));
    }
  });
});
