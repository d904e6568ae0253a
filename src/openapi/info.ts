/**
 * `info`: title and description from the server, and `info.version` = `<server version>+<short hash of
 * the tool schemas>`, so a changed tool list changes the version.
 */
import type { ToolCatalog } from '../mcp/catalog.js';
import { shortHash } from './naming.js';
import { stableStringify } from './walk.js';

/** 8 hex characters of the sha-256 of the tools (names, texts, schemas, annotations), order-independent. */
export function toolsHash(catalog: ToolCatalog): string {
  const tools = [...catalog.tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return shortHash(stableStringify(tools), 8);
}

export function specVersion(catalog: ToolCatalog): string {
  const base = catalog.server.version?.trim() || '0.0.0';
  return `${base}+${toolsHash(catalog)}`;
}

export function specTitle(catalog: ToolCatalog): string {
  return catalog.server.title?.trim() || catalog.server.name?.trim() || 'MCP server';
}
