/**
 * A package loaded on first use, synchronously, for what most runs never need: `serve` keeps every module it
 * loads for its whole life (issue 8 bounds its resident memory), while YAML output, glob patterns, config
 * files and rate limiting are asked for by some runs only. The package's CommonJS build is used; nothing
 * imports these packages statically, so there is one copy of each.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
