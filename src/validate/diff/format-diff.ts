/** Renders a diff report as text or JSON. Pure. */
import type { DiffReport } from './types.js';

export function formatDiffText(report: DiffReport, files: { old: string; new: string }): string {
  const lines = report.changes.map((c) => {
    const tag = c.severity === 'breaking' ? 'BREAKING    ' : 'non-breaking';
    const where = [c.operation, c.location].filter(Boolean).join(' › ');
    return `${tag}  ${where ? `${where}: ` : ''}${c.message}  [${c.code}]`;
  });
  const plural = (n: number, w: string) => `${n} ${w} change${n === 1 ? '' : 's'}`;
  lines.push(
    report.changes.length === 0
      ? `no changes between ${files.old} and ${files.new}`
      : `${plural(report.breaking, 'breaking')}, ${plural(report.nonBreaking, 'non-breaking')} (${files.old} → ${files.new})`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatDiffJson(report: DiffReport, files: { old: string; new: string }): string {
  return `${JSON.stringify({ old: files.old, new: files.new, ...report }, null, 2)}\n`;
}
