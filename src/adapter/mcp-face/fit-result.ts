/**
 * The response cap (--max-response-chars) for MCP answers: a CallToolResult whose JSON is longer than the cap
 * loses its base64 payloads first (each replaced by a text item that describes it), then text from its end, with
 * the same marker the REST face uses. Structured content that alone is over the cap cannot be cut without
 * breaking its schema: the answer becomes a tool error saying so. Pure; the input is not changed.
 */
import { base64Size, truncationMarker, type ToolResultLike } from '../map-result.js';

type Item = Record<string, unknown>;

export function fitCallResult(result: ToolResultLike, maxChars: number): { result: ToolResultLike; json: string } {
  let json = JSON.stringify(result);
  if (json.length <= maxChars) return { result, json };
  const structured = result.structuredContent;
  if (structured !== undefined && JSON.stringify(structured).length > maxChars / 2) {
    const fitted: ToolResultLike = {
      content: [
        {
          type: 'text',
          text: `the tool answered ${json.length} characters, over the limit of ${maxChars} (--max-response-chars); ask for less (a narrower query or a smaller page)`,
        },
      ],
      isError: true,
    };
    return { result: fitted, json: JSON.stringify(fitted) };
  }
  const items = (Array.isArray(result.content) ? result.content : []).map((item) => withoutPayload(item as Item));
  let fitted: ToolResultLike = { ...result, content: items };
  json = JSON.stringify(fitted);
  if (json.length <= maxChars) return { result: fitted, json };
  // Cut text from the last text item backwards until it fits.
  for (let i = items.length - 1; i >= 0 && json.length > maxChars; i--) {
    const item = items[i]!;
    if (item.type !== 'text' || typeof item.text !== 'string') continue;
    const text = item.text;
    const excess = json.length - maxChars;
    let keep = Math.max(0, text.length - excess - 200);
    for (;;) {
      items[i] = { ...item, text: text.slice(0, keep) + truncationMarker(keep, text.length, maxChars) };
      fitted = { ...result, content: items };
      json = JSON.stringify(fitted);
      if (json.length <= maxChars || keep === 0) break;
      keep = Math.max(0, keep - (json.length - maxChars));
    }
  }
  if (json.length <= maxChars) return { result: fitted, json };
  const error: ToolResultLike = {
    content: [{ type: 'text', text: `the tool's answer does not fit in ${maxChars} characters (--max-response-chars), even cut; ask for less` }],
    isError: true,
  };
  return { result: error, json: JSON.stringify(error) };
}

/** An image/audio item or an embedded blob resource → a text item describing it; anything else as it is. */
function withoutPayload(item: Item): Item {
  if (!item || typeof item !== 'object') return item;
  if ((item.type === 'image' || item.type === 'audio') && typeof item.data === 'string') {
    return { type: 'text', text: `[${item.type}: ${String(item.mimeType ?? 'binary')}, ${base64Size(item.data)} bytes omitted by mcp-actions: the answer was over --max-response-chars]` };
  }
  const resource = item.resource as Item | undefined;
  if (item.type === 'resource' && resource && typeof resource.blob === 'string') {
    return { type: 'text', text: `[resource ${String(resource.uri ?? '')}: ${String(resource.mimeType ?? 'binary')}, ${base64Size(resource.blob)} bytes omitted by mcp-actions: the answer was over --max-response-chars]` };
  }
  return item;
}
