/**
 * The cost of `serve --auth oauth`'s token check, from bench/jwt-micro.mjs run in its own process: per call (the
 * token seen before, JWKS cached) and on a token's first call (jose's full check); for opaque tokens, a cached
 * introspection answer and an introspection request over loopback. Skipped with a reason when
 * the built code has no JWT verifier yet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function timeJwtVerify({ root, quick }) {
  if (quick) return { skipped: '--quick' };
  if (!existsSync(join(root, 'dist', 'adapter', 'identity', 'jwt-verifier.js'))) return { skipped: 'no JWT verifier in dist (run npm run build)' };
  const result = spawnSync(process.execPath, [join(root, 'bench', 'jwt-micro.mjs'), '--json', '--calls', '20000'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) return { error: `jwt-micro.mjs exited ${result.status}: ${String(result.stderr).trim().slice(0, 300)}` };
  const r = JSON.parse(result.stdout);
  return {
    perCallUs: r['per-call RS256'].us,
    firstSightUs: r['first-sight RS256'].us,
    firstSightCpuUs: r['first-sight RS256'].cpuUs,
    firstSightEs256Us: r['first-sight ES256'].us,
    perCallOpaqueUs: r['per-call opaque']?.us,
    firstSightOpaqueUs: r['first-sight opaque']?.us,
    perCallRoutedUs: r['per-call routed RS256']?.us,
  };
}
