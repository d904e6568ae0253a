/**
 * Files out (GPT profile): the document files of a tool result — embedded resources with base64 `blob` data of a
 * document MIME type, and CSV/TSV text resources — for ChatGPT's `openaiFileResponse`. ChatGPT takes at most 10
 * files of at most 10 MB each and no images or video (OpenAI: actions/sending-files). Pure.
 */
import { FILE_MAX_BYTES, MAX_FILES } from '../openapi/components.js';
import { base64Size } from './map-result.js';

export interface FileCandidate {
  name: string;
  mimeType: string;
  /** The file as base64 (as the server sent it, or encoded from text). */
  base64: string;
  size: number;
}

/** An `openaiFileResponse` entry: the file inline, or a URL ChatGPT downloads it from. */
export type FileRef = { name: string; mime_type: string; content: string } | string;

const NOT_DOCUMENTS = /^(?:image|video|audio|font|model|multipart)\//i;
const TEXT_FILES = new Set(['text/csv', 'text/tab-separated-values']);

/** A MIME type ChatGPT takes as a returned file: not an image, video or audio, not unknown bytes. */
export function isDocumentType(mimeType: string): boolean {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && !NOT_DOCUMENTS.test(type) && type !== 'application/octet-stream';
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** A safe file name from the resource URI's last segment, with an extension for its MIME type. */
export function fileName(uri: unknown, mimeType: string, index: number): string {
  let base = '';
  if (typeof uri === 'string') {
    const path = uri.replace(/[?#].*$/, '');
    const last = path.slice(path.lastIndexOf('/') + 1);
    try {
      base = decodeURIComponent(last);
    } catch {
      base = last;
    }
  }
  base = base.replace(/[^\w.() -]+/g, '_').replace(/^[.\s_]+/, '').slice(0, 100);
  const ext = EXTENSIONS[mimeType.split(';')[0]!.trim().toLowerCase()];
  if (base === '') base = `file-${index + 1}`;
  if (ext && !base.toLowerCase().endsWith(`.${ext}`) && !/\.[a-z0-9]{1,5}$/i.test(base)) base = `${base}.${ext}`;
  return base;
}

/** The files of a result's content items, in order: at most 10, each at most 10 MB (others stay described only). */
export function collectFiles(items: readonly unknown[]): FileCandidate[] {
  const out: FileCandidate[] = [];
  for (const item of items) {
    if (out.length >= MAX_FILES) break;
    const c = item as { type?: unknown; resource?: Record<string, unknown> };
    if (!c || c.type !== 'resource' || !c.resource || typeof c.resource !== 'object') continue;
    const r = c.resource;
    const declared = typeof r.mimeType === 'string' ? r.mimeType : '';
    if (!declared || !isDocumentType(declared)) continue;
    // The bare type: it becomes a Content-Type header, and parameters are the server's to get wrong.
    const mimeType = declared.split(';')[0]!.trim().toLowerCase();
    let base64: string;
    let size: number;
    if (typeof r.blob === 'string') {
      base64 = r.blob;
      size = base64Size(base64);
    } else if (typeof r.text === 'string' && TEXT_FILES.has(mimeType)) {
      const bytes = Buffer.from(r.text, 'utf8');
      base64 = bytes.toString('base64');
      size = bytes.length;
    } else continue;
    if (size > FILE_MAX_BYTES || size === 0) continue;
    out.push({ name: fileName(r.uri, mimeType, out.length), mimeType, base64, size });
  }
  return out;
}
