/**
 * The README's Configuration section names every environment variable the code reads (issue 14:
 * the alert port was missing), so a new variable cannot ship undocumented.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const DIRS = [
  'activities',
  'alerts',
  'bench',
  'cli',
  'client',
  'config',
  'core',
  'dags',
  'infra',
  'ml',
  'mlops',
  'registry',
  'serve',
  'storage',
  'workers',
  'workflows',
  'bin',
];
/** Names in the code that are not settings: set by Tideflow for SDKs and children, or constants. */
const NOT_SETTINGS = new Set([
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'MINIO_UPDATE',
  'TIDEFLOW_SEARCH_ATTRIBUTES',
  // infra/versions.ts constants
  'MINIO_CLIENT_IMAGE',
  'TEMPORAL_ADMIN_TOOLS_TAG',
  'TEMPORAL_CLI_IMAGE',
  'TEMPORAL_SERVER_VERSION',
  'TEMPORAL_UI_VERSION',
]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|cjs|mjs|js)$/.test(name) ? [p] : [];
  });
}

it('every TIDEFLOW_*, AWS_*, TEMPORAL_* and MINIO_* variable in the code is in the README Configuration section', () => {
  const names = new Set<string>();
  for (const f of DIRS.flatMap((d) => files(join(ROOT, d))))
    for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:TIDEFLOW|AWS|TEMPORAL|MINIO)_[A-Z0-9_]*[A-Z0-9]\b/g)) names.add(m[0]);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  const end = readme.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, end);
  const missing = [...names].filter((n) => !NOT_SETTINGS.has(n) && !section.includes(`\`${n}\``)).sort();
  expect(missing).toEqual([]);
});
