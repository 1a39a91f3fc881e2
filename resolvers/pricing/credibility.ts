/**
 * Credibility smoothing (Bühlmann's form with a fixed m): a level's rate is its own record,
 * shrunk toward a prior by m pseudo-flights at the prior's rate. With n flights the record's
 * weight is Z = n / (n + m), so a route with n = m is half its own history and half its prior.
 * It is also the posterior mean of k events in n trials under a Beta(m·prior, m·(1 − prior)) prior.
 */

/** One level's history for the requested threshold. */
export interface Counts {
  /** Flights scheduled in the window, cancelled ones included. */
  scheduled: number;
  /** Of those, cancelled. */
  cancelled: number;
  /** Of those that operated (scheduled − cancelled), arriving at least the threshold late. */
  delayed: number;
}

/** The four levels: the flight's airline on its route, the airline, the origin airport, all flights. */
export interface History {
  route: Counts;
  airline: Counts;
  origin: Counts;
  network: Counts;
}

/** Every step of one event's hierarchy, so a breakdown (or a reviewer) can follow it. */
export interface Smoothed {
  /** Network rate: the raw k/n of every flight. */
  network: number;
  /** Airline rate shrunk toward the network. */
  airline: number;
  /** Origin rate shrunk toward the network. */
  origin: number;
  /** The route's prior: the mean of airline and origin. */
  prior: number;
  /** The route's rate shrunk toward its prior. */
  p: number;
}

/** (k + m·prior) / (n + m): k events in n trials, shrunk toward `prior` by m pseudo-trials. */
export function shrink(events: number, trials: number, prior: number, m: number): number {
  return (events + m * prior) / (trials + m);
}

/** A delay is counted among flights that operated; a cancellation among all scheduled. */
export const delayTrials = (c: Counts) => ({ events: c.delayed, trials: c.scheduled - c.cancelled });
export const cancelTrials = (c: Counts) => ({ events: c.cancelled, trials: c.scheduled });

type Trials = (c: Counts) => { events: number; trials: number };

/**
 * The hierarchy for one event. The prior is the plain mean of the airline's and the origin's
 * rates, not weighted by their flights: both are already shrunk by their own sample sizes, so
 * weighting again would count n twice, and let a hub's volume (typically 5–50× the airline's
 * flights there) drown the carrier's own record.
 *
 * The network must have at least one trial (quote.ts declines a quote as THIN_SAMPLE before this).
 */
export function smooth(history: History, trialsOf: Trials, m: number): Smoothed {
  const network = trialsOf(history.network);
  if (network.trials <= 0) throw new RangeError('Expected network history with at least one flight to count; received none.');
  const base = network.events / network.trials;
  const at = (c: Counts, prior: number) => {
    const { events, trials } = trialsOf(c);
    return shrink(events, trials, prior, m);
  };
  const airline = at(history.airline, base);
  const origin = at(history.origin, base);
  const prior = (airline + origin) / 2;
  return { network: base, airline, origin, prior, p: at(history.route, prior) };
}

/** Throws a misuse error unless every count is a whole number and the parts fit in the whole. */
export function checkHistory(history: History): void {
  for (const level of ['route', 'airline', 'origin', 'network'] as const) {
    const { scheduled, cancelled, delayed } = history[level];
    const whole = [scheduled, cancelled, delayed].every((x) => Number.isSafeInteger(x) && x >= 0);
    if (!whole || cancelled > scheduled || delayed > scheduled - cancelled) {
      throw new RangeError(
        `Expected ${level} history of whole counts with cancelled ≤ scheduled and delayed ≤ scheduled − cancelled; received scheduled ${scheduled}, cancelled ${cancelled}, delayed ${delayed}.`,
      );
    }
  }
}
