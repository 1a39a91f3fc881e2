import { describe, expect, it } from 'vitest';
import { checkCoverage, checkThreshold } from '../../resolvers/pricing/checks.ts';
import { defaultPricing, type PricingConfig } from '../../resolvers/pricing/config.ts';
import { cancelTrials, delayTrials, shrink, smooth, type History } from '../../resolvers/pricing/credibility.ts';
import { applyOddsFactor, factorsFor, fromOdds, odds, oddsRatios, weatherFactor } from '../../resolvers/pricing/odds.ts';
import { ceilToCent, expectedLoss, payoutProbability, premiumFor } from '../../resolvers/pricing/premium.ts';
import { withCommission } from '../../resolvers/pricing/commission.ts';
import { price, type QuoteInput } from '../../resolvers/pricing/quote.ts';

const MINUTE = 60_000;
const now = new Date('2025-02-10T12:00:00Z');

// The worked example: an airline's 17:00 flight in February, MVFR forecast at the origin, VFR at
// the destination, 200 of coverage, default config (m = 30, loading 0.25, fee 1.50).
const history: History = {
  route: { scheduled: 123, cancelled: 3, delayed: 30 }, // 120 operated, 30 of them ≥ threshold late
  airline: { scheduled: 4080, cancelled: 80, delayed: 900 }, // 4000 operated
  origin: { scheduled: 20_400, cancelled: 400, delayed: 4200 }, // 20 000 operated
  network: { scheduled: 1_000_000, cancelled: 15_000, delayed: 197_000 }, // 985 000 operated: delay rate 0.2, cancel 0.015
};

const example: QuoteInput = {
  coverage: 200,
  delayThresholdMinutes: 120,
  history,
  departure: new Date('2025-02-10T22:00:00Z'),
  local: { hour: 17, month: 2 },
  weather: { origin: 'MVFR', destination: 'VFR' },
  soldCoverage: 0,
  now,
};

const quoteOf = (input: Partial<QuoteInput>, config: PricingConfig = defaultPricing) => price({ ...example, ...input }, config);

