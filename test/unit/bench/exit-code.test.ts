/** `npm run bench --check` exits 1 when a target fails; without --check the tables are the result. */
import { describe, expect, it } from 'vitest';
import { exitCodeOf, type Check } from '../../../bench/lib/report.mjs';

const check = (status: Check['status']): Check => ({ name: 'x', unit: '×', op: '>=', status });

describe('exitCodeOf', () => {
  it.each([
    ['all PASS, --check', [check('PASS'), check('SKIP'), check('INFO')], 0, true, 0],
    ['a FAIL, --check', [check('PASS'), check('FAIL')], 0, true, 1],
    ['a FAIL, no --check', [check('FAIL')], 0, false, 0],
    ['a process left behind', [check('PASS')], 1, false, 1],
  ] as const)('%s → %i', (_name, checks, leftover, withCheck, want) => {
    expect(exitCodeOf({ checks: [...checks], leftover, check: withCheck })).toBe(want);
  });
});
