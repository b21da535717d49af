/**
 * interact and drop: the two steps that only reshape the working columns. interact adds the
 * product of each numeric pair as `a*b` after the existing columns (missing × anything = missing);
 * drop removes columns (a one-hot encoded column: all of its outputs).
 */
import { z } from 'zod';
import { type WorkingSet, numberColumn } from '../columns';
import { interactName } from '../plan';

export const interactParamsSchema = z.object({ op: z.literal('interact'), pairs: z.array(z.tuple([z.string(), z.string()])) });
export const dropParamsSchema = z.object({ op: z.literal('drop'), columns: z.array(z.string()) });
export type InteractParams = z.infer<typeof interactParamsSchema>;
export type DropParams = z.infer<typeof dropParamsSchema>;

export function applyInteract(p: InteractParams, work: WorkingSet): void {
  // Products read the columns as they were before this step, so pairs never see each other's outputs.
  const inputs = new Map(p.pairs.flat().map((name) => [name, work.numeric(name).values]));
  work.add(
    p.pairs.map(([a, b]) => {
      const x = inputs.get(a) as Float64Array;
      const y = inputs.get(b) as Float64Array;
      const out = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) * (y[i] as number);
      return numberColumn(interactName(a, b), out);
    }),
  );
}

export function applyDrop(p: DropParams, work: WorkingSet): void {
  for (const name of p.columns) work.drop(name);
}
