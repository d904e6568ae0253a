/**
 * A stdio server runs in a process group of its own, and stopping it stops the group. Servers are often started
 * through a wrapper (`sh -c`, `npx`, `uv run`, `docker run`): signalling only the wrapper's pid leaves the real
 * server running (an orphan per restart) and holding the pipes. On POSIX the child is spawned `detached` (its
 * own session and process group, pgid = its pid) and every signal goes to `-pgid`; a terminal's Ctrl-C then
 * reaches mcp-actions only, which stops its servers in order instead of having them die under in-flight calls.
 * Windows has no process groups: the child alone is signalled, as before.
 *
 * Every live group is listed here so that the CLI, on SIGINT/SIGTERM, can stop them all before it exits
 * (`stopAllServerGroups`); nothing here installs signal handlers or exits.
 */
import type { ChildProcess } from 'node:child_process';

export const GROUPS = process.platform !== 'win32';

/** Children whose group may still be alive. */
const live = new Set<ChildProcess>();

/** Extra spawn options: a group of its own on POSIX. */
export function groupSpawnOptions(): { detached: boolean } {
  return { detached: GROUPS };
}

/** Lists a spawned child so `stopAllServerGroups` can reach it. */
export function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  live.add(child);
  child.once('close', () => {
    if (!groupAlive(child)) live.delete(child);
  });
}

/** Signals the child's whole group (or the child alone without groups). False when nothing was there. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  const pid = child.pid;
  if (pid === undefined) return false;
  try {
    if (GROUPS) process.kill(-pid, signal);
    else if (signal === 0) return child.exitCode === null && child.signalCode === null;
    else child.kill(signal);
    return true;
  } catch (error) {
    // EPERM: something is there that we may not signal (a setuid helper); it still counts as alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the child or anything left in its group runs. */
export function groupAlive(child: ChildProcess): boolean {
  if (child.exitCode === null && child.signalCode === null) return true;
  return GROUPS && signalGroup(child, 0);
}

/** Resolves when the group is gone or after `ms`, whichever comes first. */
function waitGone(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (!groupAlive(child)) return resolve();
    const deadline = performance.now() + ms;
    const poll = setInterval(() => {
      if (!groupAlive(child) || performance.now() >= deadline) {
        clearInterval(poll);
        resolve();
      }
    }, 25);
  });
}

/**
 * The SDK's close sequence, applied to the whole group: stdin end → up to `graceMs` → SIGTERM → up to `graceMs`
 * → SIGKILL. A wrapper that exits while its server lingers does not end the wait: the group must be empty.
 */
export async function stopGroup(child: ChildProcess, graceMs = 2000): Promise<void> {
  try {
    child.stdin?.end();
  } catch {
    // already gone
  }
  await waitGone(child, graceMs);
  if (groupAlive(child)) {
    signalGroup(child, 'SIGTERM');
    await waitGone(child, graceMs);
  }
  if (groupAlive(child)) {
    signalGroup(child, 'SIGKILL');
    await waitGone(child, 500);
  }
  live.delete(child);
}

/**
 * Stops every group still listed: SIGTERM to all at once, up to `graceMs`, then SIGKILL to what is left. For
 * the CLI's signal handlers (Ctrl-C in `inspect`, a cut drain in `serve`).
 */
export async function stopAllServerGroups(graceMs = 1000): Promise<void> {
  const children = [...live].filter(groupAlive);
  for (const child of children) signalGroup(child, 'SIGTERM');
  await Promise.all(children.map((child) => waitGone(child, graceMs)));
  for (const child of children) {
    if (groupAlive(child)) signalGroup(child, 'SIGKILL');
    live.delete(child);
  }
}

/** SIGKILL to every group still listed, at once (a second Ctrl-C while `stopAllServerGroups` waits). */
export function killAllServerGroups(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
  live.clear();
}
