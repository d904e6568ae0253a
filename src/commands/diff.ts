/**
 * `mcp-actions diff OLD NEW`: classify every change between two specs as breaking or not.
 * Exit 0 · 1 when changes reach --fail-on (default: breaking) · 2 when a file cannot be read or parsed.
 */
import { UsageError } from '../errors.js';
import { diffSpecs } from '../validate/diff/diff-specs.js';
import { formatDiffJson, formatDiffText } from '../validate/diff/format-diff.js';
import { loadSpec } from '../validate/source-map.js';
import type { CommandIO } from './io.js';
import { readSpecFile } from './read-spec-file.js';

export interface DiffCommandOptions {
  format?: string;
  failOn?: string;
}

export async function diffCommand(oldPath: string, newPath: string, opts: DiffCommandOptions, io: CommandIO): Promise<number> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" is not one of text, json`, { hint: 'e.g. --format json' });
  const failOn = opts.failOn ?? 'breaking';
  if (!['breaking', 'any', 'none'].includes(failOn)) throw new UsageError(`--fail-on "${failOn}" is not one of breaking, any, none`, { hint: 'e.g. --fail-on breaking' });
  const [oldText, newText] = await Promise.all([readSpecFile(oldPath, io.cwd), readSpecFile(newPath, io.cwd)]);
  const report = diffSpecs(loadSpec(oldText, oldPath).document, loadSpec(newText, newPath).document);
  const files = { old: oldPath, new: newPath };
  io.stdout(format === 'json' ? formatDiffJson(report, files) : formatDiffText(report, files));
  if (failOn === 'breaking' && report.breaking > 0) return 1;
  if (failOn === 'any' && report.changes.length > 0) return 1;
  return 0;
}
