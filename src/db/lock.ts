import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Who holds an embedded data folder: written to `<folder>/contrail.lock` by its owner. */
export interface LockHolder {
  pid: number;
  /** When the holder took the lock (ISO 8601), for the messages that name it. */
  startedAt: string;
  /** Where the holder serves Postgres' wire protocol; absent while it is still opening the folder. */
  url?: string;
  /**
   * The holder process's start time as the kernel counts it (Linux /proc), so that a pid reused
   * by another process after a crash — every container's first process is pid 1 — reads as stale.
   */
  processStart?: string;
}

export const LOCK_FILE = 'contrail.lock';

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), where /proc exists. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its last ')' do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process, as a lock names it. */
export function thisProcess(): LockHolder {
  return { pid: process.pid, startedAt: new Date().toISOString(), processStart: processStartOf(process.pid) };
}

/** The lock's holder; undefined when there is no lock; 'unreadable' when it is not ours to read. */
export function readLock(dataDir: string): LockHolder | 'unreadable' | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.startedAt === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * True while the process that wrote the lock runs: its pid exists and, where the kernel tells,
 * started when the lock says it did. A pid we may not signal (EPERM) is alive.
 */
export function isAlive(holder: LockHolder): boolean {
  const start = processStartOf(holder.pid);
  if (holder.pid === process.pid) return !holder.processStart || !start || holder.processStart === start;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return !(holder.processStart && start && holder.processStart !== start);
}

/** Writes a complete file under a name of its own: readers never see half a lock. */
function writeTemp(target: string, content: unknown): string {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  return temp;
}

/**
 * Creates `target` holding `content` unless it exists (link() fails then: exclusive, like
 * O_EXCL, but the file appears whole). True when this call created it.
 */
function createExclusive(target: string, content: unknown): boolean {
  const temp = writeTemp(target, content);
  try {
    linkSync(temp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** Takes the folder's lock for `holder`; false when someone holds it (read it to see who). */
export function takeLock(dataDir: string, holder: LockHolder): boolean {
  return createExclusive(lockPath(dataDir), holder);
}

/** Replaces our own lock with `holder` (the same process, now with its URL) in one rename. */
export function updateLock(dataDir: string, holder: LockHolder): void {
  renameSync(writeTemp(lockPath(dataDir), holder), lockPath(dataDir));
}

const sameHolder = (a: LockHolder | 'unreadable' | undefined, b: LockHolder | 'unreadable') =>
  a === b || (typeof a === 'object' && typeof b === 'object' && a.pid === b.pid && a.startedAt === b.startedAt);

/** Removes the lock if it is still `holder`'s (a close after a takeover leaves the new one alone). */
export function releaseLock(dataDir: string, holder: LockHolder): void {
  if (!sameHolder(readLock(dataDir), holder)) return;
  try {
    unlinkSync(lockPath(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Removes a lock whose holder is gone, if it is still that lock. Two processes may find the
 * same stale lock at once: without the takeover file, the slower one could delete the lock the
 * faster one has just taken. True when the stale lock is gone (by us or anyone).
 */
export function removeStaleLock(dataDir: string, stale: LockHolder | 'unreadable'): boolean {
  const guard = `${lockPath(dataDir)}.takeover`;
  const me = thisProcess();
  if (!createExclusive(guard, me)) {
    // Left by a process that died in the few microseconds it holds the guard: remove it, retry.
    const other = readGuard(guard);
    if (!other || !isAlive(other)) unlinkSync(guard);
    return false;
  }
  try {
    if (sameHolder(readLock(dataDir), stale)) unlinkSync(lockPath(dataDir));
    return true;
  } finally {
    unlinkSync(guard);
  }
}

function readGuard(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
