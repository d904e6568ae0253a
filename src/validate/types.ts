/** Shapes shared by the validator: problems, rules and the context a rule reads. */

export type Severity = 'error' | 'warning';

/** One problem in a spec, located by JSON pointer and by line:column in the file. */
export interface Problem {
  rule: string;
  severity: Severity;
  message: string;
  hint: string;
  pointer: string;
  line: number;
  column: number;
}

/** What a rule reports: where, and a message specific to that place. */
export interface Finding {
  pointer: string;
  message: string;
}

/** One operation of the spec, as the rules see it. */
export interface OperationRef {
  path: string;
  method: string;
  /** JSON pointer of the operation object. */
  pointer: string;
  operation: Record<string, unknown>;
  /** The path item holding it (for path-level parameters). */
  pathItem: Record<string, unknown>;
}

export interface RuleContext {
  spec: Record<string, unknown>;
  /** Every operation under `paths`, in document order, for every HTTP method OpenAPI knows. */
  operations: OperationRef[];
}

/** A rule of the GPT Actions profile. `check` is pure and returns every place the spec breaks the rule. */
export interface Rule {
  id: string;
  severity: Severity;
  /** What the rule demands, in one line (the table in docs/validate.md). */
  description: string;
  /** What to do about a finding. */
  hint: string;
  check(ctx: RuleContext): Finding[];
}
