/**
 * Hints never tell people to run a bare `temporal …` (issue 14 friction): the Temporal CLI is
 * provisioned into ~/.cache/tideflow/bin, not onto PATH. Hints print `npx tideflow …` or the
 * binary's full path (npm start's banner). Scans every string in the code people run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const DIRS = ['cli', 'client', 'infra', 'workers', 'alerts', 'serve', 'activities', 'registry', 'storage', 'config', 'bench'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|cjs|mjs|js)$/.test(name) ? [p] : [];
  });
}

it('no source prints a bare `temporal <command>` hint', () => {
  // Lower-case `temporal` as a command word (not a path's last segment, not prose about "Temporal workflows").
  const bare = /(^|[^\w/.$@-])temporal (workflow|operator|schedule|batch|activity|task-queue|server start-dev)\b/;
  const offenders = DIRS.flatMap((d) => files(join(ROOT, d)))
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${f.slice(ROOT.length + 1)}:${i + 1}`, line }))
        .filter(({ line }) => bare.test(line) && !/^\s*(\/\/|\*)/.test(line)),
    )
    .map(({ where, line }) => `${where}: ${line.trim()}`);
  expect(offenders).toEqual([]);
});
