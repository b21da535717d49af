/**
 * One declaration per persisted format: `defineArtifact(format, version, shape)` gives the zod
 * schema, and the TypeScript type is its z.infer (`ArtifactOf<typeof X>`), so a document's type
 * and its reader's checks cannot drift apart. Pure (zod only): every layer may declare formats.
 *
 * Documents carry `format` and a format version, in the field `version` unless the document
 * already uses that name for something else (a registry version document's `version` is the
 * model's version number; those formats keep theirs in `formatVersion`). Formats written before
 * they had a version read a missing version as the declared one, so old documents stay readable.
 */
import { z } from 'zod';
import { ArtifactError } from './errors';

/** The fields every document of a format starts with. */
export type ArtifactHead<F extends string, V extends number, K extends string> = { format: z.ZodLiteral<F> } & {
  [P in K]: z.ZodDefault<z.ZodLiteral<V>>;
};

export interface ArtifactFormat<F extends string, V extends number, S extends z.ZodRawShape, K extends string = 'version'> {
  format: F;
  version: V;
  /** The field holding the format version. */
  versionField: K;
  schema: z.ZodObject<ArtifactHead<F, V, K> & S>;
  /** `{ format, <versionField>: version }`: what a writer spreads into a new document. */
  head: { format: F } & { [P in K]: V };
  /** Check a stored document; an ArtifactError naming `where` (its uri or key) and the first bad field otherwise. */
  parse(doc: unknown, where: string): z.output<z.ZodObject<ArtifactHead<F, V, K> & S>>;
}

/** The document type of a format declared with defineArtifact. */
export type ArtifactOf<A> = A extends { schema: infer Schema extends z.ZodType } ? z.output<Schema> : never;

export function defineArtifact<F extends string, V extends number, S extends z.ZodRawShape, K extends string = 'version'>(
  format: F,
  version: V,
  shape: S,
  options: { versionField?: K } = {},
): ArtifactFormat<F, V, S, K> {
  const versionField = (options.versionField ?? 'version') as K;
  const head = { format: z.literal(format), [versionField]: z.literal(version).default(version) } as ArtifactHead<F, V, K>;
  const schema = z.object({ ...head, ...shape });
  return {
    format,
    version,
    versionField,
    schema,
    head: { format, [versionField]: version } as { format: F } & { [P in K]: V },
    parse(doc, where) {
      const fields = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
      if (fields.format !== format) throw new ArtifactError(`${where} is not a ${format}: its format is ${JSON.stringify(fields.format)}`);
      const stated = fields[versionField];
      if (stated !== undefined && stated !== version)
        throw new ArtifactError(`${where} is ${format} version ${JSON.stringify(stated)}; this worker reads version ${version}`);
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
