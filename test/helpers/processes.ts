/**
 * Finding processes a test left behind, by reading /proc (Linux).
 * Every process the e2e helpers start carries a marker in its environment, which its own children inherit;
 * a server orphaned by a crashed CLI is reparented away from the test process but keeps the marker.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Environment variable the helpers put on every process they spawn. */
export const MARK_VAR = 'MCP_ACTIONS_TEST_MARK';
/**
 * Which checkout's test run a process belongs to: set here in the test process, inherited by everything the
 * helpers spawn (they pass `...process.env`). Two checkouts running the same test file on one machine use the same
 * marks; without this, one run's leftover check counted the other run's live servers.
 */
export const RUN_VAR = 'MCP_ACTIONS_TEST_RUN';
process.env[RUN_VAR] ??= process.cwd();
const RUN = process.env[RUN_VAR];

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // state is after the last ')', as the command name may hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie is dead, only not yet reaped
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, ppid: Number(fields[1]), cmdline };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function hasMark(pid: number, mark: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    if (!env.includes(`${MARK_VAR}=${mark}`)) return false;
    // a process started without this run's variable is counted (it may be ours); one of another run is not
    const run = env.find((e) => e.startsWith(`${RUN_VAR}=`));
    return run === undefined || run === `${RUN_VAR}=${RUN}`;
  } catch {
    return false;
  }
}

/** Live (non-zombie) descendants of a process: children, grandchildren, … */
export function liveDescendants(rootPid: number = process.pid): ProcessInfo[] {
  const procs = allPids()
    .map(readProcess)
    .filter((p): p is ProcessInfo => p !== undefined);
  const out: ProcessInfo[] = [];
  const parents = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** Live processes carrying the marker, or whose command line contains `cmdlineIncludes`. */
export function findProcesses(query: { mark?: string; cmdlineIncludes?: string }): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const p = readProcess(pid);
    if (!p) continue;
    const byMark = query.mark !== undefined && hasMark(pid, query.mark);
    const byCmd = query.cmdlineIncludes !== undefined && p.cmdline.includes(query.cmdlineIncludes);
    if (byMark || byCmd) out.push(p);
  }
  return out;
}

/**
 * What is still alive of the processes carrying any of the marks (and, with `descendants`, of the test
 * process's own descendants), after waiting up to `graceMs` for them to go: a killed process takes a moment.
 * Empty when all is clean.
 */
export async function leftoverProcesses(
  marks: string[],
  options: { descendants?: boolean; graceMs?: number } = {},
): Promise<ProcessInfo[]> {
  const deadline = Date.now() + (options.graceMs ?? 5000);
  for (;;) {
    const seen = new Map<number, ProcessInfo>();
    for (const mark of marks) for (const p of findProcesses({ mark })) seen.set(p.pid, p);
    if (options.descendants) for (const p of liveDescendants()) seen.set(p.pid, p);
    const left = [...seen.values()];
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
