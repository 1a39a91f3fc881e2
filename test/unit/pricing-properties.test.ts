import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPricing, type FactorTables, type PricingConfig, type WeatherCategory } from '../../resolvers/pricing/config.ts';
import { cancelTrials, delayTrials, smooth, type Counts, type History } from '../../resolvers/pricing/credibility.ts';
import type { Declined } from '../../resolvers/pricing/decline.ts';
import { applyOddsFactor } from '../../resolvers/pricing/odds.ts';
import { premiumFor } from '../../resolvers/pricing/premium.ts';
import { withCommission } from '../../resolvers/pricing/commission.ts';
import { price, type Quote, type QuoteInput } from '../../resolvers/pricing/quote.ts';

const RUNS = { numRuns: 1000 };
const MINUTE = 60_000;
const now = new Date('2025-06-01T08:00:00Z');

/** Counts that add up: cancelled ≤ scheduled, delayed ≤ operated; rates anywhere in [0, 1], ends included. */
const countsUpTo = (max: number) =>
  fc
    .record({ scheduled: fc.integer({ min: 0, max }), cancelRate: fc.double({ min: 0, max: 1, noNaN: true }), delayRate: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ scheduled, cancelRate, delayRate }): Counts => {
      const cancelled = Math.floor(scheduled * cancelRate);
      return { scheduled, cancelled, delayed: Math.floor((scheduled - cancelled) * delayRate) };
    });

/** A history the model can price: the network has operated flights (thin ones are tested apart). */
const pricedHistory = fc
  .record({ route: countsUpTo(2000), airline: countsUpTo(50_000), origin: countsUpTo(100_000), network: countsUpTo(2_000_000) })
  .filter((h) => delayTrials(h.network).trials > 0);

/** Any history, thin ones included, with small counts common so the sample limits are crossed. */
const anyHistory = fc.record({ route: countsUpTo(60), airline: countsUpTo(400), origin: countsUpTo(400), network: countsUpTo(1_000_000) });

const category = fc.constantFrom<WeatherCategory>('VFR', 'MVFR', 'IFR', 'LIFR', 'UNKNOWN');
const coverage = fc.integer({ min: defaultPricing.coverage.min, max: defaultPricing.coverage.max });
const threshold = fc.integer({ min: 0, max: 10 }).map((i) => 60 + 30 * i);

const input = (history: fc.Arbitrary<History>) =>
  fc.record({
    coverage,
    delayThresholdMinutes: threshold,
    history,
    departure: fc.integer({ min: 121, max: 60 * 24 * 30 }).map((minutes) => new Date(now.getTime() + minutes * MINUTE)),
    local: fc.record({ hour: fc.integer({ min: 0, max: 23 }), month: fc.integer({ min: 1, max: 12 }) }),
    weather: fc.record({ origin: category, destination: category }),
    soldCoverage: fc.integer({ min: 0, max: 40_000 }),
    now: fc.constant(now),
  }) satisfies fc.Arbitrary<QuoteInput>;

/** Any factor > 0, across twelve orders of magnitude. */
const factor = fc.double({ min: 1e-6, max: 1e6, noNaN: true });
const tables: fc.Arbitrary<FactorTables> = fc.record({
  hour: fc.array(factor, { minLength: 24, maxLength: 24 }),
  month: fc.array(factor, { minLength: 12, maxLength: 12 }),
  weather: fc.record({ VFR: factor, MVFR: factor, IFR: factor, LIFR: factor }),
});

const isQuote = (q: Quote | Declined): q is Quote => !q.declined;
const payout = (q: Quote) => q.cancelProbability + (1 - q.cancelProbability) * q.probability;

