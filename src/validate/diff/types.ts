/** Shapes of a spec-to-spec comparison. */

export type ChangeSeverity = 'breaking' | 'non-breaking';

export interface Change {
  severity: ChangeSeverity;
  /** Stable kind of change, e.g. `required-property-added`, `enum-value-removed`. */
  code: string;
  /** operationId (the new one for renamed operations); absent for spec-wide changes. */
  operation?: string;
  /** Where in the operation: `request body › note.title`, `query parameter "limit"`, `response 200 › items[]`. */
  location?: string;
  message: string;
}

export interface DiffReport {
  changes: Change[];
  breaking: number;
  nonBreaking: number;
}

/** Both documents, for resolving local `$ref`s on each side. */
export interface DiffContext {
  old: Record<string, unknown>;
  new: Record<string, unknown>;
  out: Change[];
  operation?: string;
}

/** Request schemas are read by the server (narrowing breaks callers); response schemas are read by callers. */
export type Direction = 'request' | 'response';
