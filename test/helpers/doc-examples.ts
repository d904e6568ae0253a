/**
 * The shell examples of README.md and docs/*.md, read from their Markdown:
 * - a ```sh (or bash, shell) block is a list of commands: each line, `\` continuations joined, `# …` lines
 *   skipped; when some lines start with `$ `, only those are commands and the lines under each are its output;
 * - a ```text block whose first line starts with `$ ` is a transcript: commands and their expected output;
 * - a ```json/```jsonc block whose first line is `// NAME` (a file name) is a file the examples use;
 * - `<!-- example: not run: REASON -->` on the line before a block says why it is not run (the reason is required);
 * - `<!-- example: exits N -->` before a block: its commands exit N instead of 0.
 */

export interface DocCommand {
  /** The command line as a shell would run it (continuations joined). */
  command: string;
  /** Lines the docs show as its output (stdout or stderr), if any. */
  output: string[];
}

export interface DocExample {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  commands: DocCommand[];
  /** Why it is not run, when marked so. */
  notRun?: string;
  exitCode: number;
}

export interface DocFile {
  file: string;
  name: string;
  content: string;
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const MARKER = /<!--\s*example:\s*(.*?)\s*-->/;

interface Fence {
  lang: string;
  line: number;
  body: string[];
  marker: string | undefined;
}

function fences(file: string, text: string): Fence[] {
  const lines = text.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    const before = lines[i - 1] ?? '';
    out.push({ lang: open[2]!, line: i + 1, body, marker: MARKER.exec(before)?.[1] });
    i = j;
  }
  return out;
}

/** Joins `\` continuations. */
function joinLines(lines: string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of lines) {
    const line = pending ? raw.trim() : raw;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\s*\\\s*$/, ' ');
      continue;
    }
    out.push(pending + line);
    pending = '';
  }
  if (pending) out.push(pending);
  return out;
}

function parseCommands(body: string[]): DocCommand[] {
  const lines = joinLines(body.map((l) => l.replace(/\s+$/, '')));
  if (lines.some((l) => l.startsWith('$ '))) {
    const out: DocCommand[] = [];
    for (const l of lines) {
      if (l.startsWith('$ ')) out.push({ command: l.slice(2), output: [] });
      else if (out.length > 0 && l.trim() !== '') out.at(-1)!.output.push(l);
    }
    return out;
  }
  return lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => ({ command: l.trim(), output: [] }));
}

function parseMarker(file: string, fence: Fence): { notRun?: string; exitCode: number } {
  if (fence.marker === undefined) return { exitCode: 0 };
  const notRun = /^not run:\s*(\S.*)$/.exec(fence.marker);
  if (notRun) return { notRun: notRun[1]!, exitCode: 0 };
  const exits = /^exits (\d+)$/.exec(fence.marker);
  if (exits) return { exitCode: Number(exits[1]) };
  throw new Error(`${file}:${fence.line - 1}: unknown example marker "${fence.marker}" (use "not run: REASON" or "exits N")`);
}

/** The shell examples and transcripts of one Markdown file. */
export function readExamples(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  for (const fence of fences(file, text)) {
    const transcript = fence.lang === 'text' && fence.body[0]?.startsWith('$ ');
    if (!SHELL.has(fence.lang) && !transcript) {
      if (fence.marker !== undefined) throw new Error(`${file}:${fence.line}: an example marker on a block that is not a shell example`);
      continue;
    }
    out.push({ file, line: fence.line, commands: parseCommands(fence.body), ...parseMarker(file, fence) });
  }
  return out;
}

/** The files the examples use: ```json/```jsonc blocks that start with `// NAME`. */
export function readDocFiles(file: string, text: string): DocFile[] {
  const out: DocFile[] = [];
  for (const fence of fences(file, text)) {
    if (fence.lang !== 'json' && fence.lang !== 'jsonc') continue;
    const name = /^\/\/\s*(\S+\.\w+)\s*$/.exec(fence.body[0] ?? '')?.[1];
    if (name) out.push({ file, name, content: fence.body.slice(1).join('\n') + '\n' });
  }
  return out;
}
