// Types for the parts of load.mjs the tests import.
export type Call = () => Promise<boolean>;
export interface LoadResult {
  calls: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}
export function runLoad(call: Call, options: { concurrency: number; seconds: number }): Promise<LoadResult>;
export function warmUp(
  call: Call,
  options: { concurrency: number; minSeconds: number; calls: number; maxSeconds: number },
): Promise<{ calls: number; errors: number; seconds: number }>;
