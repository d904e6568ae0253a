/**
 * `mcp-actions validate SPEC`: structural + GPT Actions checks, and with `--check` a drift check against the
 * live server. Exit 0 valid · 1 problems (errors, too many warnings, drift) · 2 unreadable spec or usage.
 */
import { UsageError } from '../errors.js';
import { formatReport, summaryLine, type ReportFormat } from '../validate/format-report.js';
import { loadSpec } from '../validate/source-map.js';
import { validateLoadedSpec, type ValidationProfile } from '../validate/validate-spec.js';
import type { CommandIO } from './io.js';
import { readSpecFile } from './read-spec-file.js';
import type { TargetOptions } from './target-options.js';

export interface ValidateCommandOptions extends TargetOptions {
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
  if (!opts.check && (operands.length > 0 || opts.url || opts.config)) {
    throw new UsageError('a server was given without --check', { hint: 'add --check to compare the spec with that server' });
  }
  const text = await readSpecFile(specPath, io.cwd);
  const loaded = loadSpec(text, specPath);
  const report = await validateLoadedSpec(loaded, { profile });
  io.stdout(formatReport(report, format));
  if (format !== 'text') io.stderr(`${summaryLine(report)}\n`);
  let failed = report.errors > 0;
  if (maxWarnings !== undefined && report.warnings > maxWarnings) {
    io.stderr(`${report.warnings} warning${report.warnings === 1 ? "" : "s"}, more than --max-warnings ${maxWarnings}\n`);
    failed = true;
  }
  if (opts.check) {
    const { checkDrift } = await import('./validate-check.js');
    if (!(await checkDrift(specPath, text, loaded, operands, opts, io))) failed = true;
  }
  return failed ? 1 : 0;
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
