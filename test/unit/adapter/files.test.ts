/** Files out: which content items are files, their names, and the answer's cap with files inline or as URLs. */
import { describe, expect, it } from 'vitest';
import { collectFiles, fileName, isDocumentType } from '../../../src/adapter/files.js';
import { mapWithFiles } from '../../../src/adapter/invoke.js';
import { MemoryFileStore } from '../../../src/adapter/store/file-store.js';

const blob = (mimeType: string, bytes: number, uri = 'file:///x/report.pdf') => ({ type: 'resource', resource: { uri, mimeType, blob: Buffer.alloc(bytes, 7).toString('base64') } });

describe('isDocumentType', () => {
  it.each([
    ['application/pdf', true],
    ['text/csv; charset=utf-8', true],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', true],
    ['image/png', false],
    ['video/mp4', false],
    ['audio/wav', false],
    ['application/octet-stream', false],
    ['not a type', false],
    ['text/html\r\nX-Evil: 1', false],
  ])('%s → %s', (type, want) => expect(isDocumentType(type)).toBe(want));
});

describe('fileName', () => {
  it.each([
    ['file:///reports/quarterly%20report.pdf', 'application/pdf', 'quarterly report.pdf'],
    ['mem://exports/rows', 'text/csv', 'rows.csv'],
    ['https://x/a/../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['file:///x/%2e%2e%2fsecret.pdf', 'application/pdf', 'secret.pdf'],
    [undefined, 'application/pdf', 'file-3.pdf'],
    ['file:///x/"quoted";.pdf', 'application/pdf', 'quoted_.pdf'],
  ])('%s (%s) → %s', (uri, mime, want) => expect(fileName(uri, mime, 2)).toBe(want));
});

describe('collectFiles', () => {
  it('takes document blobs and CSV text, at most 10 of at most 10 MB; images, unknown bytes and plain text stay out', () => {
    const items = [
      { type: 'text', text: 'hi' },
      blob('application/pdf', 100),
      blob('image/png', 100, 'file:///x/a.png'),
      blob('application/octet-stream', 100, 'file:///x/a.bin'),
      { type: 'resource', resource: { uri: 'file:///x/n.txt', mimeType: 'text/plain', text: 'note' } },
      { type: 'resource', resource: { uri: 'file:///x/t.csv', mimeType: 'text/csv', text: 'a,b\n1,2\n' } },
      blob('application/pdf', 10 * 1024 * 1024 + 1, 'file:///x/huge.pdf'),
      ...Array.from({ length: 12 }, (_, i) => blob('application/pdf', 10, `file:///x/f${i}.pdf`)),
    ];
    const files = collectFiles(items);
    expect(files).toHaveLength(10);
    expect(files.slice(0, 3).map((f) => [f.name, f.mimeType, f.size])).toEqual([
      ['report.pdf', 'application/pdf', 100],
      ['t.csv', 'text/csv', 8],
      ['f0.pdf', 'application/pdf', 10],
    ]);
    expect(Buffer.from(files[1]!.base64, 'base64').toString()).toBe('a,b\n1,2\n');
  });
});

describe('mapWithFiles', () => {
  it('inline while the answer fits, else URLs from the store; the cap holds both ways; no files for errors or structured results', async () => {
    const store = new MemoryFileStore();
    const files = { store, baseUrl: 'https://a.example.com/' };
    const small = await mapWithFiles({ content: [{ type: 'text', text: 'x' }, blob('application/pdf', 3000)] }, 100_000, files);
    expect((small.body as { openaiFileResponse: unknown[] }).openaiFileResponse).toEqual([{ name: 'report.pdf', mime_type: 'application/pdf', content: Buffer.alloc(3000, 7).toString('base64') }]);
    expect(store.size.files).toBe(0);
    const big = await mapWithFiles({ content: [{ type: 'text', text: 'y'.repeat(50_000) }, blob('application/pdf', 60_000)] }, 100_000, files);
    expect(big.json.length).toBeLessThanOrEqual(100_000);
    const [url] = (big.body as { openaiFileResponse: string[] }).openaiFileResponse;
    expect(url).toMatch(/^https:\/\/a\.example\.com\/files\/[A-Za-z0-9_-]{32}$/);
    expect((await store.get(url!.split('/').pop()!))!.bytes).toEqual(Buffer.alloc(60_000, 7));
    // a text too long for the cap is cut, the URLs stay
    const cut = await mapWithFiles({ content: [{ type: 'text', text: 'z'.repeat(200_000) }, blob('application/pdf', 10)] }, 2000, files);
    expect(cut.json.length).toBeLessThanOrEqual(2000);
    expect((cut.body as { result: string; openaiFileResponse: unknown[] }).result).toContain('[truncated by mcp-actions');
    expect((await mapWithFiles({ isError: true, content: [{ type: 'text', text: 'bad' }, blob('application/pdf', 10)] }, 100_000, files)).status).toBe(422);
    const structured = await mapWithFiles({ structuredContent: { a: 1 }, content: [blob('application/pdf', 10)] }, 100_000, files);
    expect(structured.body).toEqual({ a: 1 });
    await store.close();
  });

  it('a file the store has no room for is only described', async () => {
    const store = new MemoryFileStore({ maxBytes: 1000 });
    const answer = await mapWithFiles({ content: [{ type: 'text', text: 'y'.repeat(5000) }, blob('application/pdf', 4000)] }, 6000, { store, baseUrl: 'https://a.example.com' });
    expect(answer.body).not.toHaveProperty('openaiFileResponse');
    expect((answer.body as { content: unknown[] }).content).toEqual([expect.objectContaining({ type: 'resource', size: 4000 })]);
    await store.close();
  });
});
