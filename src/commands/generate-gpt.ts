/**
 * `mcp-actions generate gpt`: the Custom GPT bundle in --out-dir: openapi.yaml, instructions.md,
 * privacy-policy.md, SETUP.md, and PLUGIN.md (the same adapter as a ChatGPT plugin, for users moving off GPTs).
 * The texts come from templates/, overridable with --templates DIR.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../errors.js';
import { renderInstructions } from '../openapi/gpt-instructions.js';
import { bundleValues, renderBundleText } from '../openapi/gpt-setup.js';
import { formatNote } from '../openapi/notes.js';
import { unknownPlaceholders } from '../openapi/render-template.js';
import { serializeSpec } from '../openapi/serialize.js';
import { chooseTokenExchange } from '../oauth/client-setup.js';
import { generateSpec } from './generate.js';
import type { OAuthIssuerFlags } from './generate-oauth.js';
import type { CommandIO } from './io.js';
import type { SpecFlags } from './spec-options.js';
import type { TargetOptions } from './target-options.js';

export interface GenerateGptOptions extends TargetOptions, SpecFlags, OAuthIssuerFlags {
  outDir?: string;
  templates?: string;
  privacyUrl?: string;
  force?: boolean;
}

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
export const BUNDLE_TEXTS = ['instructions.md', 'privacy-policy.md', 'SETUP.md', 'PLUGIN.md'] as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** A text template: from --templates DIR when it has the file, else the bundled one. */
async function readTemplate(name: string, dir: string | undefined, cwd: string): Promise<string> {
  const candidates = dir === undefined ? [] : [join(resolve(cwd, dir), name)];
  candidates.push(join(TEMPLATES_DIR, name));
  for (const file of candidates) {
    if (await exists(file)) return readFile(file, 'utf8');
  }
  throw new ConfigError(`template ${name} not found`, { hint: `put ${name} in the --templates directory` });
}

export async function generateGptCommand(operands: string[], opts: GenerateGptOptions, io: CommandIO): Promise<number> {
  if (!opts.outDir) throw new UsageError('--out-dir is required', { hint: 'e.g. --out-dir gpt' });
  if (opts.privacyUrl !== undefined && !/^https:\/\/\S+$/i.test(opts.privacyUrl)) {
    throw new UsageError(`--privacy-url "${opts.privacyUrl}" is not an https URL`, { hint: 'the GPT builder needs a public https URL' });
  }
  if (opts.templates !== undefined && !(await exists(resolve(io.cwd, opts.templates)))) {
    throw new ConfigError(`--templates directory not found: ${opts.templates}`, { hint: 'check the path' });
  }
  const outDir = resolve(io.cwd, opts.outDir);
  const files = ['openapi.yaml', ...BUNDLE_TEXTS];
  if (!opts.force) {
    const present = [];
    for (const f of files) if (await exists(join(outDir, f))) present.push(f);
    if (present.length) throw new UsageError(`${opts.outDir} already has ${present.join(', ')}`, { hint: 'pass --force to overwrite, or another --out-dir' });
  }
  const templates = Object.fromEntries(
    await Promise.all(BUNDLE_TEXTS.map(async (n) => [n, await readTemplate(n, opts.templates, io.cwd)] as const)),
  ) as Record<(typeof BUNDLE_TEXTS)[number], string>;

  const { catalog, result, specOptions, issuer } = await generateSpec(operands, opts, io);
  const instructions = renderInstructions(templates['instructions.md'], catalog, result, specOptions.consequential);
  const values = bundleValues(catalog, result, specOptions.auth ?? { type: 'none' }, {
    privacyUrl: opts.privacyUrl,
    ...(issuer ? { oauth: { issuer: issuer.issuer, exchange: chooseTokenExchange(issuer.metadata) } } : {}),
  });
  const out: Record<string, string> = {
    'openapi.yaml': serializeSpec(result.spec, 'yaml'),
    'instructions.md': instructions.text.endsWith('\n') ? instructions.text : `${instructions.text}\n`,
    'privacy-policy.md': renderBundleText(templates['privacy-policy.md'], values),
    'SETUP.md': renderBundleText(templates['SETUP.md'], values),
    'PLUGIN.md': renderBundleText(templates['PLUGIN.md'], values),
  };
  for (const note of instructions.notes) io.stderr(`${formatNote(note)}\n`);
  for (const name of ['privacy-policy.md', 'SETUP.md', 'PLUGIN.md'] as const) {
    const unknown = unknownPlaceholders(templates[name], values);
    if (unknown.length) io.stderr(`warning: ${name}: unknown placeholders ${unknown.map((u) => `{{${u}}}`).join(', ')} left as they are\n`);
  }
  try {
    await mkdir(outDir, { recursive: true });
    for (const f of files) await writeFile(join(outDir, f), out[f]!);
  } catch (error) {
    throw new ConfigError(`cannot write to ${opts.outDir} (${(error as NodeJS.ErrnoException).code})`, { hint: 'check the path and permissions', cause: error });
  }
  io.stdout(`${files.map((f) => join(opts.outDir!, f)).join('\n')}\n`);
  return 0;
}
