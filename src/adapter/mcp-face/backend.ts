/**
 * What the MCP face serves: the tools the REST face routes (the same RouteTable, so `tools/list` can never show
 * a tool that REST does not serve, nor the reverse), with their original names and schemas; the upstream's
 * resources and prompts when it has them; and the events that clients must hear about.
 */
import type { CatalogTool, ToolCatalog } from '../../mcp/catalog.js';
import type { RouteTable, ToolEntry } from '../routes.js';
import type { ForwardedNotification, ToolCaller } from '../upstream.js';

export interface FaceTool {
  /** The name clients call it by. */
  name: string;
  entry: ToolEntry;
  /** The upstream that runs it (in-flight limited). */
  caller: ToolCaller;
}

export interface FaceToolSet {
  byName: Map<string, FaceTool>;
  /** The `tools` array of tools/list, built once per catalog. */
  listed: Record<string, unknown>[];
}

export interface FaceServerInfo {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
}

/** Capabilities passed through from the upstream (tools are always served). */
export interface PassThrough {
  caller: ToolCaller;
  resources?: { listChanged?: boolean };
  prompts?: { listChanged?: boolean };
  completions?: Record<string, never>;
}

export type BackendEvent = { kind: 'tools' } | { kind: 'notification'; method: ForwardedNotification; params: Record<string, unknown> };

export interface FaceBackend {
  readonly ready: boolean;
  /** Seconds until the upstream may be back (Retry-After), when it is down. */
  retryAfterSeconds?(): number;
  server(): FaceServerInfo;
  tools(): FaceToolSet;
  /** Resources/prompts/completion of the upstream, when it offers them and can pass requests through. */
  passThrough(): PassThrough | undefined;
  /** Subscribes to tool list changes and forwarded notifications; returns the unsubscribe. */
  subscribe(listener: (event: BackendEvent) => void): () => void;
}

/** A tools/list entry: the tool as the upstream described it (execution left out: the face runs no tasks). */
export function toolDefinition(tool: CatalogTool, name = tool.name): Record<string, unknown> {
  const out: Record<string, unknown> = { name };
  if (tool.title !== undefined) out.title = tool.title;
  if (tool.description !== undefined) out.description = tool.description;
  out.inputSchema = tool.inputSchema;
  if (tool.outputSchema !== undefined) out.outputSchema = tool.outputSchema;
  if (tool.annotations !== undefined) out.annotations = tool.annotations;
  return out;
}

/** The tools of one RouteTable in catalog order (sorted by name). */
export function toolSetOf(catalog: ToolCatalog, routes: RouteTable, caller: ToolCaller, prefix = ''): { tools: FaceTool[]; listed: Record<string, unknown>[] } {
  const tools: FaceTool[] = [];
  const listed: Record<string, unknown>[] = [];
  for (const tool of catalog.tools) {
    const entry = routes.byTool.get(tool.name);
    if (!entry) continue;
    const name = prefix + tool.name;
    tools.push({ name, entry, caller });
    listed.push(toolDefinition(entry.tool, name));
  }
  return { tools, listed };
}

function capabilityOf(caps: Record<string, unknown> | undefined, key: string): { listChanged?: boolean } | undefined {
  const value = caps?.[key];
  if (!value || typeof value !== 'object') return undefined;
  const listChanged = (value as { listChanged?: unknown }).listChanged;
  return listChanged === true ? { listChanged: true } : {};
}

export interface SingleBackendOptions {
  upstream: ToolCaller & { retryAfterSeconds?(): number };
  /** The adapter's current publication (routes and catalog), read on every change. */
  current(): { catalog: ToolCatalog; routes: RouteTable };
}

/**
 * The backend of one server. `toolsChanged()` is called by the adapter once it has rebuilt its routes after
 * a catalog change, so the face lists exactly what REST serves at every moment.
 */
