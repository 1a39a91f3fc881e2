import { describe, expect, it } from 'vitest';
import { delayOutcome, type DelayInput } from '../../src/sandbox/delays.ts';
import { disruptionAt } from '../../src/sandbox/disruption.ts';
import { outcomeOf, placeOf } from '../../src/sandbox/flights.ts';
import { seeded } from '../../src/sandbox/random.ts';
import { sampleWorld } from '../../src/sandbox/sample-world.ts';
import { createTimetable } from '../../src/sandbox/schedule.ts';
import { addDays, localLabelledUtc, localToUtc } from '../../src/sandbox/time.ts';
import { conditionsAt } from '../../src/sandbox/weather.ts';
import { indexWorld } from '../../src/sandbox/world.ts';

const world = indexWorld(sampleWorld);
const timetable = createTimetable(world);
const operating = timetable.all().filter((t) => !t.operatedBy);
const YEAR = Array.from({ length: 365 }, (_, d) => addDays('2026-01-01', d));

// One pass over a year of the sample world's operating flights (≈19 000), shared by the tests.
const year = YEAR.flatMap((date) =>
  operating.map((template) => {
    const { leg, outcome } = outcomeOf(timetable, template, date);
    return { template, date, leg, outcome, weather: conditionsAt(placeOf(template.origin), leg.departureUtc).category };
  }),
);
const flown = year.filter((f) => !f.outcome.cancelled);
const delayed = flown.filter((f) => f.outcome.departureDelay >= 15);
const share = (part: number, whole: number) => part / whole;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('the delay model over a year of flights', () => {
  it('delays about 20 % of departures by 15 minutes or more', () => {
    // Measured: 20.4 %.
    const rate = share(delayed.length, flown.length);
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.25);
  });

  it('gives delayed flights a heavy tail: median 25–50 minutes, 99th percentile several hours', () => {
    const minutes = delayed.map((f) => f.outcome.departureDelay);
    // Measured: median 36, 90th percentile 105, 99th 279 minutes.
    expect(quantile(minutes, 0.5)).toBeGreaterThanOrEqual(25);
    expect(quantile(minutes, 0.5)).toBeLessThanOrEqual(50);
    expect(quantile(minutes, 0.99)).toBeGreaterThanOrEqual(180);
    expect(Math.min(...minutes)).toBe(15);
  });

  it('cancels 0.5–3 % of flights, about half of them for weather', () => {
    const cancelled = year.filter((f) => f.outcome.cancelled);
    // Measured: 1.35 %, 50 % for weather.
    expect(share(cancelled.length, year.length)).toBeGreaterThan(0.005);
    expect(share(cancelled.length, year.length)).toBeLessThan(0.03);
    const weather = share(cancelled.filter((f) => f.outcome.cancelReason === 'weather').length, cancelled.length);
    expect(weather).toBeGreaterThan(0.3);
    expect(weather).toBeLessThan(0.7);
  });

  it('delays more as the day goes on', () => {
    const rateWhen = (test: (hour: number) => boolean) => {
      const group = flown.filter((f) => test(Math.floor(f.template.departureMinute / 60)));
      return share(group.filter((f) => f.outcome.departureDelay >= 15).length, group.length);
    };
    // Measured: 14.5 % before 10:00, 25.4 % from 16:00.
    expect(rateWhen((h) => h >= 16)).toBeGreaterThan(rateWhen((h) => h < 10) * 1.4);
  });

  it('delays more in bad weather and on bad days, which come in bursts per airport', () => {
    const rate = (group: typeof flown) => share(group.filter((f) => f.outcome.departureDelay >= 15).length, group.length);
    const clear = flown.filter((f) => f.weather === 'VFR');
    const poor = flown.filter((f) => f.weather === 'IFR' || f.weather === 'LIFR');
    expect(rate(poor)).toBeGreaterThan(rate(clear) * 1.5);

    const badDay = flown.filter((f) => disruptionAt(placeOf(f.template.origin), f.leg.departureUtc) > 0.5);
    expect(badDay.length).toBeGreaterThan(100);
    expect(rate(badDay)).toBeGreaterThan(rate(flown) * 1.5);
  });

  it('lets arrival delay follow departure delay, give or take the time made up in the air', () => {
    const gaps = flown.map((f) => f.outcome.arrivalDelay - f.outcome.departureDelay);
    expect(quantile(gaps, 0.5)).toBeLessThan(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(-25);
    expect(quantile(gaps, 0.99)).toBeLessThan(40);
  });

  it('decides the same outcome for the same flight and date, whatever else was asked before', () => {
    const input: DelayInput = {
      flightKey: 'BA|117',
      date: '2026-11-21',
      airline: 'BA',
      origin: 'JFK',
      destination: 'LHR',
      localDepartureHour: 18,
      originWeather: 'IFR',
      destinationWeather: 'VFR',
      disruption: 0.4,
    };
    const first = delayOutcome(input);
    for (let i = 0; i < 50; i++) delayOutcome({ ...input, flightKey: `XX|${i}` });
    expect(delayOutcome(input)).toEqual(first);
  });
});

