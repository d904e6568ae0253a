import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The V8 settings `serve` applies at start (see useLeanHeap); the young generation is capped on top of them. */
export const LEAN_HEAP_FLAGS = ['--optimize-for-size'] as const;

/** How large `serve` lets the young generation (V8's "new space": two semi-spaces) grow: 2 × 4 MB. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

const HEAP_FLAG = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor|--optimize[-_]for[-_]size/;

/**
 * The V8 flags to apply, or none when the user chose otherwise: `MCP_ACTIONS_HEAP=default`, or node flags
 * that size the young generation themselves (on the command line or in NODE_OPTIONS).
 */
export function leanHeapFlags(env: NodeJS.ProcessEnv, execArgv: readonly string[]): readonly string[] {
  if (env.MCP_ACTIONS_HEAP === 'default') return [];
  if (HEAP_FLAG.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`)) return [];
  return LEAN_HEAP_FLAGS;
}

/**
 * Keeps the young generation at or under `capBytes`: V8 grows it (doubling its semi-spaces) while much of
 * what it allocates survives, and reads `--semi-space-growth-factor` each time it does. So growth is allowed
 * (factor 2, V8's default) while the young generation is under the cap and stopped (factor 1) once it is
 * there; if V8 shrinks it again (after a full collection, under --optimize-for-size), growth is allowed again.
 * V8 reads its size limits only when the isolate starts, so a running process has no other way to cap it.
 * `check()` runs one step: after every garbage collection (a timer was too slow: V8 can grow it twice in 50 ms).
 */
export function youngGenerationCap(
  capBytes: number,
  deps: { newSpaceBytes: () => number; setGrowthFactor: (factor: 1 | 2) => void } = { newSpaceBytes, setGrowthFactor },
): { check(): void } {
  let factor: 1 | 2 | undefined;
  return {
    check() {
      const want = deps.newSpaceBytes() < capBytes ? 2 : 1;
      if (want === factor) return;
      deps.setGrowthFactor(want);
      factor = want;
    },
  };
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

function setGrowthFactor(factor: 1 | 2): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

/**
 * `serve` is a long-running process whose garbage is almost all short-lived (one request's objects). V8's
 * defaults grow the young generation to 2 × 16 MB under load and let the old one reach about twice its live
 * size, which made the adapter's resident memory under load half as large again for little speed. Held at its
 * initial 2 × 1 MB instead (the setting before), it was scavenged 15-20 times as often, the garbage collector took
 * a quarter of the main thread and in-flight requests' objects were promoted to the old generation. So: the
 * old generation is collected sooner (`--optimize-for-size`) and the young one may grow to 2 × 4 MB
 * (youngGenerationCap), the point where most of the GC work was gone for about 6 MB of memory (docs/bench.md,
 * "Memory and GC"). Call this before the adapter's modules load. Returns the flags applied (none: the user's
 * own heap settings, or MCP_ACTIONS_HEAP=default, win and nothing is capped).
 */
export function useLeanHeap(env: NodeJS.ProcessEnv, execArgv: readonly string[], capBytes = YOUNG_GENERATION_CAP_BYTES): readonly string[] {
  const flags = leanHeapFlags(env, execArgv);
  if (flags.length === 0) return flags;
  for (const flag of flags) setFlagsFromString(flag);
  const cap = youngGenerationCap(capBytes);
  cap.check();
  // Told of each collection a moment after it (a heap-statistics read, about a microsecond): before the next one.
  new PerformanceObserver(() => cap.check()).observe({ entryTypes: ['gc'] });
  return flags;
}
