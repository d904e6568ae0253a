/**
 * Load generation: sequential calls and N concurrent callers for a bounded time, with latency percentiles.
 * A "caller" is an async function that performs one call and throws (or returns false) when the answer is wrong.
 */

/** @typedef {() => Promise<boolean>} Call */
/** @typedef {{ calls: number, errors: number, seconds: number, perSecond: number, p50Ms: number, p99Ms: number, firstError?: string }} LoadResult */

/** Growable list of latencies in ms. */
class Samples {
  constructor() {
    this.values = new Float64Array(1 << 14);
    this.length = 0;
  }
  push(value) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }
  /** @param {number} q quantile in [0, 1] */
  quantiles(...qs) {
    const sorted = this.values.subarray(0, this.length).sort();
    return qs.map((q) => (this.length === 0 ? NaN : sorted[Math.min(this.length - 1, Math.floor(q * this.length))]));
  }
}

/**
 * Runs `concurrency` callers in a loop until `seconds` have passed, then waits for the calls in flight.
 * @param {Call} call
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(call, { concurrency, seconds }) {
  const samples = new Samples();
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await call();
      } catch (error) {
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      if (ok) samples.push(performance.now() - t0);
      else {
        errors++;
        firstError ??= 'unexpected answer';
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const [p50Ms, p99Ms] = samples.quantiles(0.5, 0.99);
  return {
    calls: samples.length,
    errors,
    seconds: elapsed,
    perSecond: samples.length / elapsed,
    p50Ms,
    p99Ms,
    ...(firstError ? { firstError } : {}),
  };
}

/**
 * Warm-up before the first measurement: V8 optimises a front's hot path after so many calls, not so many
 * seconds, so a slow front needs longer. Runs `concurrency` callers for minSeconds, then on in slices of at most
 * 1 s until `calls` calls were answered or maxSeconds passed; then one caller for minSeconds / 4.
 * @param {Call} call
 * @returns {Promise<{ calls: number, errors: number, seconds: number }>}
 */
export async function warmUp(call, { concurrency, minSeconds, calls: wanted, maxSeconds }) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let calls = 0;
  let errors = 0;
  let first = true;
  do {
    const load = await runLoad(call, { concurrency, seconds: first ? minSeconds : Math.min(1, maxSeconds - elapsed()) });
    first = false;
    calls += load.calls;
    errors += load.errors;
  } while (calls < wanted && elapsed() < maxSeconds);
  await runLoad(call, { concurrency: 1, seconds: minSeconds / 4 });
  return { calls, errors, seconds: elapsed() };
}
