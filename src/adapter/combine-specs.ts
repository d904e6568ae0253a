/**
 * One spec for several servers (`serve --config` with more than one server): each server's spec, built by
 * the generator exactly as for a single server, moved under `/{server}/tools/{id}` with operationIds
 * prefixed through `mapToolNames(names, "{server}_")` (the one name mapping). Components that two servers
 * define differently are renamed `{server}_{Name}` with their `$ref`s. Pure.
 */
import { createHash } from 'node:crypto';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { ProblemsFoundError } from '../errors.js';
import { mapToolNames } from '../openapi/naming.js';

/** ChatGPT imports at most 30 operations per action. */
export const GPT_MAX_OPERATIONS = 30;

export interface SpecPart {
  /** The server's name in the config file (the path prefix). */
  name: string;
  spec: OpenAPIObject;
}

export interface CombineOptions {
  serverUrl: string;
  profile: 'gpt-actions' | 'generic';
  title?: string;
}

type Json = Record<string, unknown>;

export function combineSpecs(parts: readonly SpecPart[], options: CombineOptions): OpenAPIObject {
  const paths: Json = {};
  const components: Record<string, Json> = {};
  let operations = 0;
  for (const { name, spec } of parts) {
    const renames = new Map<string, string>();
    const own = (spec.components ?? {}) as Record<string, Json>;
    for (const [section, entries] of Object.entries(own)) {
      const target = (components[section] ??= {});
      for (const [key, value] of Object.entries(entries)) {
        if (!(key in target)) target[key] = value;
        else if (JSON.stringify(target[key]) !== JSON.stringify(value)) renames.set(`#/components/${section}/${key}`, `#/components/${section}/${name}_${key}`);
      }
    }
    const rewrite = (value: unknown): unknown => {
      if (renames.size === 0) return value;
      let text = JSON.stringify(value);
      for (const [from, to] of renames) text = text.split(`"${from}"`).join(`"${to}"`);
      return JSON.parse(text);
    };
    for (const [ref, to] of renames) {
      const [, , section, key] = ref.split('/') as [string, string, string, string];
      components[section]![to.split('/').pop()!] = rewrite(own[section]![key]);
    }
    const tools: string[] = [];
    for (const item of Object.values(spec.paths ?? {})) if (item.post) tools.push(String((item.post as Json | undefined)?.['x-mcp-tool'] ?? item.post?.operationId));
    const ids = mapToolNames(tools, `${name}_`).ids;
    for (const [path, item] of Object.entries(spec.paths ?? {})) {
      if (!item.post) {
        // get_job: one for every server (they share the job store), at /jobs/{id}, counted once
        if (item.get && !paths[path]) {
          paths[path] = { get: rewrite(item.get) };
          operations++;
        }
        continue;
      }
      const op = rewrite(item.post) as Json;
      const tool = String(op['x-mcp-tool'] ?? op.operationId);
      op.operationId = ids.get(tool) ?? `${name}_${String(op.operationId)}`;
      op['x-mcp-server'] = name;
      paths[`/${name}${path}`] = { post: op };
      operations++;
    }
  }
  if (options.profile === 'gpt-actions' && operations > GPT_MAX_OPERATIONS) {
    throw new ProblemsFoundError(`the servers together have ${operations} operations, more than the ${GPT_MAX_OPERATIONS} ChatGPT imports in one action`, {
      hint: 'narrow them with --include/--exclude, or serve the servers separately (--server NAME)',
    });
  }
  const versions = parts.map((p) => `${p.name}@${p.spec.info.version}`).join(',');
  const hash = createHash('sha256').update(versions).digest('hex').slice(0, 8);
  return {
    openapi: parts[0]?.spec.openapi ?? '3.1.0',
    info: {
      title: options.title ?? `MCP servers: ${parts.map((p) => p.name).join(', ')}`,
      version: `1.0.0+${hash}`,
      description: parts.map((p) => `/${p.name}: ${p.spec.info.title}`).join('\n'),
    },
    servers: [{ url: options.serverUrl }],
    ...(parts[0]?.spec.security ? { security: parts[0].spec.security } : {}),
    paths,
    ...(Object.keys(components).length ? { components } : {}),
  } as OpenAPIObject;
}
