import { describe, expect, it } from 'vitest';
import { keyBase } from '../../plugins/response-cache/key.ts';
import { identify, identifyKey } from '../../src/warming/query-log.ts';
import { runTasks, type WarmingTask } from '../../src/warming/run-tasks.ts';
import { statusOf } from '../../src/warming/runs.ts';
import { createHash } from 'node:crypto';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Tasks that record when they start and end, and how many run at once. */
function recorder() {
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const task = (name: string, priority: number, { fail = false, ticks = 2 } = {}): WarmingTask => ({
    name,
    priority,
    async run() {
      events.push(`start ${name}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (let i = 0; i < ticks; i++) await tick();
      inFlight--;
      events.push(`end ${name}`);
      if (fail) throw new Error(`${name} broke`);
      return { keys: 1 };
    },
  });
  return { events, task, max: () => maxInFlight };
}

describe('runTasks', () => {
  it('starts tasks highest priority first, equal priorities in the order given', async () => {
    const { events, task } = recorder();
    const outcomes = await runTasks([task('ref-a', 1), task('pop-1', 3), task('route-a', 2), task('pop-2', 3), task('ref-b', 1), task('route-b', 2)], { concurrency: 1 });
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start pop-1', 'start pop-2', 'start route-a', 'start route-b', 'start ref-a', 'start ref-b']);
    expect(outcomes.map((o) => o.name)).toEqual(['pop-1', 'pop-2', 'route-a', 'route-b', 'ref-a', 'ref-b']);
  });

  it('keeps exactly `concurrency` tasks in flight while there are enough, starting the next as one ends', async () => {
    const { events, task, max } = recorder();
    const tasks = [task('a', 9, { ticks: 5 }), task('b', 8, { ticks: 1 }), task('c', 7, { ticks: 5 }), task('d', 6), task('e', 5), task('f', 4), task('g', 3)];
    await runTasks(tasks, { concurrency: 3 });
    expect(max()).toBe(3);
    // a, b and c start together; b ends first and d takes its place before anything else starts.
    expect(events.slice(0, 5)).toEqual(['start a', 'start b', 'start c', 'end b', 'start d']);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(7);
  });

  it('never runs more than one at a time with a concurrency of 1', async () => {
    const { events, task, max } = recorder();
    await runTasks([task('a', 1), task('b', 1), task('c', 1)], { concurrency: 1 });
    expect(max()).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('records a failing task and goes on with the others', async () => {
    const { task } = recorder();
    const progress: [number, number, string, boolean][] = [];
    const outcomes = await runTasks([task('a', 3), task('b', 2, { fail: true }), task('c', 1)], {
      concurrency: 2,
      onProgress: (done, total, outcome) => progress.push([done, total, outcome.name, outcome.ok]),
    });
    expect(outcomes.map(({ name, ok, keys, error }) => ({ name, ok, keys, error }))).toEqual([
      { name: 'a', ok: true, keys: 1, error: undefined },
      { name: 'b', ok: false, keys: 0, error: 'b broke' },
      { name: 'c', ok: true, keys: 1, error: undefined },
    ]);
    expect(progress.map(([done, total]) => [done, total])).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it('starts nothing more once aborted, and finishes what is in flight', async () => {
    const { events, task } = recorder();
    const controller = new AbortController();
    const outcomes = await runTasks([task('a', 3), task('b', 2), task('c', 1)], {
      concurrency: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(events).toEqual(['start a', 'end a']);
    expect(outcomes.map((o) => o.name)).toEqual(['a']);
  });

  it('refuses a concurrency that is not a whole number above 0', async () => {
    await expect(runTasks([], { concurrency: 0 })).rejects.toThrow(/concurrency must be a whole number above 0; received 0/);
  });
});

describe('query log identities', () => {
  it('finds the same row from a response cache key as from the document and variables', () => {
    const document = 'query Airport($iata: String!) { airport(iata: $iata) { name } }';
    const variables = { iata: 'A|B', nested: { z: 1, a: [1, 'x|y'] } };
    const documentId = createHash('sha256').update(document).digest('base64url');
    const key = `${keyBase({ version: '2', schemaHash: 'abcDEF_-123', documentId, operationName: 'Airport', variables })}|public`;
    expect(identifyKey(key, 'PUBLIC')).toEqual(identify(document, { nested: { a: [1, 'x|y'], z: 1 }, iata: 'A|B' }, 'PUBLIC'));
    expect(identifyKey(`${keyBase({ version: '2', schemaHash: 's', documentId, operationName: null, variables: undefined })}|authenticated`, 'AUTHENTICATED')).toEqual(
      identify(document, {}, 'AUTHENTICATED'),
    );
  });

  it('gives different variables different rows', () => {
    expect(identify('{ a }', { x: 1 }, 'PUBLIC').variablesHash).not.toBe(identify('{ a }', { x: '1' }, 'PUBLIC').variablesHash);
  });
});

describe('a run\'s status', () => {
  it('is success when no task failed, partial when some did, failed when none worked', () => {
    expect([statusOf(3, 0), statusOf(0, 0), statusOf(2, 1), statusOf(0, 4)]).toEqual(['success', 'success', 'partial', 'failed']);
  });
});
