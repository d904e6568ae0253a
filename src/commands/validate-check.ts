/** Placeholder until the generator lands: the drift check needs buildSpec + serializeSpec. */
import { UsageError } from '../errors.js';
import type { LoadedSpec } from '../validate/source-map.js';
import type { CommandIO } from './io.js';
import type { TargetOptions } from './target-options.js';

export async function checkDrift(_path: string, _text: string, _loaded: LoadedSpec, _operands: string[], _opts: TargetOptions, _io: CommandIO): Promise<boolean> {
  throw new UsageError('--check is not available yet', { hint: 'it needs the generator' });
}
