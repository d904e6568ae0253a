import { setFlagsFromString } from 'node:v8';

/** The V8 settings `serve` applies (see useLeanHeap). */
export const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--optimize-for-size'] as const;

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
 * `serve` is a long-running process whose garbage is almost all short-lived (one request's objects). V8's
 * defaults grow the young generation to 2 × 16 MB during start-up and let the old one reach about twice its
 * live size, which more than doubled the adapter's resident memory under load for no speed that matters here
 * (measured: peak RSS 128 → 86 MB at 32 callers, CPU per call +20–40 µs). These settings keep the young
 * generation at its initial size and make the old one collect sooner. V8 reads them when the heap grows, so
 * they apply from now on: call this before the adapter's modules load. Returns the flags applied.
 */
export function useLeanHeap(env: NodeJS.ProcessEnv, execArgv: readonly string[]): readonly string[] {
  const flags = leanHeapFlags(env, execArgv);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