describe('the timetable', () => {
  it('gives each airline unique numbers, the same on every date, 1–3 daily departures per route', () => {
    for (const airline of world.airlines.keys()) {
      const numbers = timetable.flightsOf(airline).map((t) => t.number);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
    for (const routes of world.routesByAirline.values()) {
      for (const route of routes.filter((r) => !r.codeshare)) {
        const count = timetable.flightsOf(route.airline).filter((t) => !t.operatedBy && t.origin.iata === route.origin && t.destination.iata === route.destination).length;
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(3);
      }
    }
    expect(createTimetable(indexWorld(sampleWorld)).all().map((t) => `${t.airline.iata}${t.number}`)).toEqual(timetable.all().map((t) => `${t.airline.iata}${t.number}`));
  });

  it('departs between 06:00 and 22:00 local and takes longer the farther it goes', () => {
    for (const t of operating) {
      expect(t.departureMinute).toBeGreaterThanOrEqual(6 * 60);
      expect(t.departureMinute).toBeLessThanOrEqual(22 * 60);
      // Cruise at ~800 km/h (6 % faster eastbound, slower westbound) plus half an hour on the ground.
      const cruiseMinutes = (t.distanceKm / 800) * 60;
      expect(t.blockMinutes).toBeGreaterThanOrEqual(Math.floor(0.94 * cruiseMinutes + 27));
      expect(t.blockMinutes).toBeLessThanOrEqual(Math.ceil(1.06 * cruiseMinutes + 33));
    }
  });

  it('sells codeshare numbers only on flights other airlines operate on the same route', () => {
    const marketing = timetable.all().filter((t) => t.operatedBy);
    expect(marketing.length).toBeGreaterThan(0);
    for (const t of marketing) {
      expect(t.operatedBy!.operatedBy).toBeNull();
      expect(t.operatedBy!.airline.iata).not.toBe(t.airline.iata);
      expect([t.origin, t.destination, t.departureMinute]).toEqual([t.operatedBy!.origin, t.operatedBy!.destination, t.operatedBy!.departureMinute]);
      expect(timetable.byNumber(t.operatedBy!.airline.iata, t.operatedBy!.number)).toBe(t.operatedBy);
    }
  });
});

describe('the weather model', () => {
  it('is mostly VFR, sometimes IFR or LIFR, over a year of hours', () => {
    const counts: Record<string, number> = { VFR: 0, MVFR: 0, IFR: 0, LIFR: 0 };
    let n = 0;
    for (const airport of world.airports.values()) {
      for (let hour = 0; hour < 365 * 24; hour += 5) {
        counts[conditionsAt(placeOf(airport), Date.UTC(2026, 0, 1) + hour * 3_600_000).category]!++;
        n++;
      }
    }
    // Measured over 40 synthetic stations: 76 % VFR, 13 % MVFR, 7 % IFR, 5 % LIFR.
    expect(counts.VFR! / n).toBeGreaterThan(0.65);
    expect(counts.VFR! / n).toBeLessThan(0.87);
    expect((counts.IFR! + counts.LIFR!) / n).toBeGreaterThan(0.04);
    expect((counts.IFR! + counts.LIFR!) / n).toBeLessThan(0.2);
  });

  it('follows latitude and season: Sydney warm in January, New York cold, and the reverse in July', () => {
    const mean = (iata: string, month: number) => {
      let sum = 0;
      for (let day = 0; day < 28; day++) for (let hour = 0; hour < 24; hour += 3) sum += conditionsAt(placeOf(world.airports.get(iata)!), Date.UTC(2026, month, day + 1, hour)).temperatureC;
      return sum / (28 * 8);
    };
    expect(mean('SYD', 0)).toBeGreaterThan(mean('SYD', 6) + 5);
    expect(mean('JFK', 6)).toBeGreaterThan(mean('JFK', 0) + 12);
    expect(mean('JFK', 0)).toBeLessThan(6);
    expect(mean('SYD', 0)).toBeGreaterThan(18);
  });

  it('keeps the dew point at or below the temperature and the wind in range', () => {
    for (let hour = 0; hour < 2000; hour += 7) {
      const c = conditionsAt(placeOf(world.airports.get('LHR')!), Date.UTC(2026, 0, 1) + hour * 3_600_000);
      expect(c.dewpointC).toBeLessThanOrEqual(c.temperatureC);
      expect(c.windSpeedKt).toBeGreaterThanOrEqual(0);
      expect(c.windSpeedKt).toBeLessThan(60);
      if (c.gustKt !== null) expect(c.gustKt).toBeGreaterThan(c.windSpeedKt);
    }
  });
});

describe('time zones and randomness', () => {
  it('turns local schedule times into instants across daylight saving changes', () => {
    // New York: EST (UTC−5) until 8 March 2026, EDT (UTC−4) after.
    expect(localToUtc('America/New_York', '2026-03-07', 8 * 60)).toBe(Date.UTC(2026, 2, 7, 13));
    expect(localToUtc('America/New_York', '2026-03-09', 8 * 60)).toBe(Date.UTC(2026, 2, 9, 12));
    // Sydney: AEDT (UTC+11) in January, the day before in UTC.
    expect(localToUtc('Australia/Sydney', '2026-01-15', 7 * 60)).toBe(Date.UTC(2026, 0, 14, 20));
    expect(localLabelledUtc('Australia/Sydney', Date.UTC(2026, 0, 14, 20))).toBe('2026-01-15T07:00:00+00:00');
  });

  it('draws the same numbers for the same key, and different ones for another', () => {
    const draw = (key: string) => {
      const random = seeded(key, 1);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    const random = seeded('normal');
    const normals = Array.from({ length: 20_000 }, () => random.normal());
    const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});
