/**
 * The generator's schema normaliser, used for every function tool: same dialect handling (draft-07 →
 * 2020-12, local refs into `$defs`, external refs replaced) as the OpenAPI spec.
 */
export { normalizeSchema as normalizeToolSchema } from '../openapi/schema.js';
