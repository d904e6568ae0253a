/**
 * Checking Kubernetes manifests offline, as the API server would: every object against the schema of its
 * apiVersion/kind (kubernetes-models: ajv validators generated from Kubernetes' OpenAPI definitions: types,
 * required fields, enums, quantities), and no field the API does not know (what `kubectl apply` refuses with its
 * default strict field validation; the generated schemas allow any extra property, so this part is a TypeScript
 * excess-property check against the same package's generated types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './cli.js';

const require = createRequire(import.meta.url);

export interface Manifest {
  /** file name and index in it, e.g. `redis.yaml#1` */
  where: string;
  apiVersion: string;
  kind: string;
  doc: Record<string, unknown>;
}

/** Every object in the YAML files of `dir` (kustomization.yaml aside: it is kustomize's, not the API's). */
export function loadManifests(dir: string): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort()) {
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).forEach((parsed, i) => {
      if (parsed.errors.length > 0) throw new Error(`${file}#${i}: ${parsed.errors[0]!.message}`);
      const doc = parsed.toJSON() as Record<string, unknown> | null;
      if (doc === null) return;
      out.push({ where: `${file}#${i}`, apiVersion: String(doc.apiVersion), kind: String(doc.kind), doc });
    });
  }
  return out;
}

/** The kubernetes-models module of an apiVersion/kind (`apps/v1` + `Deployment` → kubernetes-models/apps/v1/Deployment). */
function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** Schema problems of one object; empty when it is valid. */
export function schemaProblems(manifest: Manifest): string[] {
  let Model: ModelClass | undefined;
  try {
    Model = (require(modelModule(manifest.apiVersion, manifest.kind)) as Record<string, ModelClass>)[manifest.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${manifest.where}: no Kubernetes schema for apiVersion "${manifest.apiVersion}", kind "${manifest.kind}"`];
  try {
    new Model(manifest.doc).validate();
    return [];
  } catch (error) {
    return [`${manifest.where}: ${(error as Error).message}`];
  }
}

/** Fields of the objects that their kind does not have (a misspelt `livenessprobe`, a field at the wrong level). */
export function unknownFieldProblems(manifests: Manifest[]): string[] {
  const file = join(ROOT, '__manifests-check__.ts');
  const lines: string[] = [];
  const starts: number[] = [];
  manifests.forEach((m, i) => {
    const mod = modelModule(m.apiVersion, m.kind);
    lines.push(`import type { I${m.kind} as T${i} } from ${JSON.stringify(mod)};`);
  });
  manifests.forEach((m, i) => {
    starts.push(lines.length);
    lines.push(...`export const m${i}: T${i} = ${JSON.stringify(m.doc, null, 2)};`.split('\n'));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const checked = program.getSourceFile(file)!;
  return [...program.getSyntacticDiagnostics(checked), ...program.getSemanticDiagnostics(checked)].map((d) => {
    const line = d.start === undefined ? 0 : checked.getLineAndCharacterOfPosition(d.start).line;
    // line i < manifests.length is manifest i's import; then each manifest's literal from starts[i]
    const index = line < manifests.length ? line : starts.findLastIndex((s) => s <= line);
    const where = manifests[index]?.where ?? 'manifests';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
