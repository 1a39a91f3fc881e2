/** One unit of warming work: it succeeds with the number of cache entries it filled, or throws. */
export interface WarmingTask {
  /** Unique within a run; names the task in the run's detail and the progress. */
  name: string;
  /** Higher runs first; tasks of equal priority run in the order given. */
  priority: number;
  run(): Promise<{ keys: number }>;
}

export interface TaskOutcome {
  name: string;
  ok: boolean;
  keys: number;
  ms: number;
  /** Why it failed. */
  error?: string;
}

export interface RunTasksOptions {
  /** Tasks in flight at once. Default: 4. */
  concurrency?: number;
  /** Called after each task ends, with how many have ended. */
  onProgress?: (done: number, total: number, outcome: TaskOutcome) => void;
  /** Once aborted, no further task starts; those in flight finish. */
  signal?: AbortSignal;
}

/**
 * Runs tasks highest priority first, at most `concurrency` at a time: a task starts as soon as
 * one in flight ends. A failing task is recorded and the others go on. Outcomes are in start order.
 */
export async function runTasks(tasks: readonly WarmingTask[], { concurrency = 4, onProgress, signal }: RunTasksOptions = {}): Promise<TaskOutcome[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number above 0; received ${concurrency}`);
  // Array.prototype.sort is stable: equal priorities keep the order given.
  const queue = [...tasks].sort((a, b) => b.priority - a.priority);
  const outcomes: TaskOutcome[] = [];
  let next = 0;
  let done = 0;

  async function worker() {
    while (next < queue.length && !signal?.aborted) {
      const task = queue[next++]!;
      const slot = outcomes.push({ name: task.name, ok: false, keys: 0, ms: 0 }) - 1;
      const started = performance.now();
      let outcome: TaskOutcome;
      try {
        const { keys } = await task.run();
        outcome = { name: task.name, ok: true, keys, ms: Math.round(performance.now() - started) };
      } catch (err) {
        outcome = { name: task.name, ok: false, keys: 0, ms: Math.round(performance.now() - started), error: (err as Error).message };
      }
      outcomes[slot] = outcome;
      onProgress?.(++done, queue.length, outcome);
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return outcomes;
}
