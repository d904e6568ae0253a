/**
 * An MCP CallToolResult → the text a model reads as the function's output: the structured content as JSON
 * when there is some, else the text items; other items are described, never pasted as base64. Pure.
 */

interface ContentItem {
  type: string;
  text?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; text?: string; mimeType?: string };
}

export interface ToolResultLike {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
  /** Protocol 2024-10-07 results carry `toolResult` instead of content. */
  toolResult?: unknown;
  [key: string]: unknown;
}

export function formatToolResult(result: ToolResultLike): string {
  if (result.content === undefined && result.toolResult !== undefined) return JSON.stringify(result.toolResult);
  const items = (Array.isArray(result.content) ? result.content : []) as ContentItem[];
  const body =
    result.structuredContent !== undefined && result.isError !== true
      ? JSON.stringify(result.structuredContent)
      : items.map(describeItem).filter((s) => s !== '').join('\n');
  return result.isError === true ? `Error: ${body}` : body;
}

function describeItem(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return item.text ?? '';
    case 'image':
    case 'audio':
      return `[${item.type} ${item.mimeType ?? ''}]`.replace(' ]', ']');
    case 'resource_link':
      return `[resource ${item.name ?? ''} ${item.uri ?? ''}]`.replace(/\s+/g, ' ').replace(' ]', ']');
    case 'resource':
      return item.resource?.text ?? `[resource ${item.resource?.uri ?? ''}]`;
    default:
      return `[${item.type}]`;
  }
}
