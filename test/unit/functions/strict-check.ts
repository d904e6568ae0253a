/**
 * An independent checker of OpenAI's strict-mode rules, used on every converter output and golden file:
 * a second implementation, so the converter cannot pass by agreeing with itself.
 */
type Schema = { [key: string]: unknown };

const ALLOWED = new Set([
  'type', 'description', 'title', 'enum', 'const', '$ref', '$defs', 'definitions', 'anyOf', 'properties', 'required',
  'additionalProperties', 'items', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minItems', 'maxItems',
]);

/** Returns the strict-mode violations found in a schema (empty when it conforms). */
export function strictViolations(root: Schema): string[] {
  const problems: string[] = [];
  if (root.type !== 'object' || 'anyOf' in root) problems.push('#: root is not a plain object');
  const visit = (node: unknown, at: string): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push(`${at}: not a schema object`);
      return;
    }
    const s = node as Schema;
    for (const key of Object.keys(s)) if (!ALLOWED.has(key)) problems.push(`${at}: keyword ${key}`);
    if ('$ref' in s && Object.keys(s).length > 1) problems.push(`${at}: keywords next to $ref`);
    const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
    if (types.length === 0 && !('$ref' in s) && !('anyOf' in s)) problems.push(`${at}: no type`);
    if (types.includes('object')) {
      if (s.additionalProperties !== false) problems.push(`${at}: additionalProperties is not false`);
      const props = Object.keys((s.properties ?? {}) as Schema);
      const req = (s.required ?? []) as string[];
      if (props.length !== req.length || props.some((p) => !req.includes(p))) problems.push(`${at}: required != properties`);
    }
    if (types.includes('array') && (s.items === undefined || Array.isArray(s.items))) problems.push(`${at}: array without one items schema`);
    if (Array.isArray(s.enum) && types.length && s.enum.includes(null) && !types.includes('null')) problems.push(`${at}: null enum value without null type`);
    for (const map of ['properties', '$defs', 'definitions']) {
      for (const [k, v] of Object.entries((s[map] ?? {}) as Schema)) visit(v, `${at}/${map}/${k}`);
    }
    if (s.items !== undefined) visit(s.items, `${at}/items`);
    if (Array.isArray(s.anyOf)) s.anyOf.forEach((b, i) => visit(b, `${at}/anyOf/${i}`));
  };
  visit(root, '#');
  return problems;
}
