/**
 * One declaration per persisted format: `defineArtifact(format, version, shape)` gives the zod
 * schema, and the TypeScript type is its z.infer (`ArtifactOf<typeof X>`), so a document's type
 * and its reader's checks cannot drift apart. Pure (zod only): every layer may declare formats.
 *
 * Documents carry `format` and `version`. Formats written before they had a version read a
 * missing version as the declared one, so old documents stay readable.
 */
import { z } from 'zod';
import { ArtifactError } from './errors';

export interface ArtifactFormat<F extends string, V extends number, S extends z.ZodRawShape> {
  format: F;
  version: V;
  schema: z.ZodObject<{ format: z.ZodLiteral<F>; version: z.ZodDefault<z.ZodLiteral<V>> } & S>;
  /** Check a stored document; an ArtifactError naming `where` (its uri or key) and the first bad field otherwise. */
  parse(doc: unknown, where: string): z.output<z.ZodObject<{ format: z.ZodLiteral<F>; version: z.ZodDefault<z.ZodLiteral<V>> } & S>>;
}

/** The document type of a format declared with defineArtifact. */
export type ArtifactOf<A> = A extends { schema: infer Schema extends z.ZodType } ? z.output<Schema> : never;

export function defineArtifact<F extends string, V extends number, S extends z.ZodRawShape>(
  format: F,
  version: V,
  shape: S,
): ArtifactFormat<F, V, S> {
  const schema = z.object({ format: z.literal(format), version: z.literal(version).default(version), ...shape });
  return {
    format,
    version,
    schema,
    parse(doc, where) {
      const head = (typeof doc === 'object' && doc !== null ? doc : {}) as { format?: unknown; version?: unknown };
      if (head.format !== format) throw new ArtifactError(`${where} is not a ${format}: its format is ${JSON.stringify(head.format)}`);
      if (head.version !== undefined && head.version !== version)
        throw new ArtifactError(`${where} is ${format} version ${JSON.stringify(head.version)}; this worker reads version ${version}`);
      const parsed = schema.safeParse(doc);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ArtifactError(
          `${where} is not a valid ${format}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
        );
      }
      return parsed.data;
    },
  };
}
