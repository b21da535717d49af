/** Bit-for-bit port of the sample generator in fixtures/generate_scipy_reference.py. */
export interface SampleSpec {
  seed: number;
  n: number;
  loc: number;
  scale: number;
  step?: number;
}

export type SampleInput = SampleSpec | Array<number | string | boolean>;

export function sample(spec: SampleSpec): number[] {
  let x = spec.seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < spec.n; i++) {
    let s = 0;
    for (let k = 0; k < 4; k++) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      s += x / 4294967296;
    }
    let v = spec.loc + spec.scale * (s - 2);
    if (spec.step) v = Math.floor(v / spec.step) * spec.step;
    out.push(v);
  }
  return out;
}

export function numbers(input: SampleInput): number[] {
  return Array.isArray(input) ? input.map(Number) : sample(input);
}
