/** swagger-parser validation of a spec object (a copy: swagger-parser dereferences in place). */
import SwaggerParser from '@apidevtools/swagger-parser';

export async function validateSpec(spec: unknown): Promise<void> {
  await SwaggerParser.validate(structuredClone(spec) as Parameters<typeof SwaggerParser.validate>[0]);
}
