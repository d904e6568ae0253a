/**
 * Preloaded into a front by `node bench/profile.mjs --alloc` (`node --require`): V8's sampling heap profiler over
 * every allocation, also those the garbage collector has already freed (the young-generation garbage a front's GC
 * time comes from). The first SIGUSR2 starts sampling, the second stops it and writes the profile to
 * $MCP_ACTIONS_ALLOC_OUT, so only the measured load is counted (no start-up, no warm-up).
 */
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const out = process.env.MCP_ACTIONS_ALLOC_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  let sampling = false;
  const fail = (error) => error && process.stderr.write(`alloc-sampler: ${error.message}\n`);
  session.post('HeapProfiler.enable', fail);
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, fail);
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return fail(error);
      writeFileSync(out, JSON.stringify(result.profile));
    });
  });
}
