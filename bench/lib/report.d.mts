// Types for the parts of report.mjs the tests import.
export interface Check {
  name: string;
  value?: number;
  unit: string;
  op: '>=' | '<=' | 'info';
  limit?: number;
  status: 'PASS' | 'FAIL' | 'SKIP' | 'INFO';
  note?: string;
}
export interface PhaseFigures {
  calls?: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms?: number;
  frontCpuUs: number;
  childCpuUs: number;
  clientCpuUs?: number;
  /** CPUs other processes kept busy during the phase. */
  otherCpus?: number;
}
export type Scenario = { sequential: PhaseFigures; concurrent: PhaseFigures; peakRssMb?: number } | { skipped: string } | { error: string };
export const BUSY_SHARE: number;
export function computeChecks(scenarios: Record<string, Scenario>, gen: Record<string, unknown>, machine?: { cpus?: number }): Check[];
export function formatChecks(checks: Check[]): string;
export function formatScenarios(scenarios: Record<string, Scenario>): string;
export function exitCodeOf(outcome: { checks: Check[]; leftover: number; check: boolean }): 0 | 1;