describe('the worked example, by hand', () => {
  // Delay, among operated flights (m = 30):
  //   p0    = 197 000 / 985 000                      = 0.2
  //   pA    = (900 + 30·0.2) / (4000 + 30)   = 906 / 4030        = 0.224813895782
  //   pO    = (4200 + 30·0.2) / (20 000 + 30) = 4206 / 20 030    = 0.209985022466
  //   prior = (pA + pO) / 2                                      = 0.217399459124
  //   p     = (30 + 30·prior) / (120 + 30)   = 36.521983773719 / 150 = 0.243479891825
  it('smooths the delay rate through network, airline, origin and route', () => {
    const delay = smooth(history, delayTrials, 30);
    expect(delay.network).toBe(0.2);
    expect(delay.airline).toBeCloseTo(0.224813895782, 11);
    expect(delay.origin).toBeCloseTo(0.209985022466, 11);
    expect(delay.prior).toBeCloseTo(0.217399459124, 11);
    expect(delay.p).toBeCloseTo(0.243479891825, 11);
  });

  // Cancellation, among scheduled flights:
  //   q0    = 15 000 / 1 000 000                     = 0.015
  //   qA    = (80 + 30·0.015) / (4080 + 30)  = 80.45 / 4110     = 0.019574209246
  //   qO    = (400 + 0.45) / (20 400 + 30)   = 400.45 / 20 430  = 0.019601076848
  //   prior = (qA + qO) / 2                                     = 0.019587643047
  //   q     = (3 + 30·prior) / (123 + 30)    = 3.587629291403 / 153 = 0.023448557460
  it('smooths the cancellation rate the same way, over scheduled flights', () => {
    const cancel = smooth(history, cancelTrials, 30);
    expect(cancel.network).toBe(0.015);
    expect(cancel.airline).toBeCloseTo(0.019574209246, 11);
    expect(cancel.origin).toBeCloseTo(0.019601076848, 11);
    expect(cancel.prior).toBeCloseTo(0.019587643047, 11);
    expect(cancel.p).toBeCloseTo(0.02344855746, 11);
  });

  // Delay factors: 17:00 → 1.2; February → 1.0. Weather relative risks over their climatological
  // mean 0.76·1 + 0.12·1.3 + 0.07·2 + 0.05·3 = 1.206: MVFR 1.3 / 1.206 = 1.077943615257,
  // VFR 1 / 1.206 = 0.829187396352; F = 1.2 · 1.0 · 1.077943615257 · 0.829187396352 = 1.072580711699.
  // Cancellation: 1.05 · 1.4 · (1.5 / 1.45) · (1 / 1.45) = 882 / 841 = 1.048751486326
  // (mean 0.76 + 0.12·1.5 + 0.07·3 + 0.05·6 = 1.45).
  it('reads the hour, month and both weather factors and multiplies them', () => {
    const delay = factorsFor(defaultPricing.factors.delay, defaultPricing.climate, example.local, example.weather);
    expect(delay.hour).toBe(1.2);
    expect(delay.month).toBe(1);
    expect(delay.weatherOrigin).toBeCloseTo(1.077943615257, 11);
    expect(delay.weatherDestination).toBeCloseTo(0.829187396352, 11);
    expect(delay.product).toBeCloseTo(1.072580711699, 11);
    const cancel = factorsFor(defaultPricing.factors.cancel, defaultPricing.climate, example.local, example.weather);
    expect([cancel.hour, cancel.month]).toEqual([1.05, 1.4]);
    expect(cancel.product).toBeCloseTo(882 / 841, 12);
  });

  // Delay:  odds = 0.243479891825 / 0.756520108175 = 0.321841930166
  //         odds' = 0.321841930166 · 1.072580711699 = 0.345201446512
  //         pD'  = 0.345201446512 / 1.345201446512 = 0.256616915933
  // Cancel: odds = 0.023448557460 / 0.976551442540 = 0.024011594719
  //         odds' · 882/841 = 0.025182195650 → pC' = 0.024563629526
  it('applies the factors on the odds scale', () => {
    const p = smooth(history, delayTrials, 30).p;
    expect(odds(p)).toBeCloseTo(0.321841930166, 11);
    expect(odds(p) * 1.072580711699).toBeCloseTo(0.345201446512, 11);
    expect(fromOdds(0.345201446512)).toBeCloseTo(0.256616915933, 11);
    expect(applyOddsFactor(p, 130_000 / 121_203)).toBeCloseTo(0.256616915933, 11);
    const q = smooth(history, cancelTrials, 30).p;
    expect(odds(q)).toBeCloseTo(0.024011594719, 11);
    expect(applyOddsFactor(q, 882 / 841)).toBeCloseTo(0.024563629526, 11);
  });

  // P(pay)   = 0.024563629526 + 0.975436370474 · 0.256616915933 = 0.274877102605 → risk score 27
  // E[loss]  = 200 · 0.975436370474 · 0.256616915933 + 200 · 0.024563629526
  //          = 50.062694615961 + 4.912725905122 = 54.975420521083
  // gross    = 54.975420521083 · 1.25 + 1.50 = 70.219275651354 → up to the cent: 70.22
  it('prices the expected loss with loading and fee, up to the cent', () => {
    expect(payoutProbability(0.256616915933, 0.024563629526)).toBeCloseTo(0.274877102605, 11);
    expect(expectedLoss(200, 200, 0.256616915933, 0.024563629526)).toBeCloseTo(54.975420521083, 9);
    const { gross, premium } = premiumFor(54.975420521083, defaultPricing);
    expect(gross).toBeCloseTo(70.219275651354, 9);
    expect(premium).toBe(70.22);
  });

  it('comes out of price() as one quote with every number above', () => {
    const quote = price(example);
    expect(quote).toEqual({
      declined: false,
      premium: 70.22,
      currency: 'USD',
      coverage: 200,
      cancelBenefit: 200,
      delayThresholdMinutes: 120,
      probability: expect.closeTo(0.256616915933, 11),
      cancelProbability: expect.closeTo(0.024563629526, 11),
      riskScore: 27,
      breakdown: {
        historical: { flights: 123, onTimeRate: 0.75, p: expect.closeTo(0.243479891825, 11), cancelP: expect.closeTo(0.02344855746, 11) },
        timing: { hour: 1.2, month: 1 },
        weather: { origin: 'MVFR', destination: 'VFR', factor: expect.closeTo(1.3 / 1.206 ** 2, 12), cancelFactor: expect.closeTo(1.5 / 1.45 ** 2, 12) },
        expectedLoss: expect.closeTo(54.975420521083, 9),
        loading: 0.25,
        fee: 1.5,
        commission: 0,
      },
    });
  });

  // Sold by a partner with a 10 % commission: 70.22 · 1.10 = 77.242 → 77.25; at 25 %: 87.775 → 87.78.
  it("adds a partner's commission to the premium, up to the cent, and says so in the breakdown", () => {
    const quote = price(example);
    if (quote.declined) throw new Error('declined');
    expect(withCommission(quote, 0.1)).toMatchObject({ premium: 77.25, riskScore: 27, breakdown: { commission: 0.1, expectedLoss: quote.breakdown.expectedLoss } });
    expect(withCommission(quote, 0.25).premium).toBe(87.78);
    expect(withCommission(quote, 0)).toBe(quote);
    expect(() => withCommission(quote, 1.5)).toThrow(RangeError);
    expect(() => withCommission(quote, Number.NaN)).toThrow(RangeError);
  });
});

