import { describe, expect, it } from 'vitest';
import { digestKey, type Identity } from '../../../../src/adapter/identity/identity.js';
import { parseTemplate, renderTemplate, TemplateError, userSlug, userTarget } from '../../../../src/adapter/upstream/user-template.js';

const oauth = (subject: string, token = 'tok'): Identity => ({ key: digestKey('oauth', `https://issuer\n${subject}`), kind: 'oauth', subject, token });
const HASHED = /^u-[A-Za-z0-9_-]{22}$/;

describe('userSlug', () => {
  it.each([
    ['alice', 'alice'],
    ['user.name_1-2', 'user.name_1-2'],
    ['.hidden', '.hidden'],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('keeps a safe subject %j', (subject, want) => expect(userSlug(oauth(subject))).toBe(want));

  it.each([
    ['../../etc/passwd'],
    ['..'],
    ['.'],
    ['a/b'],
    ['a\0b'],
    ['a'.repeat(65)],
    ['x'.repeat(100_000)],
    ['alice@example.com'],
    ['élise'],
    [''],
    ['with space'],
    ['u-AAAAAAAAAAAAAAAAAAAAAA'], // shaped like a hash: hashed too, so nobody can take another's name
  ])('hashes %j', (subject) => {
    const slug = userSlug(oauth(subject));
    expect(slug).toMatch(HASHED);
    expect(slug).not.toBe(subject);
  });

  it('gives two subjects two names, the same subject the same name', () => {
    const hostile = userSlug(oauth('alice@example.com'));
    expect(userSlug(oauth(hostile))).not.toBe(hostile);
    expect(userSlug(oauth('alice@example.com'))).toBe(hostile);
    expect(userSlug(oauth('bob@example.com'))).not.toBe(hostile);
  });

  it('never uses a static credential itself', () => {
    const id: Identity = { key: digestKey('cred', 'alice-key'), kind: 'credential', token: 'alice-key' };
    expect(userSlug(id)).toMatch(HASHED);
    expect(userSlug(id)).not.toContain('alice');
  });
});

describe('templates', () => {
  it('parses {user} and {token}, refuses other placeholders, leaves other braces', () => {
    expect(parseTemplate('/data/{user}.jsonl')).toEqual(['/data/', { placeholder: 'user' }, '.jsonl']);
    expect(parseTemplate('Bearer {token}')).toEqual(['Bearer ', { placeholder: 'token' }]);
    expect(parseTemplate('{"a": 1}')).toEqual(['{"a": 1}']);
    expect(() => parseTemplate('{usr}')).toThrow(TemplateError);
  });

  it('renders per caller, and refuses a control character in a value', () => {
    expect(renderTemplate(parseTemplate('/d/{user}-{token}'), oauth('bob', 't1'))).toBe('/d/bob-t1');
    expect(() => renderTemplate(parseTemplate('{token}'), oauth('bob', 'a\r\nX-Evil: 1'))).toThrow(TemplateError);
    expect(() => renderTemplate(parseTemplate('{token}'), { key: 'cred:x', kind: 'credential' })).toThrow(/no token/);
  });

  it('adds the per-user env to a stdio target and headers to an HTTP one, keeping the shared ones', () => {
    const templates = { env: { MEMORY_FILE_PATH: parseTemplate('/data/{user}.jsonl') }, headers: { Authorization: parseTemplate('Bearer {token}') } };
    const stdio = userTarget({ kind: 'stdio', command: 'node', args: [], env: { A: '1' } }, templates, oauth('bob', 'gh'));
    expect(stdio).toMatchObject({ env: { A: '1', MEMORY_FILE_PATH: '/data/bob.jsonl' } });
    const http = userTarget({ kind: 'http', url: 'https://x/mcp', headers: { 'X-A': '1' }, transport: 'auto' }, templates, oauth('bob', 'gh'));
    expect(http).toMatchObject({ headers: { 'X-A': '1', Authorization: 'Bearer gh' } });
  });
});
