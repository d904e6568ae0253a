/** Parity check shared by the real-server tests: the adapter answers what a direct SDK client gets. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { expect } from 'vitest';
import { omitBinary } from '../../src/adapter/map-result.js';
import { callTool, specValidator } from './serve-helpers.js';

export interface ParityCase {
  tool: string;
  /** Arguments for the direct side and the adapter side (they may point at different roots). */
  args: { direct: Record<string, unknown>; adapter: Record<string, unknown> };
}

type Content = { type: string; text?: string; data?: string };

/** Finds the path of a tool's operation in the spec. */
export function pathOf(spec: OpenAPIObject, tool: string): string {
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    if ((item.post as Record<string, unknown> | undefined)?.['x-mcp-tool'] === tool) return path;
  }
  throw new Error(`no operation for tool ${tool}`);
}

/**
 * Calls `c.tool` directly and through the adapter and asserts the mapping (DESIGN.md "Responses"), and that
 * the adapter's body conforms to the schema the spec declares for its status. `normalize` removes what
 * legitimately differs between the two sides (a root directory, a clock time).
 */
export async function expectParity(
  direct: Client,
  base: string,
  spec: OpenAPIObject,
  c: ParityCase,
  normalize: (s: string) => string = (s) => s,
): Promise<number> {
  const conforms = specValidator(spec);
  const expected = await direct.callTool({ name: c.tool, arguments: c.args.direct });
  const path = pathOf(spec, c.tool);
  const answer = await callTool(base, path.slice('/tools/'.length), c.args.adapter);
  const label = `${c.tool}: ${answer.text.slice(0, 300)}`;
  const content = (expected.content ?? []) as Content[];
  const text = content.filter((i) => i.type === 'text').map((i) => i.text).join('\n');
  if (expected.isError) {
    expect(answer.status, label).toBe(422);
    expect(normalize(answer.body.error.message)).toBe(normalize(text));
  } else if (expected.structuredContent) {
    expect(answer.status, label).toBe(200);
    // base64 payloads inside structured content are replaced by a description (never a blob in the body)
    expect(normalize(JSON.stringify(answer.body))).toBe(normalize(JSON.stringify(omitBinary(expected.structuredContent, 0))));
  } else {
    expect(answer.status, label).toBe(200);
    expect(normalize(answer.body.result)).toBe(normalize(text));
    const others = content.filter((i) => i.type !== 'text').map((i) => i.type);
    expect((answer.body.content ?? []).map((d: { type: string }) => d.type)).toEqual(others);
  }
  for (const item of content) if (item.data) expect(answer.text, label).not.toContain(item.data.slice(0, 64));
  expect(conforms(path, answer.status, answer.body), label).toBeUndefined();
  return answer.status;
}

/** Clock times, ISO dates and session ids differ between two runs of the same call. */
export function withoutTimes(s: string): string {
  return s
    .replace(/session [0-9a-f-]{36}/g, 'session <ID>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<TIME>')
    .replace(/\d{1,2}:\d{2}:\d{2}\s?[AP]M/g, '<TIME>')
    .replace(/\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4} \([^)]*\)/g, '<TIME>');
}