describe('credibility', () => {
  it('gives a level with no flights exactly its prior, and one with n = m half its own rate', () => {
    expect(shrink(0, 0, 0.2, 30)).toBe(0.2);
    // 30 flights all delayed, prior 0.2: halfway between 1 and 0.2.
    expect(shrink(30, 30, 0.2, 30)).toBeCloseTo(0.6, 15);
  });

  it('takes the plain mean of airline and origin as the route prior, however many flights each has', () => {
    const lopsided: History = {
      ...history,
      airline: { scheduled: 1000, cancelled: 0, delayed: 400 }, // pA = (400 + 6) / 1030
      origin: { scheduled: 100_000, cancelled: 0, delayed: 10_000 }, // pO = (10 000 + 6) / 100 030
    };
    expect(smooth(lopsided, delayTrials, 30).prior).toBeCloseTo((406 / 1030 + 10_006 / 100_030) / 2, 15);
  });

  it('prices a route with no flights of its own from its prior alone', () => {
    const newRoute = { ...history, route: { scheduled: 0, cancelled: 0, delayed: 0 } };
    const delay = smooth(newRoute, delayTrials, 30);
    expect(delay.p).toBe(delay.prior);
  });

  it('counts a route whose flights were all cancelled as no delay record, and reports no on-time rate', () => {
    // Forty cancellations in forty flights pay too often to sell; the maximum is lifted to see the breakdown.
    const quote = quoteOf({ history: { ...history, route: { scheduled: 40, cancelled: 40, delayed: 0 } } }, { ...defaultPricing, maxProbability: 1 });
    expect(quote.declined).toBe(false);
    if (quote.declined) return;
    expect(quote.breakdown.historical).toMatchObject({ flights: 40, onTimeRate: null, p: expect.closeTo(smooth(history, delayTrials, 30).prior, 15) });
  });
});

