/**
 * Per-user values of `serve --per-user`: `--user-env NAME=TEMPLATE` (stdio) and `--user-header "Name: TEMPLATE"`
 * (HTTP), with two placeholders filled from the verified caller: `{user}`, a file-name-safe id, and `{token}`,
 * the raw credential the caller presented. Pure functions: parse once at start, render per user.
 */
import type { Identity } from '../identity/identity.js';
import type { Target } from '../../mcp/target.js';

/** A parsed template: literal text and placeholders, in order. */
export type TemplatePart = string | { placeholder: 'user' | 'token' };

export interface UserTemplates {
  /** Environment variables added to each user's stdio server. */
  env: Record<string, TemplatePart[]>;
  /** Headers added to each user's HTTP connection. */
  headers: Record<string, TemplatePart[]>;
}

/** Thrown for a template that names an unknown placeholder; the caller turns it into a usage error. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Splits a template into text and `{user}` / `{token}`; any other `{name}` is refused (a typo, surely). */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (name !== 'user' && name !== 'token') throw new TemplateError(`unknown placeholder {${name}} (only {user} and {token} are filled in)`);
    if (m.index > at) parts.push(template.slice(at, m.index));
    parts.push({ placeholder: name });
    at = m.index + m[0].length;
  }
  if (at < template.length) parts.push(template.slice(at));
  return parts;
}

/** True when a template uses `{token}`. */
export function usesToken(parts: readonly TemplatePart[]): boolean {
  return parts.some((p) => typeof p !== 'string' && p.placeholder === 'token');
}

/** What a hashed `{user}` looks like; a subject of that shape is hashed too, so two users never share a name. */
const HASHED = /^u-[A-Za-z0-9_-]{22}$/;
const SAFE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `{user}`: the OAuth subject when it is 1-64 characters of `[A-Za-z0-9._-]`, not `.` or `..` and not shaped like
 * a hashed id; otherwise (a static credential, a hostile or long subject) `u-` and the digest of the identity
 * key. Injective: a subject kept as is never has the hashed shape.
 */
export function userSlug(identity: Identity): string {
  const subject = identity.kind === 'oauth' ? identity.subject : undefined;
  if (subject !== undefined && SAFE.test(subject) && subject !== '.' && subject !== '..' && !HASHED.test(subject)) return subject;
  const digest = identity.key.slice(identity.key.indexOf(':') + 1);
  return `u-${digest.replace(/[^A-Za-z0-9_-]/g, '_').padEnd(22, '_').slice(0, 22)}`;
}

/**
 * Fills a template for one caller. Throws TemplateError when `{token}` is asked for and the caller presented
 * none, or when a value would carry a control character (NUL, CR, LF) into an environment or a header.
 */
export function renderTemplate(parts: readonly TemplatePart[], identity: Identity): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part.placeholder === 'user') out += userSlug(identity);
    else {
      if (identity.token === undefined) throw new TemplateError('{token} is used but the caller presented no token');
      out += identity.token;
    }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\0\r\n]/.test(out)) throw new TemplateError('a per-user value would hold a control character');
  return out;
}

/** The caller's own target: the shared one plus the rendered per-user environment (stdio) or headers (HTTP). */
export function userTarget(target: Target, templates: UserTemplates, identity: Identity): Target {
  const render = (table: Record<string, TemplatePart[]>) => Object.fromEntries(Object.entries(table).map(([name, parts]) => [name, renderTemplate(parts, identity)]));
  if (target.kind === 'stdio') return { ...target, env: { ...target.env, ...render(templates.env) } };
  return { ...target, headers: { ...target.headers, ...render(templates.headers) } };
}
