import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins this process (every thread) to `core`, where taskset exists. */
export function pinSelf(core: number): void {
  if (hasTaskset) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

// One helper for the bench and the tests that start servers of their own.
export { freePort } from '../test/helpers/servers.ts';

export interface Started {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node args…` pinned to `core`; resolves once `ready(url)` answers. */
export async function startNode(args: string[], env: NodeJS.ProcessEnv, core: number, ready: () => Promise<boolean>): Promise<Started> {
  const command = hasTaskset ? 'taskset' : process.execPath;
  const commandArgs = hasTaskset ? ['-c', String(core), process.execPath, ...args] : args;
  const child = spawn(command, commandArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const deadline = Date.now() + 120_000;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
