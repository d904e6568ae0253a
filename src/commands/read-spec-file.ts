/** Reads a spec file for validate/diff, turning I/O failures into one-line ConfigErrors (exit 2). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export async function readSpecFile(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError(`spec file ${path} ${why}`, { hint: 'pass the path of an OpenAPI YAML or JSON file', cause: error });
  }
}
