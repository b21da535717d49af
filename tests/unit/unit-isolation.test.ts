/**
 * Every unit test file that mocks a module runs isolated (tests/setup/unit-isolation.ts): in the
 * shared workers of the unit project its mock would depend on which files ran before it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { MOCKING_UNIT_TESTS, SERVER_TEST_SUFFIXES } from '../setup/unit-isolation';

const ROOT = join(__dirname, '..', '..');

function unitTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return unitTestFiles(path);
    const unit = e.name.endsWith('.test.ts') && !SERVER_TEST_SUFFIXES.some((s) => e.name.endsWith(s));
    return unit ? [relative(ROOT, path)] : [];
  });
}

it('lists exactly the unit files that call vi.mock or vi.doMock', () => {
  const mocking = unitTestFiles(join(ROOT, 'tests')).filter((f) => /\bvi\.(do)?[mM]ock\(/.test(readFileSync(join(ROOT, f), 'utf8')));
  expect(mocking.sort()).toEqual([...MOCKING_UNIT_TESTS].sort());
});
