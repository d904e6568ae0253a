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
export function exitCodeOf(outcome: { checks: Check[]; leftover: number; check: boolean }): 0 | 1;