describe('odds factors', () => {
  it('leave p alone at factor 1, keep 0 and 1 where they are, and move p the way the factor points', () => {
    expect(applyOddsFactor(0.3, 1)).toBeCloseTo(0.3, 15);
    expect([applyOddsFactor(0, 5), applyOddsFactor(1, 5), applyOddsFactor(1, 0.2)]).toEqual([0, 1, 1]);
    expect(applyOddsFactor(0.5, 3)).toBe(0.75); // odds 1 → 3 → 3/4
    expect(applyOddsFactor(0.5, 1 / 3)).toBe(0.25);
  });

  it('weigh to 1 over the climate the history was flown in, and count an unknown forecast as that average', () => {
    const { climate } = defaultPricing;
    for (const table of [defaultPricing.factors.delay.weather, defaultPricing.factors.cancel.weather]) {
      const average = (['VFR', 'MVFR', 'IFR', 'LIFR'] as const).reduce((sum, c) => sum + climate[c] * weatherFactor(table, climate, c), 0);
      expect(average).toBeCloseTo(1, 12);
      expect(weatherFactor(table, climate, 'UNKNOWN')).toBe(1);
    }
  });

  it('rank LIFR worse than IFR worse than MVFR worse than VFR, and make LIFR hurt cancellations more than delays', () => {
    const rank = (table: PricingConfig['factors']['delay']['weather']) => (['VFR', 'MVFR', 'IFR', 'LIFR'] as const).map((c) => weatherFactor(table, defaultPricing.climate, c));
    const delay = rank(defaultPricing.factors.delay.weather);
    const cancel = rank(defaultPricing.factors.cancel.weather);
    expect(delay).toEqual([...delay].sort((a, b) => a - b));
    expect(cancel).toEqual([...cancel].sort((a, b) => a - b));
    expect(cancel[3]! / cancel[0]!).toBeCloseTo(6, 12);
    expect(delay[3]! / delay[0]!).toBeCloseTo(3, 12);
  });

  it('are centred on 1 in the default tables: hours 06–21, when most flights leave, and the months of a year', () => {
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const tables of [defaultPricing.factors.delay, defaultPricing.factors.cancel]) {
      expect(Math.abs(mean(tables.hour.slice(6, 22)) - 1)).toBeLessThan(0.01);
      expect(Math.abs(mean(tables.month) - 1)).toBeLessThan(0.01);
    }
  });

  it('can be made from historical rates as odds ratios over the overall rate', () => {
    // Overall 0.2 (odds 0.25); an hour at 0.2 is 1, at 0.5 (odds 1) is 4, at 0.1 (odds 1/9) is 4/9.
    const ratios = oddsRatios([0.2, 0.5, 0.1], 0.2);
    expect(ratios[0]).toBe(1);
    expect(ratios[1]).toBe(4);
    expect(ratios[2]).toBeCloseTo(4 / 9, 15);
  });
});

describe('the premium', () => {
  it('rounds up to the next cent, but not a float a hair above a whole cent', () => {
    expect([ceilToCent(70.2192), ceilToCent(70.22), ceilToCent(70.2200001), ceilToCent(0.1 + 0.2), ceilToCent(1.005)]).toEqual([70.22, 70.22, 70.23, 0.3, 1.01]);
  });

  it('is raised to the minimum for a flight that is almost never late', () => {
    const punctual: History = { ...history, route: { scheduled: 500, cancelled: 0, delayed: 0 }, airline: { scheduled: 5000, cancelled: 0, delayed: 5 } };
    const quote = quoteOf({ history: punctual, coverage: 50, weather: { origin: 'VFR', destination: 'VFR' }, local: { hour: 6, month: 9 } });
    // Expected loss ≈ 50 · 0.03: about 2.4 after loading and fee, under the 5.00 minimum.
    expect(quote).toMatchObject({ declined: false, premium: 5 });
  });

  it('is cut to the maximum when a config sets it below the price', () => {
    expect(quoteOf({}, { ...defaultPricing, maxPremium: 50 })).toMatchObject({ declined: false, premium: 50 });
  });

  it('pays a cancellation the configured multiple of the coverage', () => {
    const quote = quoteOf({}, { ...defaultPricing, cancelBenefitRatio: 1.5 });
    expect(quote).toMatchObject({ declined: false, cancelBenefit: 300 });
    // 50.062694615961 + 300 · 0.024563629526 = 57.431783473789; · 1.25 + 1.50 = 73.289729342236.
    expect(quote).toMatchObject({ premium: 73.29, breakdown: { expectedLoss: expect.closeTo(57.431783473789, 9) } });
  });
});

