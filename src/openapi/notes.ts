/** Notes: what the generator changed or could not keep, reported on stderr by the commands. */

export interface SpecNote {
  tool?: string;
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
}

/** One line for stderr: `warning: tool "x": message`. */
export function formatNote(note: SpecNote): string {
  return `${note.level}: ${note.tool === undefined ? '' : `tool "${note.tool}": `}${note.message}`;
}
