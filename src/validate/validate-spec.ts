/**
 * The validator: structural checks (swagger-parser, no external refs) + the GPT Actions rule table, every
 * problem located by JSON pointer and line:column. Pure apart from swagger-parser's in-memory work.
 */
import { listOperations } from './operations.js';
import { GPT_ACTIONS_RULES } from './rules/index.js';
import { loadSpec, type LoadedSpec } from './source-map.js';
import { checkStructure } from './structural.js';
import type { Problem, Rule } from './types.js';

export type ValidationProfile = 'gpt-actions' | 'generic';

export interface ValidateOptions {
  /** 'gpt-actions' (default) applies the rule table; 'generic' checks OpenAPI structure only. */
  profile?: ValidationProfile;
}

export interface ValidationReport {
  file: string;
  profile: ValidationProfile;
  problems: Problem[];
  errors: number;
  warnings: number;
}

/** Structural rules, listed like the GPT rules so every id in a report is documented. */
export const STRUCTURAL_RULES: readonly Pick<Rule, 'id' | 'severity' | 'description' | 'hint'>[] = [
  { id: 'openapi-structure', severity: 'error', description: 'the document is valid OpenAPI 3.x (swagger-parser schema)', hint: 'fix the field as the OpenAPI specification describes it' },
  { id: 'ref-unresolved', severity: 'error', description: 'every local $ref points to something', hint: 'point the $ref at an existing component, e.g. #/components/schemas/Name' },
];

/** Parses and validates a spec's text. Throws ConfigError (exit 2) when the text cannot be parsed. */
export async function validateSpecText(text: string, file: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  return validateLoadedSpec(loadSpec(text, file), options);
}

export async function validateLoadedSpec(loaded: LoadedSpec, options: ValidateOptions = {}): Promise<ValidationReport> {
  const profile = options.profile ?? 'gpt-actions';
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (rule: Pick<Rule, 'id' | 'severity' | 'hint'>, pointer: string, message: string) => {
    const key = `${rule.id} ${pointer} ${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const { line, column } = loaded.locate(pointer);
    problems.push({ rule: rule.id, severity: rule.severity, message, hint: rule.hint, pointer, line, column });
  };
  for (const f of await checkStructure(loaded.document)) {
    add(STRUCTURAL_RULES.find((r) => r.id === f.rule)!, f.pointer, f.message);
  }
  if (profile === 'gpt-actions') {
    const ctx = { spec: loaded.document, operations: listOperations(loaded.document) };
    for (const rule of GPT_ACTIONS_RULES) {
      for (const f of rule.check(ctx)) add(rule, f.pointer, f.message);
    }
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  return {
    file: loaded.file,
    profile,
    problems,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
  };
}
