/** A canonical description of who may call an operation: its security requirements and the schemes they name. */
import { isObject } from '../pointer.js';

function describeScheme(scheme: unknown): string {
  if (!isObject(scheme)) return 'unknown';
  const { description: _d, 'x-scopes-description': _x, ...rest } = scheme;
  if (rest['type'] === 'http') return `http ${String(rest['scheme'] ?? '').toLowerCase()}`;
  if (rest['type'] === 'apiKey') return `api key in ${String(rest['in'])} "${String(rest['name'])}"`;
  if (rest['type'] === 'oauth2' && isObject(rest['flows'])) {
    const flows = Object.entries(rest['flows']).filter(([, f]) => isObject(f)) as [string, Record<string, unknown>][];
    return `oauth2 ${flows.map(([name, f]) => `${name} ${stableJson({ authorizationUrl: f['authorizationUrl'], tokenUrl: f['tokenUrl'], scopes: isObject(f['scopes']) ? Object.keys(f['scopes']).sort() : [] })}`).join(', ')}`;
  }
  return stableJson(rest);
}

/** JSON with object keys sorted at every level. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** `operation` undefined = the document-wide requirement; otherwise the operation's effective one. */
export function authOf(spec: Record<string, unknown>, operation: Record<string, unknown> | undefined): string {
  const requirement = operation && Array.isArray(operation['security']) ? operation['security'] : spec['security'];
  const components = spec['components'];
  const schemes = isObject(components) && isObject(components['securitySchemes']) ? components['securitySchemes'] : {};
  if (!Array.isArray(requirement) || requirement.length === 0) return 'none';
  const alternatives = requirement.map((alt) => {
    if (!isObject(alt) || Object.keys(alt).length === 0) return 'none';
    return Object.keys(alt)
      .sort()
      .map((name) => `${describeScheme(schemes[name])}${Array.isArray(alt[name]) && (alt[name] as unknown[]).length ? ` [${(alt[name] as unknown[]).join(' ')}]` : ''}`)
      .join(' + ');
  });
  return [...new Set(alternatives)].sort().join(' | ');
}