describe('probabilities', () => {
  it('stay in [0, 1] at every level for any counts, any credibility and any factor > 0', () => {
    fc.assert(
      fc.property(pricedHistory, fc.integer({ min: 1, max: 1000 }), factor, (history, m, f) => {
        for (const trials of [delayTrials, cancelTrials]) {
          const s = smooth(history, trials, m);
          for (const p of [s.network, s.airline, s.origin, s.prior, s.p, applyOddsFactor(s.p, f)]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
        }
      }),
      RUNS,
    );
  });

  it('stay in [0, 1] in every quote, with any factor tables, and the risk score in 0–100', () => {
    fc.assert(
      fc.property(input(pricedHistory), tables, tables, (quoteInput, delay, cancel) => {
        const quote = price(quoteInput, { ...defaultPricing, maxProbability: 1, factors: { delay, cancel } });
        if (!isQuote(quote)) return;
        for (const p of [quote.probability, quote.cancelProbability, quote.breakdown.historical.p, quote.breakdown.historical.cancelP]) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        expect(quote.riskScore).toBeGreaterThanOrEqual(0);
        expect(quote.riskScore).toBeLessThanOrEqual(100);
      }),
      RUNS,
    );
  });
});

describe('the premium', () => {
  it('never falls as coverage rises, all else fixed', () => {
    fc.assert(
      fc.property(input(pricedHistory), coverage, (quoteInput, other) => {
        const [low, high] = [quoteInput.coverage, other].sort((a, b) => a - b) as [number, number];
        const a = price({ ...quoteInput, coverage: low });
        const b = price({ ...quoteInput, coverage: high });
        if (isQuote(a) && isQuote(b)) expect(b.premium).toBeGreaterThanOrEqual(a.premium);
      }),
      RUNS,
    );
  });

  it('never falls as the threshold falls: a lower threshold counts at least the same delays at every level', () => {
    // `extra` adds delays that were under the higher threshold but over the lower one.
    const withMoreDelays = (h: History, extra: Record<keyof History, number>): History => {
      const more = (c: Counts, share: number): Counts => ({ ...c, delayed: c.delayed + Math.floor((c.scheduled - c.cancelled - c.delayed) * share) });
      return { route: more(h.route, extra.route), airline: more(h.airline, extra.airline), origin: more(h.origin, extra.origin), network: more(h.network, extra.network) };
    };
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    const twoThresholds = fc.tuple(threshold, threshold).filter(([a, b]) => a !== b).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(input(pricedHistory), fc.record({ route: share, airline: share, origin: share, network: share }), twoThresholds, (quoteInput, extra, [low, high]) => {
        const a = price({ ...quoteInput, delayThresholdMinutes: high });
        const b = price({ ...quoteInput, delayThresholdMinutes: low, history: withMoreDelays(quoteInput.history, extra) });
        // More delays can only turn a quote into a decline for probability, never the reverse.
        if (!a.declined && b.declined) expect(b.reason).toBe('PROBABILITY_TOO_HIGH');
        if (a.declined) expect(b).toMatchObject({ declined: true, reason: a.reason });
        if (isQuote(a) && isQuote(b)) {
          expect(b.probability).toBeGreaterThanOrEqual(a.probability);
          expect(b.premium).toBeGreaterThanOrEqual(a.premium);
        }
      }),
      RUNS,
    );
  });

  it('is within [minPremium, maxPremium] whenever a quote is given, whatever the bounds', () => {
    // Whole cents, as a configured amount is.
    const bounds = fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 100_000 })).map(([min, width]) => ({ minPremium: min / 100, maxPremium: (min + width) / 100 }));
    fc.assert(
      fc.property(input(pricedHistory), bounds, (quoteInput, { minPremium, maxPremium }) => {
        const config: PricingConfig = { ...defaultPricing, minPremium, maxPremium };
        const quote = price(quoteInput, config);
        if (!isQuote(quote)) return;
        expect(quote.premium).toBeGreaterThanOrEqual(config.minPremium);
        expect(quote.premium).toBeLessThanOrEqual(config.maxPremium);
        expect(Math.round(quote.premium * 100) / 100).toBe(quote.premium);
      }),
      RUNS,
    );
  });

  it('is never cut by the default maximum: no default quote is sold under its expected cost', () => {
    fc.assert(
      fc.property(input(pricedHistory), (quoteInput) => {
        const quote = price(quoteInput);
        if (!isQuote(quote)) return;
        expect(premiumFor(quote.breakdown.expectedLoss, defaultPricing).gross).toBeLessThanOrEqual(defaultPricing.maxPremium);
        expect(quote.premium).toBeGreaterThanOrEqual(quote.breakdown.expectedLoss * (1 + defaultPricing.loading) + defaultPricing.fee - 1e-9);
      }),
      RUNS,
    );
  });
});

describe('quotes', () => {
  it('are identical for identical inputs, and leave the input as it was', () => {
    fc.assert(
      fc.property(input(anyHistory), (quoteInput) => {
        const copy = structuredClone(quoteInput);
        const first = price(quoteInput);
        expect(price(copy)).toEqual(first);
        expect(quoteInput).toEqual(copy);
      }),
      RUNS,
    );
  });

  it('are declined exactly when a condition holds, for the first condition in the order checked', () => {
    const cap = defaultPricing.exposureCap;
    const cases = fc.record({
      quoteInput: input(anyHistory),
      // Minutes to departure around both edges (0 and 120), as often as far from them.
      minutesToGo: fc.oneof(fc.constantFrom(-1, 0, 119, 120), fc.double({ min: -600, max: 600, noNaN: true }), fc.integer({ min: 121, max: 10_000 })),
      // Coverage left under the cap after this policy: negative passes it.
      headroom: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -cap, max: cap })),
    });
    fc.assert(
      fc.property(cases, ({ quoteInput, minutesToGo, headroom }) => {
        const sample: QuoteInput = {
          ...quoteInput,
          departure: new Date(now.getTime() + minutesToGo * MINUTE),
          soldCoverage: Math.max(0, cap - quoteInput.coverage - headroom),
        };
        const { history } = sample;
        const left = (sample.departure.getTime() - now.getTime()) / MINUTE;
        const thin =
          history.network.scheduled - history.network.cancelled === 0 ||
          (history.route.scheduled < 30 && history.airline.scheduled + history.origin.scheduled < 300);
        const unlimited = price(sample, { ...defaultPricing, maxProbability: 1 });
        const expected =
          left <= 0 ? 'DEPARTED'
          : left < 120 ? 'DEPARTURE_TOO_NEAR'
          : sample.soldCoverage + sample.coverage > cap ? 'EXPOSURE_CAP'
          : thin ? 'THIN_SAMPLE'
          : isQuote(unlimited) && payout(unlimited) > 0.6 ? 'PROBABILITY_TOO_HIGH'
          : null;
        const quote = price(sample);
        expect(quote.declined ? quote.reason : null).toBe(expected);
      }),
      RUNS,
    );
  });

  it("with a partner's commission never cost less than without, nor less with a larger commission", () => {
    const rate = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(input(pricedHistory), rate, rate, (quoteInput, a, b) => {
        const quote = price(quoteInput);
        if (!isQuote(quote)) return;
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(withCommission(quote, low).premium).toBeGreaterThanOrEqual(quote.premium);
        expect(withCommission(quote, high).premium).toBeGreaterThanOrEqual(withCommission(quote, low).premium);
      }),
      RUNS,
    );
  });
});
