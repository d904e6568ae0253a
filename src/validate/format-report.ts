/** Renders a validation report as text, JSON or GitHub Actions workflow commands. Pure. */
import type { ValidationReport } from './validate-spec.js';

export type ReportFormat = 'text' | 'json' | 'github';

export function formatReport(report: ValidationReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'github') return formatGithub(report);
  return formatText(report);
}

function formatText(report: ValidationReport): string {
  const lines = report.problems.map(
    (p) => `${report.file}:${p.line}:${p.column}  ${p.severity.padEnd(7)}  ${p.message}  [${p.rule}]\n    at ${p.pointer || '/'}; fix: ${p.hint}`,
  );
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: ValidationReport): string {
  if (report.problems.length === 0) return `${report.file}: valid (${report.profile} profile)`;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${report.file}: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')} (${report.profile} profile)`;
}

/** `::error file=…,line=…,col=…,title=…::message` — one per problem, escaped per the workflow-command rules. */
function formatGithub(report: ValidationReport): string {
  const out = report.problems.map((p) => {
    const props = [`file=${escapeProperty(report.file)}`, `line=${p.line}`, `col=${p.column}`, `title=${escapeProperty(p.rule)}`].join(',');
    return `::${p.severity} ${props}::${escapeData(`${p.message} (fix: ${p.hint})`)}`;
  });
  return out.length ? `${out.join('\n')}\n` : '';
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
