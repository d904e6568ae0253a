/**
 * Process plumbing for the benchmark: spawn a front process, wait until it is ready, read its CPU time and
 * peak RSS from /proc, and stop it together with every process it started.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

const CLOCK_TICKS_PER_S = 100; // Linux USER_HZ (`getconf CLK_TCK`); the same on every mainstream kernel

/** @typedef {{ pid: number, ppid: number, start: string, cpuMs: number }} ProcStat */

/** Reads /proc/PID/stat: parent, start time (to tell a reused PID apart) and user+system CPU time in ms. */
export function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime = field 14, stime = 15, starttime = 22
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), start: fields[19], cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/**
 * CPU time in ms used by this process's children that have exited and been waited for (cutime + cstime): the
 * CPU a spawnSync'd command used, grandchildren included when the child waited for them.
 */
export function reapedChildrenCpuMs() {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_S;
}

/** Every live descendant of pid (children, grandchildren …), found by scanning /proc. */
export function descendants(pid) {
  /** @type {Map<number, ProcStat[]>} */
  const byParent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = byParent.get(stat.ppid) ?? [];
    list.push(stat);
    byParent.set(stat.ppid, list);
  }
  /** @type {ProcStat[]} */
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(/** @type {number} */ (queue.shift())) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/**
 * CPU time in ms the whole machine has spent busy (every CPU, every process, the kernel), from /proc/stat's
 * first line: everything but idle and iowait. The difference over a phase, minus what the bench's own processes
 * used, is the CPU other processes took meanwhile.
 */
export function machineBusyMs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
    const busy = ticks.reduce((sum, t) => sum + t, 0) - ticks[3] - ticks[4];
    return (busy * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** Peak resident set size (VmHWM) of pid in MB, or undefined when the process is gone. */
export function peakRssMb(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process recorded as {pid, start} still runs (a reused PID has another start time). */
export function isAlive({ pid, start }) {
  const stat = readStat(pid);
  return stat !== undefined && stat.start === start;
}

/** A free TCP port on 127.0.0.1 (for peers that cannot listen on port 0 and report it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts a TCP connection. */
export async function waitForPort(port, timeoutMs, isDead) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`exited before listening on port ${port}`);
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/**
 * Spawns `node script …args` (the PID is the node process itself, never a shell), drains its output and keeps
 * a tail of it for error messages. `onOutput(text)` sees everything written, e.g. to find a printed URL.
 */
export function spawnNode(script, args, { env, onOutput, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const collect = (chunk) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4000);
    onOutput?.(text, tail);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  child.once('exit', () => (exited = true));
  const self = readStat(child.pid);
  return {
    child,
    pid: /** @type {number} */ (child.pid),
    record: self,
    tail: () => tail,
    exited: () => exited,
  };
}

/** Waits until `tail()` matches re, or throws with the output so far. */
export async function waitForOutput(proc, re, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = re.exec(proc.tail());
    if (match) return match;
    if (proc.exited()) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`did not print ${re} within ${timeoutMs} ms; output:\n${proc.tail()}`);
}

/**
 * Stops a spawned process and everything it started: SIGTERM, then SIGKILL after graceMs, then SIGKILL to any
 * descendant still alive (descendants are recorded first, so orphans re-parented to init are found too).
 * Returns every process record it dealt with.
 */
export async function stopTree(proc, graceMs = 2000) {
  const family = [...descendants(proc.pid), ...(proc.record ? [proc.record] : [])];
  if (!proc.exited()) {
    proc.child.kill('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (!proc.exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!proc.exited()) proc.child.kill('SIGKILL');
  }
  const deadline = Date.now() + graceMs;
  while (family.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const member of family.filter(isAlive)) {
    try {
      process.kill(member.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return family;
}
