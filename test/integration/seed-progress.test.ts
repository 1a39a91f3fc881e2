import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('contrail seed on the embedded database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contrail-progress-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('streams its progress as it happens, not all at once at the end', { timeout: 180_000 }, async () => {
    const env: Record<string, string | undefined> = { ...process.env, CONTRAIL_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['src/contrail.mjs', 'seed'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const arrivals: { at: number; msg: string }[] = [];
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) arrivals.push({ at: performance.now(), msg: JSON.parse(line).msg });
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const ended = performance.now();
    expect(exitCode).toBe(0);
    const progress = arrivals.filter((a) => a.msg.startsWith('seeding '));
    expect(progress.length).toBeGreaterThan(10);
    // The first tables' progress arrived long before the last table's: lines are written as
    // seeding goes (the routes alone take seconds), not flushed at exit.
    const firstRoutes = progress.find((a) => a.msg.startsWith('seeding routes'))!;
    expect(firstRoutes.at - progress[0]!.at).toBeGreaterThan(500);
    expect(ended - progress[0]!.at).toBeGreaterThan(1000);
  });
});
