import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chi2Sf,
  chiSquareTest,
  jensenShannonCategorical,
  jensenShannonNumeric,
  ks2samp,
  kstwoSf,
  normalizedWasserstein,
  proportionZTest,
  psi,
  wassersteinDistance,
} from '../../ml/drift';
import { numbers, type SampleInput } from './samples';

interface Fixture {
  scipy: string;
  ks: Array<{ name: string; reference: SampleInput; current: SampleInput; statistic: number; pvalue: number }>;
  kstwo: Array<{ n: number; x: number; sf: number }>;
  chi2: Array<{
    name: string;
    reference: Array<string | number>;
    current: Array<string | number>;
    statistic: number;
    pvalue: number;
    dof: number;
  }>;
  chi2sf: Array<{ x: number; dof: number; sf: number }>;
  z: Array<{
    name: string;
    reference: Array<string | number | boolean>;
    current: Array<string | number | boolean>;
    statistic: number;
    pvalue: number;
  }>;
  psi: Array<{ name: string; reference: SampleInput; current: SampleInput; bins: number; psi: number }>;
  js: Array<{ name: string; kind: 'numeric' | 'categorical'; reference: SampleInput; current: SampleInput; distance: number }>;
  wasserstein: Array<{ name: string; reference: SampleInput; current: SampleInput; distance: number; normalized: number }>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'scipy-reference.json'), 'utf8')) as Fixture;
const TOL = 1e-6;
const close = (actual: number, expected: number, label: string): void => {
  expect(Math.abs(actual - expected), `${label}: got ${actual}, scipy ${expected}`).toBeLessThanOrEqual(TOL);
};

describe(`drift statistics match scipy ${fixture.scipy}`, () => {
  it.each(fixture.ks)('ks_2samp: $name', (c) => {
    const a = numbers(c.reference);
    const b = numbers(c.current);
    const r = ks2samp(a, b);
    close(r.statistic, c.statistic, 'statistic');
    close(r.pValue, c.pvalue, 'p-value');
    expect(r.method).toBe(Math.max(a.length, b.length) <= 10_000 ? 'exact' : 'asymp');
  });

  it('kstwo.sf over all branches of scipy _kolmogn', () => {
    for (const c of fixture.kstwo) close(kstwoSf(c.x, c.n), c.sf, `kstwo.sf(${c.x}, ${c.n})`);
  });

  it.each(fixture.chi2)('chi2_contingency: $name', (c) => {
    const r = chiSquareTest(c.reference, c.current);
    close(r.statistic, c.statistic, 'statistic');
    close(r.pValue, c.pvalue, 'p-value');
    expect(r.dof).toBe(c.dof);
  });

  it('chi2.sf', () => {
    for (const c of fixture.chi2sf) close(chi2Sf(c.x, c.dof), c.sf, `chi2.sf(${c.x}, ${c.dof})`);
  });

  it('reports categories seen only in the current data', () => {
    const c = fixture.chi2.find((x) => x.name === 'unseen category');
    expect(chiSquareTest(c?.reference ?? [], c?.current ?? []).unseenInReference).toEqual(['d']);
  });

  it.each(fixture.z)('proportion z-test: $name', (c) => {
    const r = proportionZTest(c.reference, c.current);
    close(r.statistic, c.statistic, 'statistic');
    close(r.pValue, c.pvalue, 'p-value');
  });

  it.each(fixture.psi)('PSI: $name', (c) => {
    close(psi(numbers(c.reference), numbers(c.current), c.bins).psi, c.psi, 'psi');
  });

  it.each(fixture.js)('Jensen–Shannon: $name', (c) => {
    const d =
      c.kind === 'numeric'
        ? jensenShannonNumeric(numbers(c.reference), numbers(c.current))
        : jensenShannonCategorical(c.reference as string[], c.current as string[]);
    close(d, c.distance, 'distance');
  });

  it.each(fixture.wasserstein)('Wasserstein: $name', (c) => {
    close(wassersteinDistance(numbers(c.reference), numbers(c.current)), c.distance, 'distance');
    close(normalizedWasserstein(numbers(c.reference), numbers(c.current)), c.normalized, 'normalized');
  });
});
