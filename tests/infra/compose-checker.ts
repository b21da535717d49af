/**
 * The compose-go checker (infra/compose-check) for the compose tests: provisioned once per test
 * file, with loaders bound to it and a temp dir for compose files written by the tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { checkCompose, type ComposeCheckOptions, type ComposeProject } from '../../infra/compose-check';
import { provisionComposeCheck } from '../../infra/compose-check-build';

export const ROOT = join(__dirname, '..', '..');
export const COMPOSE = join(ROOT, 'docker-compose.yml');
export const ENV_EXAMPLE = join(ROOT, '.env.example');

export interface ComposeChecker {
  /** The checker binary (set by the file's beforeAll). */
  readonly bin: string;
  /** The file's temp dir (set by the file's beforeAll, removed after it). */
  readonly tmp: string;
  /** Loads compose files with the checker (hermetic: only the env and env files given). */
  load(opts: Omit<ComposeCheckOptions, 'bin'>): ReturnType<typeof checkCompose>;
  /** A compose file written to the temp dir, loaded; returns the checker's verdict. */
  loadText(name: string, yaml: string, opts?: Omit<ComposeCheckOptions, 'bin' | 'files'>): ReturnType<typeof checkCompose>;
  /** Loads files that must be accepted without a warning. */
  loadOk(opts: Omit<ComposeCheckOptions, 'bin'>): Promise<ComposeProject>;
}

/** The checker for this test file: `beforeAll` provisions it (a cached build) and makes the temp dir. */
export function useComposeChecker(): ComposeChecker {
  let bin = '';
  let tmp = '';
  beforeAll(async () => {
    bin = await provisionComposeCheck();
    tmp = mkdtempSync(join(tmpdir(), 'compose-check-'));
  }, 600_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  const load = (opts: Omit<ComposeCheckOptions, 'bin'>) => checkCompose({ ...opts, bin });
  return {
    get bin() {
      return bin;
    },
    get tmp() {
      return tmp;
    },
    load,
    loadText(name, yaml, opts = {}) {
      const file = join(tmp, `${name}.yml`);
      writeFileSync(file, yaml);
      return load({ files: [file], envFiles: [], env: {}, ...opts });
    },
    async loadOk(opts) {
      const r = await load(opts);
      if (!r.ok) throw new Error(`compose-check refused ${opts.files.join(', ')}: ${r.error}`);
      expect(r.warnings).toEqual([]);
      return r.value;
    },
  };
}
