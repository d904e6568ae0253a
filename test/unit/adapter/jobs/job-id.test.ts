import { describe, expect, it } from 'vitest';
import { newJobId } from '../../../../src/adapter/jobs/job-runner.js';

describe('newJobId', () => {
  it('gives 192 random bits in base64url, never the same twice, across refills of its random pool', () => {
    const ids = Array.from({ length: 1000 }, () => newJobId()); // 256 ids per pool: four refills
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // consecutive ids share no bytes (each takes its own 24 bytes of the pool)
    const bytes = ids.slice(250, 262).map((id) => Buffer.from(id, 'base64url').toString('hex'));
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).not.toBe(bytes[i - 1]);
  });
});
