/**
 * `mcp-actions validate SPEC`: structural + GPT Actions checks, and with `--check` a drift check against the
 * live server. Exit 0 valid · 1 problems (errors, too many warnings, drift) · 2 unreadable spec or usage.
 */
import { UsageError } from '../errors.js';
import { formatReport, summaryLine, type ReportFormat } from '../validate/format-report.js';
import { loadSpec } from '../validate/source-map.js';
import { validateLoadedSpec, type ValidationProfile, type ValidationReport } from '../validate/validate-spec.js';
import type { CommandIO } from './io.js';
import { readSpecFile } from './read-spec-file.js';
import type { CheckOptions, DriftCheck } from './validate-check.js';

export interface ValidateCommandOptions extends CheckOptions {
  profile?: string;
  format?: string;
  maxWarnings?: string;
  check?: boolean;
}

const FORMATS: ReportFormat[] = ['text', 'json', 'github'];
const PROFILES: ValidationProfile[] = ['gpt-actions', 'generic'];

export async function validateCommand(specPath: string, operands: string[], opts: ValidateCommandOptions, io: CommandIO): Promise<number> {
  const format = pick(opts.format ?? 'text', FORMATS, '--format');
  const profile = pick(opts.profile ?? 'gpt-actions', PROFILES, '--profile');
  const maxWarnings = parseMaxWarnings(opts.maxWarnings);
  if (!opts.check && (operands.length > 0 || opts.url || opts.config || opts.template)) {
    throw new UsageError('a server or --template was given without --check', { hint: 'add --check to compare the spec with that server' });
  }
  const text = await readSpecFile(specPath, io.cwd);
  const loaded = loadSpec(text, specPath);
  const report = await validateLoadedSpec(loaded, { profile });
  // Only --check needs the MCP client, the generator and jsdiff: load them only then.
  const drift = opts.check ? await (await import('./validate-check.js')).checkDrift(specPath, text, loaded, operands, opts, io) : undefined;
  const stale = drift && !drift.result.upToDate ? `${specPath} is out of date: ${(await import('../validate/drift.js')).formatDriftSummary(drift.result.summary, drift.command)}` : undefined;

  io.stdout(render(report, drift, stale, format));
  if (format !== 'text') io.stderr(`${summaryLine(report)}\n`);
  let failed = report.errors > 0;
  if (maxWarnings !== undefined && report.warnings > maxWarnings) {
    io.stderr(`${report.warnings} warning${report.warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`);
    failed = true;
  }
  if (stale) {
    if (format !== 'text') io.stderr(`${stale}\n`);
    failed = true;
  }
  return failed ? 1 : 0;
}

/** `stale`: the one-line drift summary, when the spec is out of date. */
function render(report: ValidationReport, drift: DriftCheck | undefined, stale: string | undefined, format: ReportFormat): string {
  if (format === 'json') {
    const out = drift ? { ...report, drift: { upToDate: drift.result.upToDate, ...drift.result.summary, command: drift.command, patch: drift.result.patch } } : report;
    return `${JSON.stringify(out, null, 2)}\n`;
  }
  let out = formatReport(report, format);
  if (!drift) return out;
  const { result } = drift;
  if (result.upToDate || stale === undefined) return format === 'text' ? `${out}${report.file}: up to date with the server\n` : out;
  const line = stale;
  if (format === 'github') out += `::error file=${report.file},title=drift::${line.replace(/%/g, '%25')}\n`;
  return `${out}${result.patch}${format === 'text' ? `${line}\n` : ''}`;
}

function pick<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${value}" is not one of ${allowed.join(', ')}`, { hint: `e.g. ${flag} ${allowed[0]}` });
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-warnings "${value}" is not a whole number ≥ 0`, { hint: 'e.g. --max-warnings 0' });
  return n;
}
