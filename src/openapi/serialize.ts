/**
 * Deterministic serialisation of a spec. YAML is written so that YAML 1.1 readers (PyYAML, which the
 * GPT builder is likely to use) read the same values: `yes`, `on`, `1e3`-like strings are quoted, no
 * anchors or aliases, no line folding.
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { lazyModule } from '../lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

export function serializeSpec(spec: OpenAPIObject, format: 'yaml' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(spec, null, 2)}\n`;
  return yaml().stringify(spec, {
    version: '1.1',
    aliasDuplicateObjects: false,
    lineWidth: 0,
    minContentWidth: 0,
    indent: 2,
  });
}