describe('declines', () => {
  it('declines a flight past its scheduled departure, or leaving at this very moment, as DEPARTED', () => {
    for (const departure of [new Date(now.getTime() - MINUTE), now]) {
      expect(quoteOf({ departure })).toEqual({
        declined: true,
        reason: 'DEPARTED',
        message: `The flight was scheduled to leave at ${departure.toISOString()}; a flight can be insured only before it is due to leave.`,
      });
    }
  });

  it('declines within 120 minutes of departure as DEPARTURE_TOO_NEAR, and quotes at exactly 120', () => {
    expect(quoteOf({ departure: new Date(now.getTime() + 120 * MINUTE - 1) })).toEqual({
      declined: true,
      reason: 'DEPARTURE_TOO_NEAR',
      message: 'The flight is scheduled to leave in 119 minutes; quotes close 120 minutes before departure.',
    });
    expect(quoteOf({ departure: new Date(now.getTime() + 120 * MINUTE) }).declined).toBe(false);
  });

  it('declines coverage that would take the flight past its exposure cap, and sells up to the cap exactly', () => {
    expect(quoteOf({ soldCoverage: 49_801 })).toEqual({
      declined: true,
      reason: 'EXPOSURE_CAP',
      message: 'This flight already carries 49801.00 USD of coverage; 200.00 USD more would pass the 50000.00 USD one flight can carry (199.00 USD is left).',
    });
    expect(quoteOf({ soldCoverage: 49_800 }).declined).toBe(false);
  });

  it('declines as THIN_SAMPLE only when the route and its prior are both short of flights', () => {
    const thin = { ...history, route: { scheduled: 29, cancelled: 0, delayed: 5 }, airline: { scheduled: 200, cancelled: 2, delayed: 40 }, origin: { scheduled: 99, cancelled: 1, delayed: 20 } };
    expect(quoteOf({ history: thin })).toEqual({
      declined: true,
      reason: 'THIN_SAMPLE',
      message: 'The airline has 29 recorded flights on this route, and the airline and the origin airport 299 together; pricing needs 30 on the route or 300 behind it.',
    });
    expect(quoteOf({ history: { ...thin, route: { scheduled: 30, cancelled: 0, delayed: 5 } } }).declined).toBe(false);
    expect(quoteOf({ history: { ...thin, origin: { scheduled: 100, cancelled: 1, delayed: 20 } } }).declined).toBe(false);
  });

  it('declines as THIN_SAMPLE when the network has no operated flight to take a base rate from', () => {
    const empty = { scheduled: 0, cancelled: 0, delayed: 0 };
    for (const network of [empty, { scheduled: 10, cancelled: 10, delayed: 0 }]) {
      expect(quoteOf({ history: { ...history, network } })).toEqual({ declined: true, reason: 'THIN_SAMPLE', message: 'There is no flight history to price from yet.' });
    }
  });

  it('declines as PROBABILITY_TOO_HIGH when the chance of paying passes the maximum, and sells at it', () => {
    // The worked example pays with probability 0.274877102605.
    expect(quoteOf({}, { ...defaultPricing, maxProbability: 0.27 })).toEqual({
      declined: true,
      reason: 'PROBABILITY_TOO_HIGH',
      message: 'This flight is delayed or cancelled too often to insure: the chance this policy pays is 27.5 %, above the 27.0 % it can be sold at.',
    });
    expect(quoteOf({}, { ...defaultPricing, maxProbability: 0.275 }).declined).toBe(false);
  });

  it('declines a chronically late route under the default maximum once the forecast turns bad', () => {
    const late = { ...history, route: { scheduled: 300, cancelled: 10, delayed: 150 } };
    expect(quoteOf({ history: late, weather: { origin: 'VFR', destination: 'VFR' } }).declined).toBe(false);
    expect(quoteOf({ history: late, weather: { origin: 'LIFR', destination: 'IFR' } })).toMatchObject({ declined: true, reason: 'PROBABILITY_TOO_HIGH' });
  });

  it('checks in order: departure before exposure before thin history before probability', () => {
    const thin = { ...history, route: { scheduled: 0, cancelled: 0, delayed: 0 }, airline: { scheduled: 0, cancelled: 0, delayed: 0 }, origin: { scheduled: 0, cancelled: 0, delayed: 0 } };
    const everything = { departure: new Date(now.getTime() + MINUTE), soldCoverage: 50_000, history: thin };
    const strict = { ...defaultPricing, maxProbability: 0 };
    const reasons = [
      quoteOf(everything, strict),
      quoteOf({ ...everything, departure: example.departure }, strict),
      quoteOf({ ...everything, departure: example.departure, soldCoverage: 0 }, strict),
      quoteOf({ ...everything, departure: example.departure, soldCoverage: 0, history }, strict),
    ].map((q) => q.declined && q.reason);
    expect(reasons).toEqual(['DEPARTURE_TOO_NEAR', 'EXPOSURE_CAP', 'THIN_SAMPLE', 'PROBABILITY_TOO_HIGH']);
  });
});

