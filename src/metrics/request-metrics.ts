import type { Registry } from 'prom-client';
import { FastCounter } from './counts.ts';
import { FastHistogram } from './fast-histogram.ts';
import { LabelValues } from './label-values.ts';
import type { OperationLabels } from './operation-labels.ts';

/** How a request ended: answered, answered with GraphQL errors or a 5xx, or refused with a 4xx. */
export type RequestOutcome = 'ok' | 'error' | 'rejected';

/** Where it was answered: the fast path (a hit before Yoga), the gateway, or the edge itself (a refusal, a preflight). */
export type AnsweredBy = 'fast' | 'gateway' | 'edge';

export function requestOutcome(status: number, errors: boolean): RequestOutcome {
  if (status >= 500 || errors) return 'error';
  return status >= 400 ? 'rejected' : 'ok';
}

/** Requests by operation and outcome, and their durations by where they were answered. */
export function requestMetrics(registry: Registry, operations: OperationLabels) {
  const outcomes = new LabelValues('outcome', ['ok', 'error', 'rejected']);
  const counter = new FastCounter(registry, 'contrail_requests_total', 'Requests by operation name (bounded: see README) and outcome (ok, error, rejected)', [operations, outcomes]);
  const paths = new LabelValues('answered_by', ['fast', 'gateway', 'edge']);
  const duration = new FastHistogram(
    registry,
    'contrail_request_duration_seconds',
    'Time from the request reaching the server to its answer being written, by where it was answered (fast, gateway, edge)',
    [paths],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  return {
    counter,
    /** On every request: a few map look-ups and additions, nothing allocated. */
    record(operationName: string | null | undefined, outcome: RequestOutcome, answeredBy: AnsweredBy, seconds: number): void {
      counter.inc(counter.key(operations.indexOfOperation(operationName), outcomes.indexOf(outcome)));
      duration.observe(paths.indexOf(answeredBy), seconds);
    },
  };
}
