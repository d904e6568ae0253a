/** `{{name}}` placeholders in the user-editable templates of templates/. Pure. */

/** Replaces `{{name}}` (spaces allowed inside the braces); unknown names are left as they are. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

/** Placeholders a template uses that `values` does not provide. */
export function unknownPlaceholders(template: string, values: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const m of template.matchAll(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi)) if (!Object.hasOwn(values, m[1]!)) out.add(m[1]!);
  return [...out].sort();
}
