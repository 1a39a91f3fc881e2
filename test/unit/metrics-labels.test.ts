import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OperationLabels, operationNamesIn } from '../../src/metrics/operation-labels.ts';
import { responseCacheMetrics } from '../../src/metrics/response-cache-metrics.ts';

describe('operation labels', () => {
  it('keeps known names, admits the first N well-formed others, and counts the rest as other', () => {
    const labels = new OperationLabels(['Bench'], 2);
    expect(labels.labelOf('Bench')).toBe('Bench');
    expect(labels.labelOf(null)).toBe('anonymous');
    expect(labels.labelOf(undefined)).toBe('none');
    expect(labels.labelOf('First')).toBe('First');
    expect(labels.labelOf('not a name')).toBe('other');
    expect(labels.labelOf('Second')).toBe('Second');
    expect(labels.labelOf('Third')).toBe('other');
    expect(labels.labelOf('First')).toBe('First');
    expect(labels.values).toEqual(['none', 'anonymous', 'Bench', 'First', 'other', 'Second']);
  });

  it('finds the named operations of schema/operations/', () => {
    expect(operationNamesIn(`${import.meta.dirname}/../../schema/operations`)).toContain('Bench');
  });
});

describe('response cache metrics', () => {
  it('counts outcomes by outcome, tier, scope and operation, exactly as recorded', async () => {
    const registry = new Registry();
    const metrics = responseCacheMetrics(registry, new OperationLabels(['Bench']));
    metrics.record({ outcome: 'miss', scope: 'PUBLIC', operationName: 'Bench', path: 'yoga' });
    metrics.record({ outcome: 'hit', tier: 'memory', scope: 'PUBLIC', operationName: 'Bench', path: 'fast' });
    metrics.record({ outcome: 'hit', tier: 'memory', scope: 'PUBLIC', operationName: 'Bench', path: 'fast' });
    metrics.record({ outcome: 'hit', tier: 'redis', scope: 'PRIVATE', operationName: null, path: 'fast' });
    const text = await registry.metrics();
    const lines = text.split('\n').filter((line) => line.startsWith('contrail_response_cache_requests_total{'));
    expect(lines.sort()).toEqual(
      [
        'contrail_response_cache_requests_total{outcome="hit",tier="memory",scope="PUBLIC",operation="Bench"} 2',
        'contrail_response_cache_requests_total{outcome="hit",tier="redis",scope="PRIVATE",operation="anonymous"} 1',
        'contrail_response_cache_requests_total{outcome="miss",tier="none",scope="PUBLIC",operation="Bench"} 1',
      ].sort(),
    );
    // A second scrape reads the same numbers (not added twice).
    expect((await registry.metrics()).split('\n').filter((line) => line.startsWith('contrail_response_cache_requests_total{'))).toHaveLength(3);
    expect(metrics.counter.valueOf({ outcome: 'hit', tier: 'memory' })).toBe(2);
  });
});
