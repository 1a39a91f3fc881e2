import { parseMetar, parseTAF } from 'metar-taf-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleWorld } from '../../src/sandbox/sample-world.ts';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Saturday 21 November 2026, 10:00 in New York (EST, UTC−5), 15:00 in London.
const NOW = Date.UTC(2026, 10, 21, 15, 0);
const TODAY = '2026-11-21';

let sandbox: Sandbox;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  sandbox = createSandbox(sampleWorld, { now: () => NOW });
  ({ url, close } = await sandbox.listen(0));
});
afterAll(() => close());
beforeEach(() => {
  sandbox.control.reset();
  sandbox.stats.reset();
});

type Json = Record<string, any>;

async function get(path: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`${url}${path}${query ? `?${query}` : ''}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function flights(params: Record<string, string>) {
  const answer = await get('/v1/flights', { access_key: 'sandbox-key', ...params });
  return { ...answer, body: JSON.parse(answer.text) as Json };
}

async function weather(kind: 'metar' | 'taf', params: Record<string, string>) {
  const answer = await get(`/api/data/${kind}`, { format: 'json', ...params });
  return { ...answer, body: answer.text ? (JSON.parse(answer.text) as Json[]) : null };
}

/** BA's 08:00 from JFK, whatever number the timetable gave it. */
async function baMorningFlight(date = TODAY): Promise<Json> {
  const { body } = await flights({ dep_iata: 'JFK', arr_iata: 'LHR', flight_date: date });
  return body.data.find((f: Json) => f.airline.iata === 'BA' && f.departure.scheduled === `${date}T08:00:00+00:00`);
}

describe('AviationStack /v1/flights', () => {
  it('answers the same URL with the same bytes, from any instance built from the same world', async () => {
    const params = { dep_iata: 'JFK', flight_date: TODAY };
    const first = await flights(params);
    const second = await flights(params);
    const other = createSandbox(sampleWorld, { now: () => NOW });
    const { url: otherUrl, close: closeOther } = await other.listen(0);
    const third = await fetch(`${otherUrl}/v1/flights?${new URLSearchParams({ access_key: 'another-key', ...params })}`).then((r) => r.text());
    await closeOther();
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(third).toBe(first.text);
  });

  it("labels airport-local times +00:00, as the real service does: JFK's 08:00 is T08:00:00+00:00", async () => {
    const flight = await baMorningFlight();
    expect(flight.departure).toMatchObject({ iata: 'JFK', icao: 'KJFK', timezone: 'America/New_York', scheduled: '2026-11-21T08:00:00+00:00' });
    // 08:00 EST is 13:00 UTC; London is on UTC in November, so its label is the true instant.
    const blockMs = Date.parse(flight.arrival.scheduled) - Date.UTC(2026, 10, 21, 13, 0);
    expect(blockMs / 3_600_000).toBeGreaterThan(6);
    expect(blockMs / 3_600_000).toBeLessThan(7.5);
    expect(flight.arrival).toMatchObject({ iata: 'LHR', timezone: 'Europe/London' });
  });

  it('sends every documented field, in the documented order', async () => {
    const { body } = await flights({ dep_iata: 'JFK', flight_date: TODAY });
    expect(Object.keys(body)).toEqual(['pagination', 'data']);
    for (const f of body.data) {
      expect(Object.keys(f)).toEqual(['flight_date', 'flight_status', 'departure', 'arrival', 'airline', 'flight', 'aircraft', 'live']);
      const common = ['airport', 'timezone', 'iata', 'icao', 'terminal', 'gate'];
      const times = ['delay', 'scheduled', 'estimated', 'actual', 'estimated_runway', 'actual_runway'];
      expect(Object.keys(f.departure)).toEqual([...common, ...times]);
      expect(Object.keys(f.arrival)).toEqual([...common, 'baggage', ...times]);
      expect(Object.keys(f.airline)).toEqual(['name', 'iata', 'icao']);
      expect(Object.keys(f.flight)).toEqual(['number', 'iata', 'icao', 'codeshared']);
      if (f.aircraft) expect(Object.keys(f.aircraft)).toEqual(['registration', 'iata', 'icao', 'icao24']);
      expect(['scheduled', 'active', 'landed', 'cancelled', 'incident', 'diverted']).toContain(f.flight_status);
      expect(f.departure.scheduled).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    }
  });

  it('finds one flight by flight_iata and flight_date, the same route at the same local time every day', async () => {
    const flight = await baMorningFlight();
    const days = await Promise.all(['2026-11-20', TODAY, '2026-11-25'].map((d) => flights({ flight_iata: flight.flight.iata, flight_date: d })));
    for (const [i, { body }] of days.entries()) {
      expect(body.pagination).toEqual({ limit: 100, offset: 0, count: 1, total: 1 });
      expect(body.data[0]).toMatchObject({
        flight_date: ['2026-11-20', TODAY, '2026-11-25'][i],
        departure: { iata: 'JFK' },
        arrival: { iata: 'LHR' },
        flight: { iata: flight.flight.iata, icao: `BAW${flight.flight.number}`, codeshared: null },
      });
      expect(body.data[0].departure.scheduled.slice(10)).toBe('T08:00:00+00:00');
    }
    const byIcao = await flights({ flight_icao: `BAW${flight.flight.number}`, flight_date: TODAY });
    expect(byIcao.body.data).toEqual((await flights({ flight_iata: flight.flight.iata, flight_date: TODAY })).body.data);
  });

  it("answers a codeshare number with the marketing record, `codeshared` naming the operating flight in lower case", async () => {
    const { body } = await flights({ dep_iata: 'JFK', arr_iata: 'LHR', flight_date: TODAY });
    const marketing = body.data.find((f: Json) => f.airline.iata === 'AA');
    expect(marketing).toBeDefined();
    const operating = body.data.find((f: Json) => f.flight.iata === marketing.flight.codeshared.flight_iata.toUpperCase());
    expect(marketing.flight.codeshared).toEqual({
      airline_name: 'british airways',
      airline_iata: 'ba',
      airline_icao: 'baw',
      flight_number: operating.flight.number,
      flight_iata: operating.flight.iata.toLowerCase(),
      flight_icao: operating.flight.icao.toLowerCase(),
    });
    expect(Number(marketing.flight.number)).toBeGreaterThanOrEqual(3000);
    expect(operating.flight.codeshared).toBeNull();
    // One aircraft, one set of times: only the number and the seller differ.
    expect(marketing.departure).toEqual(operating.departure);
    expect(marketing.arrival).toEqual(operating.arrival);
    expect(marketing.flight_status).toBe(operating.flight_status);

    const byNumber = await flights({ flight_iata: marketing.flight.iata, flight_date: TODAY });
    expect(byNumber.body.data).toEqual([marketing]);
  });

  it('pages with limit and offset, pagination counting the page and the whole listing', async () => {
    const all = (await flights({ dep_iata: 'LAX', flight_date: TODAY })).body;
    const total = all.pagination.total;
    expect(total).toBeGreaterThan(6);
    expect(all.pagination).toEqual({ limit: 100, offset: 0, count: total, total });

    const pages: Json[] = [];
    for (let offset = 0; offset < total; offset += 4) {
      const page = (await flights({ dep_iata: 'LAX', flight_date: TODAY, limit: '4', offset: String(offset) })).body;
      expect(page.pagination).toEqual({ limit: 4, offset, count: Math.min(4, total - offset), total });
      pages.push(...page.data);
    }
    expect(pages).toEqual(all.data);
    const beyond = (await flights({ dep_iata: 'LAX', flight_date: TODAY, offset: String(total) })).body;
    expect(beyond).toEqual({ pagination: { limit: 100, offset: total, count: 0, total }, data: [] });
  });

  it("answers a missing or empty access_key with AviationStack's 401 body", async () => {
    const expected = {
      error: { code: 'missing_access_key', message: 'You have not supplied an API Access Key. [Required format: access_key=YOUR_ACCESS_KEY]' },
    };
    for (const params of [{ dep_iata: 'JFK' }, { access_key: '', dep_iata: 'JFK' }] as Record<string, string>[]) {
      const answer = await get('/v1/flights', params);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual(expected);
    }
  });

  it('refuses keys it was not given when created with access keys, and bad parameters with validation_error', async () => {
    const strict = createSandbox(sampleWorld, { now: () => NOW, aviationstack: { accessKeys: ['good'] } });
    const { url: strictUrl, close: closeStrict } = await strict.listen(0);
    const wrong = await fetch(`${strictUrl}/v1/flights?access_key=bad&dep_iata=JFK`);
    const right = await fetch(`${strictUrl}/v1/flights?access_key=good&dep_iata=JFK`);
    await closeStrict();
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_access_key');
    expect(right.status).toBe(200);

    const invalid = await flights({ dep_iata: 'JFK', flight_date: '2026-02-30', limit: '101' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('validation_error');
    expect(Object.keys(invalid.body.error.context).sort()).toEqual(['flight_date', 'limit']);
    expect(invalid.body.error.context.flight_date[0].key).toBe('invalid_flight_date');
  });

  it('answers future dates up to 7 days ahead as scheduled, and nothing beyond', async () => {
    const soon = (await flights({ dep_iata: 'JFK', flight_date: '2026-11-26' })).body;
    expect(soon.pagination.total).toBeGreaterThan(0);
    for (const f of soon.data) {
      expect(f.flight_status).toBe('scheduled');
      expect(f.departure).toMatchObject({ actual: null, delay: null });
      expect(f.departure.estimated).toBe(f.departure.scheduled);
    }
    expect((await flights({ dep_iata: 'JFK', flight_date: '2026-11-29' })).body.pagination.total).toBe(0);
  });

  it('answers past dates with final statuses whose times agree with their delays', async () => {
    for (const date of ['2026-10-03', '2026-11-14', '2026-11-20']) {
      const { body } = await flights({ flight_date: date, limit: '100' });
      for (const f of body.data) {
        expect(['landed', 'cancelled', 'diverted', 'incident']).toContain(f.flight_status);
        if (f.flight_status !== 'landed') continue;
        const late = (end: Json) => (Date.parse(end.actual) - Date.parse(end.scheduled)) / 60_000;
        expect(f.departure.delay).toBe(late(f.departure) > 0 ? late(f.departure) : null);
        expect(f.arrival.delay).toBe(late(f.arrival) > 0 ? late(f.arrival) : null);
        expect(f.departure.actual_runway >= f.departure.actual).toBe(true);
        expect(f.arrival.actual_runway <= f.arrival.actual).toBe(true);
      }
    }
  });

  it("gives today's flights the status their times say at the sandbox's clock", async () => {
    const { body } = await flights({ flight_date: TODAY });
    const statuses = new Set<string>();
    for (const f of body.data) {
      statuses.add(f.flight_status);
      // Labels are local; the zone's offset at the instant turns them back into UTC.
      const utc = (label: string | null, tz: string) => (label === null ? null : Date.parse(label) - offsetMs(tz, Date.parse(label)));
      const departed = utc(f.departure.actual, f.departure.timezone);
      const arrived = utc(f.arrival.actual, f.arrival.timezone);
      if (f.flight_status === 'scheduled') expect(departed).toBeNull();
      if (f.flight_status === 'active') expect(departed! <= NOW && arrived === null).toBe(true);
      if (f.flight_status === 'landed') expect(arrived! <= NOW).toBe(true);
    }
    expect(statuses).toContain('scheduled');
    expect([...statuses].some((s) => s === 'active' || s === 'landed')).toBe(true);
  });
});

/** A zone's offset from UTC near a local instant, via Intl (the test's own, not the sandbox's). */
function offsetMs(timeZone: string, labelMs: number): number {
  const text = new Date(labelMs).toLocaleString('en-US', { timeZone, hourCycle: 'h23' });
  return Date.parse(`${text} UTC`) - labelMs;
}

describe('aviationweather.gov /api/data', () => {
  it('answers METARs for the known ids in the order asked, leaving unknown stations out', async () => {
    const { status, body, headers } = await weather('metar', { ids: 'EGLL,XXXX,KJFK' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(body!.map((m) => m.icaoId)).toEqual(['EGLL', 'KJFK']);
    expect(Object.keys(body![1]!)).toEqual(expect.arrayContaining(['icaoId', 'receiptTime', 'obsTime', 'reportTime', 'temp', 'dewp', 'wdir', 'wspd', 'visib', 'altim', 'qcField', 'metarType', 'rawOb', 'lat', 'lon', 'elev', 'name', 'cover', 'clouds', 'fltCat']));
  });

  it('answers 204 with an empty body when no station asked for is known, and 400 without ids', async () => {
    const none = await get('/api/data/metar', { ids: 'XXXX,ZZZZ', format: 'json' });
    expect(none).toMatchObject({ status: 204, text: '' });
    // An airport without routes reports METARs but issues no TAF.
    expect((await weather('metar', { ids: 'KTEB' })).status).toBe(200);
    expect((await weather('taf', { ids: 'KTEB' })).status).toBe(204);
    const missing = await get('/api/data/taf', { format: 'json' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toEqual({ status: 'error', error: 'Missing value for ids' });
  });

  it('answers `hours` with one observation an hour, newest first, each received before now', async () => {
    const { body } = await weather('metar', { ids: 'KJFK', hours: '5' });
    const times = body!.map((m) => m.obsTime);
    expect(times.length === 4 || times.length === 5).toBe(true);
    expect(times.slice(1).map((t, i) => times[i]! - t)).toEqual(Array(times.length - 1).fill(3600));
    expect(NOW / 1000 - times.at(-1)!).toBeLessThanOrEqual(5 * 3600);
    expect(Date.parse(body![0]!.receiptTime)).toBeLessThanOrEqual(NOW);
    expect(NOW / 1000 - times[0]!).toBeLessThan(3600);
  });

  it('writes METAR text that metar-taf-parser reads back to the JSON fields', async () => {
    const ids = sampleWorld.airports.map((a) => a.icao).join(',');
    const { body } = await weather('metar', { ids, hours: '72' });
    // 72 hours back holds 71 or 72 observations, depending on the minute each station reports at.
    expect(body!.length).toBeGreaterThanOrEqual(9 * 71);
    const categories = new Set<string>();
    for (const m of body!) {
      const parsed = parseMetar(m.rawOb);
      categories.add(m.fltCat);
      expect(parsed.station).toBe(m.icaoId);
      const observed = new Date(m.obsTime * 1000);
      expect([parsed.day, parsed.hour, parsed.minute]).toEqual([observed.getUTCDate(), observed.getUTCHours(), observed.getUTCMinutes()]);
      // Wind: calm is 0/0, variable is "VRB".
      expect(parsed.wind!.speed).toBe(m.wspd);
      expect(parsed.wind!.gust).toBe(m.wgst);
      if (m.wdir === 'VRB') expect(parsed.wind!.direction).toBe('VRB');
      else expect(parsed.wind!.degrees).toBe(m.wdir);
      // Temperature: whole degrees in the body, tenths in the US T group.
      expect(Math.abs(parsed.temperature! - m.temp)).toBeLessThanOrEqual(0.5);
      const tenths = parsed.remarks.find((r) => r.type === 'HourlyTemperatureDewPoint') as { temperature?: number } | undefined;
      if (m.icaoId.startsWith('K')) expect(tenths?.temperature).toBe(m.temp);
      // Visibility: statute miles or metres, "10+" and "6+" at the top of the scale.
      const v = parsed.visibility;
      if (parsed.cavok || (v?.unit === 'm' && v.value === 9999)) expect(m.visib).toBe('6+');
      else if (v?.unit === 'SM' && v.value === 10) expect(m.visib).toBe('10+');
      else if (v?.unit === 'SM') expect(m.visib).toBe(v.value);
      else expect(m.visib).toBeCloseTo(v!.value / 1609.344, 2);
      // Pressure: hPa in the JSON whatever the text uses.
      const altimeter = parsed.altimeter!;
      expect(altimeter.unit === 'inHg' ? Math.abs(altimeter.value * 33.8639 - m.altim) : Math.abs(altimeter.value - m.altim)).toBeLessThan(0.2);
      // Clouds, or the obscured sky as OVX with its vertical visibility.
      if (parsed.verticalVisibility) {
        expect(m.clouds).toEqual([{ cover: 'OVX', base: parsed.verticalVisibility }]);
        expect(m.vertVis).toBe(parsed.verticalVisibility / 100);
      } else {
        expect(m.clouds).toEqual(parsed.clouds.filter((c) => c.height !== undefined).map((c) => ({ cover: c.quantity, base: c.height })));
      }
      const weatherText = parsed.weatherConditions.map((w) => `${w.intensity ?? ''}${w.descriptive ?? ''}${w.phenomenons.join('')}`);
      expect(m.wxString ?? '').toBe(weatherText.join(' '));
    }
    expect(categories.size).toBeGreaterThanOrEqual(3);
  });

  it('writes TAF text that metar-taf-parser reads back to the JSON forecast periods', async () => {
    const ids = sampleWorld.airports.map((a) => a.icao).join(',');
    const changes = new Set<string>();
    // Forecasts issued over three days, every 6 hours.
    for (let hoursBack = 0; hoursBack < 72; hoursBack += 6) {
      const date = new Date(NOW - hoursBack * 3_600_000).toISOString();
      const { body } = await weather('taf', { ids, date });
      expect(body!.map((t) => t.icaoId)).toEqual(sampleWorld.airports.filter((a) => a.iata !== 'TEB').map((a) => a.icao));
      for (const taf of body!) {
        const parsed = parseTAF(taf.rawTAF);
        expect(parsed.station).toBe(taf.icaoId);
        expect((taf.validTimeFrom * 1000) % (6 * 3_600_000)).toBe(0);
        expect([24, 30]).toContain((taf.validTimeTo - taf.validTimeFrom) / 3600);
        expect(Date.parse(taf.issueTime)).toBeLessThan(taf.validTimeFrom * 1000);
        const from = new Date(taf.validTimeFrom * 1000);
        expect([parsed.validity.startDay, parsed.validity.startHour]).toEqual([from.getUTCDate(), from.getUTCHours()]);
        const [base, ...periods] = taf.fcsts;
        expect(parsed.wind!.speed).toBe(base.wspd);
        expect(parsed.trends.map((t) => t.type)).toEqual(periods.map((p: Json) => p.fcstChange));
        for (const [i, trend] of parsed.trends.entries()) {
          const p = periods[i];
          changes.add(p.fcstChange);
          const start = new Date(p.timeFrom * 1000);
          expect([trend.validity.startDay, trend.validity.startHour]).toEqual([start.getUTCDate(), start.getUTCHours()]);
          if (p.fcstChange === 'PROB') expect((trend as { probability?: number }).probability).toBe(p.probability);
          if (p.wspd !== null) expect(trend.wind?.speed).toBe(p.wspd);
        }
      }
    }
    // US stations forecast lasting changes with FM, the others with BECMG; both use TEMPO.
    for (const change of ['FM', 'BECMG', 'TEMPO']) expect(changes).toContain(change);
  });

  it('answers format=raw with the report text, one per line', async () => {
    const raw = await get('/api/data/metar', { ids: 'KJFK,EGLL' });
    const json = (await weather('metar', { ids: 'KJFK,EGLL' })).body!;
    expect(raw.status).toBe(200);
    expect(raw.text).toBe(json.map((m) => `${m.rawOb}\n`).join(''));
  });
});

describe('knobs', () => {
  it('answers every call of an upstream in outage with a fast 503, the other upstream unaffected', async () => {
    sandbox.control.set({ aviationstack: { outage: true, latencyMs: 2000 } });
    const started = performance.now();
    const down = await get('/v1/flights', { access_key: 'k', dep_iata: 'JFK' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(down.status).toBe(503);
    expect(down.text).toContain('503 Service Temporarily Unavailable');
    expect((await weather('metar', { ids: 'KJFK' })).status).toBe(200);

    const off = await fetch(`${url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ aviationstack: { outage: false, latencyMs: 0 } }) });
    expect(off.status).toBe(200);
    expect((await off.json()).aviationstack).toMatchObject({ outage: false, latencyMs: 0 });
    expect((await flights({ dep_iata: 'JFK' })).status).toBe(200);
  });

  it('fails the share of calls the failure rate asks for, with 500s and 503s, the same calls for the same seed', async () => {
    async function run(): Promise<number[]> {
      const s = createSandbox(sampleWorld, { now: () => NOW, seed: 'failures', knobs: { aviationweather: { failureRate: 0.3 } } });
      const { url: u, close: c } = await s.listen(0);
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await fetch(`${u}/api/data/metar?ids=KJFK&format=json`)).status);
      await c();
      return statuses;
    }
    const first = await run();
    const failed = first.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(15);
    expect(failed.length).toBeLessThan(45);
    expect(new Set(failed)).toEqual(new Set([500, 503]));
    expect(await run()).toEqual(first);

    sandbox.control.set({ aviationstack: { failureRate: 1 } });
    for (let i = 0; i < 5; i++) expect([500, 503]).toContain((await get('/v1/flights', { access_key: 'k', dep_iata: 'JFK' })).status);
  });

  it('adds the latency asked for, within its jitter', async () => {
    sandbox.control.set({ aviationweather: { latencyMs: 150, jitterMs: 50 } });
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      expect((await weather('metar', { ids: 'KJFK' })).status).toBe(200);
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(99);
      expect(took).toBeLessThan(600);
    }
  });

  it('answers 429 usage_limit_reached once the plan allows no more calls', async () => {
    sandbox.control.set({ aviationstack: { usageLimit: 2 } });
    expect((await flights({ dep_iata: 'JFK' })).status).toBe(200);
    expect((await flights({ dep_iata: 'JFK' })).status).toBe(200);
    const refused = await flights({ dep_iata: 'JFK' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('usage_limit_reached');
  });

  it('answers a frozen instant set over HTTP, and refuses a knob out of range naming it', async () => {
    const freeze = await fetch(`${url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ frozenAt: '2026-11-21T00:00:00Z' }) });
    expect(freeze.status).toBe(200);
    const { body } = await flights({ dep_iata: 'JFK', flight_date: TODAY });
    expect(new Set(body.data.map((f: Json) => f.flight_status))).toEqual(new Set(['scheduled']));

    const bad = await fetch(`${url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ aviationweather: { failureRate: 2 } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^aviationweather\.failureRate: /);
  });
});

describe('stats', () => {
  it('counts calls per endpoint, flight, route and station, and keeps the URLs with keys masked', async () => {
    const flight = await baMorningFlight();
    await flights({ flight_iata: flight.flight.iata, flight_date: TODAY });
    await weather('metar', { ids: 'KJFK,EGLL' });
    await weather('taf', { ids: 'KJFK' });
    await get('/v1/flights', { dep_iata: 'JFK' });

    const stats = await fetch(`${url}/__sandbox/stats`).then((r) => r.json());
    expect(stats.calls).toEqual({ '/v1/flights': 3, '/api/data/metar': 1, '/api/data/taf': 1 });
    expect(stats.statuses['/v1/flights']).toEqual({ 200: 2, 401: 1 });
    expect(stats.flights).toEqual({ [flight.flight.iata]: 1 });
    expect(stats.routes).toEqual({ 'JFK-LHR': 1, 'JFK-': 1 });
    expect(stats.stations).toEqual({ KJFK: 2, EGLL: 1 });
    expect(stats.cost).toEqual({ aviationstack: 0.019996, aviationweather: 0, total: 0.019996 });
    expect(stats.requests).toEqual([
      `/v1/flights?access_key=***&dep_iata=JFK&arr_iata=LHR&flight_date=${TODAY}`,
      `/v1/flights?access_key=***&flight_iata=${flight.flight.iata}&flight_date=${TODAY}`,
      '/api/data/metar?format=json&ids=KJFK%2CEGLL',
      '/api/data/taf?format=json&ids=KJFK',
      '/v1/flights?dep_iata=JFK',
    ]);

    const reset = await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' }).then((r) => r.json());
    expect(reset.calls).toEqual({ '/v1/flights': 0, '/api/data/metar': 0, '/api/data/taf': 0 });
    expect(reset.requests).toEqual([]);
  });
});