describe('argument checks', () => {
  it('accept whole coverage from 50 to 2000 and name the bounds otherwise', () => {
    expect([50, 200, 2000].map((c) => checkCoverage(c, defaultPricing))).toEqual([null, null, null]);
    expect(checkCoverage(49, defaultPricing)).toBe('must be a whole number of USD from 50 to 2000; received 49.');
    expect(checkCoverage(2001, defaultPricing)).toBe('must be a whole number of USD from 50 to 2000; received 2001.');
    expect(checkCoverage(100.5, defaultPricing)).toBe('must be a whole number of USD from 50 to 2000; received 100.5.');
    expect(checkCoverage(Number.NaN, defaultPricing)).toBe('must be a whole number of USD from 50 to 2000; received NaN.');
  });

  it('accept thresholds from 60 to 360 minutes in half-hour steps and name the steps otherwise', () => {
    expect([60, 90, 120, 330, 360].map((t) => checkThreshold(t, defaultPricing))).toEqual([null, null, null, null, null]);
    for (const t of [30, 75, 390, 60.5]) {
      expect(checkThreshold(t, defaultPricing)).toBe(`must be a number of minutes from 60 to 360 in steps of 30 (60, 90, 120 …); received ${t}.`);
    }
  });
});

describe('misuse', () => {
  it('throws when coverage or threshold were not checked first', () => {
    expect(() => quoteOf({ coverage: 10 })).toThrow(new RangeError('Expected a coverage checkCoverage accepts: it must be a whole number of USD from 50 to 2000; received 10.'));
    expect(() => quoteOf({ delayThresholdMinutes: 45 })).toThrow(
      new RangeError('Expected a threshold checkThreshold accepts: it must be a number of minutes from 60 to 360 in steps of 30 (60, 90, 120 …); received 45.'),
    );
  });

  it('throws on counts that do not add up, saying which level and what it received', () => {
    expect(() => quoteOf({ history: { ...history, airline: { scheduled: 100, cancelled: 10, delayed: 91 } } })).toThrow(
      new RangeError('Expected airline history of whole counts with cancelled ≤ scheduled and delayed ≤ scheduled − cancelled; received scheduled 100, cancelled 10, delayed 91.'),
    );
    expect(() => quoteOf({ history: { ...history, route: { scheduled: 10.5, cancelled: 0, delayed: 0 } } })).toThrow(/^Expected route history/);
  });

  it('throws on a local hour or month out of range', () => {
    expect(() => quoteOf({ local: { hour: 24, month: 2 } })).toThrow(new RangeError('Expected a local hour 0–23 and month 1–12; received hour 24, month 2.'));
    expect(() => quoteOf({ local: { hour: 17, month: 0 } })).toThrow(/received hour 17, month 0/);
  });

  it('throws on a factor table with a zero or negative factor', () => {
    const broken = { ...defaultPricing, factors: { ...defaultPricing.factors, delay: { ...defaultPricing.factors.delay, hour: Array(24).fill(0) } } };
    expect(() => quoteOf({}, broken)).toThrow(/^Expected finite factors > 0; received hour 0, month 1,/);
  });

  it('throws on a negative amount already sold', () => {
    expect(() => quoteOf({ soldCoverage: -1 })).toThrow(new RangeError('Expected the coverage already sold to be a finite amount ≥ 0; received -1.'));
  });
});
