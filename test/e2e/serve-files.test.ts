/**
 * Files out through the built CLI (GPT profile): a small PDF comes back inline in openaiFileResponse with the same
 * bytes; a 5 MB one as a download URL served by the adapter with the same bytes until it expires; the answer stays
 * within the 100,000-character cap both times. --files none leaves them described only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { callTool, request, stopChild } from './serve-helpers.js';

const LONG = 'fixtures/servers/long-running.mjs';
const PUBLIC = 'https://files.example.com';
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map(stopChild));
});

async function serve(args: string[]) {
  // A public URL keeps the GPT profile (files are a GPT Actions feature); calls go to the local address.
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--log-level', 'warn', '--public-url', PUBLIC, ...args, '--', process.execPath, LONG], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, exit };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const reportedSha = (result: string) => /sha256 ([0-9a-f]{64})/.exec(result)![1];

describe('serve: files out', () => {
  it('a small PDF inline, a 5 MB PDF as a download URL until it expires, CSV text as a file; the cap holds', async () => {
    const s = await serve(['--files-ttl', '4000']);
    const spec = (await request(`${s.url}/openapi.json`)).body;
    expect(spec.components.schemas.ToolResult.properties.openaiFileResponse).toMatchObject({ type: 'array', maxItems: 10 });

    const small = await callTool(s.url, 'report_pdf', { bytes: 20_000 });
    expect(small.status).toBe(200);
    expect(small.text.length).toBeLessThanOrEqual(100_000);
    const [inline] = small.body.openaiFileResponse;
    expect(inline).toEqual({ name: 'quarterly report.pdf', mime_type: 'application/pdf', content: expect.any(String) });
    const bytes = Buffer.from(inline.content, 'base64');
    expect(bytes.length).toBe(20_000);
    expect(sha(bytes)).toBe(reportedSha(small.body.result));
    expect(bytes.subarray(0, 8).toString()).toBe('%PDF-1.4');
    // still described for readers that do not know openaiFileResponse, never as base64
    expect(small.body.content).toEqual([{ type: 'resource', uri: 'file:///reports/quarterly%20report.pdf', mimeType: 'application/pdf', size: 20_000 }]);

    const big = await callTool(s.url, 'report_pdf', { bytes: 5 * 1024 * 1024 });
    expect(big.status).toBe(200);
    expect(big.text.length).toBeLessThanOrEqual(100_000);
    const [link] = big.body.openaiFileResponse;
    expect(link).toMatch(new RegExp(`^${PUBLIC}/files/[A-Za-z0-9_-]{32}$`));
    const local = link.replace(PUBLIC, s.url);
    const res = await fetch(local);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="quarterly report.pdf"; filename*=UTF-8''quarterly%20report.pdf`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const downloaded = Buffer.from(await res.arrayBuffer());
    expect(downloaded.length).toBe(5 * 1024 * 1024);
    expect(sha(downloaded)).toBe(reportedSha(big.body.result));
    // another id is not that file; a guessed one is nothing
    expect((await fetch(`${s.url}/files/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 4300));
    const expired = await fetch(local);
    expect(expired.status).toBe(404);
    expect(await expired.json()).toMatchObject({ error: { type: 'not_found' } });

    const csv = await callTool(s.url, 'export_csv', {});
    expect(csv.body.openaiFileResponse).toEqual([{ name: 'rows.csv', mime_type: 'text/csv', content: Buffer.from('city,celsius\nOslo,-3\nLisbon,17\n').toString('base64') }]);
    // the image is no file (ChatGPT takes none): described only
    expect(csv.body.content.map((c: { type: string }) => c.type)).toEqual(['resource', 'image']);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('--files none: no openaiFileResponse in the answer nor in the spec', async () => {
    const s = await serve(['--files', 'none']);
    const spec = (await request(`${s.url}/openapi.json`)).body;
    expect(spec.components.schemas.ToolResult.properties.openaiFileResponse).toBeUndefined();
    const small = await callTool(s.url, 'report_pdf', { bytes: 2000 });
    expect(small.status).toBe(200);
    expect(small.body.openaiFileResponse).toBeUndefined();
    expect(small.body.content).toEqual([expect.objectContaining({ type: 'resource', mimeType: 'application/pdf', size: 2000 })]);
    expect((await fetch(`${s.url}/files/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });
});