export function singleBackend(options: SingleBackendOptions): FaceBackend & { toolsChanged(): void; dispose(): void } {
  const { upstream } = options;
  const listeners = new Set<(event: BackendEvent) => void>();
  let cachedFor: RouteTable | undefined;
  let cached: FaceToolSet | undefined;
  const emit = (event: BackendEvent) => {
    for (const listener of listeners) listener(event);
  };
  const onNotification = (method: ForwardedNotification, params: Record<string, unknown>) => emit({ kind: 'notification', method, params });
  upstream.on?.('notification', onNotification);
  return {
    get ready() {
      return upstream.ready;
    },
    retryAfterSeconds: upstream.retryAfterSeconds ? () => upstream.retryAfterSeconds!() : undefined,
    server() {
      const { server } = options.current().catalog;
      return {
        name: server.name,
        version: server.version,
        ...(server.title ? { title: server.title } : {}),
        ...(server.instructions ? { instructions: server.instructions } : {}),
      };
    },
    tools() {
      const { catalog, routes } = options.current();
      if (cachedFor !== routes || !cached) {
        const { tools, listed } = toolSetOf(catalog, routes, upstream);
        cached = { byName: new Map(tools.map((t) => [t.name, t])), listed };
        cachedFor = routes;
      }
      return cached;
    },
    passThrough() {
      if (!upstream.request) return undefined;
      const caps = options.current().catalog.server.capabilities;
      const resources = capabilityOf(caps, 'resources');
      const prompts = capabilityOf(caps, 'prompts');
      const completions = caps?.completions && typeof caps.completions === 'object' ? {} : undefined;
      if (!resources && !prompts && !completions) return undefined;
      return { caller: upstream, ...(resources ? { resources } : {}), ...(prompts ? { prompts } : {}), ...(completions ? { completions } : {}) };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    toolsChanged: () => emit({ kind: 'tools' }),
    dispose: () => upstream.off?.('notification', onNotification),
  };
}

export interface CombinedPart {
  name: string;
  caller: ToolCaller;
  /** The server's catalog and routes now; undefined while it has not come up. */
  current(): { catalog: ToolCatalog; routes: RouteTable } | undefined;
  readonly ready: boolean;
}

/**
 * The backend of the combined `/mcp` of several servers: every server's tools, named `{server}_{tool}` as the
 * combined spec names their operations; resources and prompts stay on each server's own `/{server}/mcp`.
 * `toolsChanged()` is called when a server comes up or its tool list changes.
 */
export function combinedBackend(parts: readonly CombinedPart[]): FaceBackend & { toolsChanged(): void } {
  const listeners = new Set<(event: BackendEvent) => void>();
  let key: unknown[] = [];
  let cached: FaceToolSet | undefined;
  const names = parts.map((p) => p.name);
  return {
    get ready() {
      return parts.some((p) => p.ready);
    },
    server: () => ({
      name: 'mcp-actions',
      version: '1.0.0',
      instructions: `Tools of ${names.length} MCP servers (${names.join(', ')}), each named "<server>_<tool>".`,
    }),
    tools() {
      const now = parts.map((p) => p.current()?.routes);
      if (!cached || now.some((routes, i) => routes !== key[i])) {
        const byName = new Map<string, FaceTool>();
        const listed: Record<string, unknown>[] = [];
        for (const part of parts) {
          const current = part.current();
          if (!current) continue;
          const set = toolSetOf(current.catalog, current.routes, part.caller, `${part.name}_`);
          set.tools.forEach((tool, i) => {
            if (byName.has(tool.name)) return; // "a_b" + "c" vs "a" + "b_c": the first server keeps the name
            byName.set(tool.name, tool);
            listed.push(set.listed[i]!);
          });
        }
        cached = { byName, listed };
        key = now;
      }
      return cached;
    },
    passThrough: () => undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    toolsChanged() {
      for (const listener of listeners) listener({ kind: 'tools' });
    },
  };
}
