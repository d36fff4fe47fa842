// The deterministic elementary functions against mpmath at 320 bits (1300 for sin/cos):
// test-utils/math-reference.json holds, per function, 400 seeded inputs over its whole domain
// (dense near 0 and the thresholds, huge arguments, subnormals, next to multiples of π/2) with
// the correctly rounded value and the remainder in ulps (scripts/math-reference.py writes it;
// `python3 scripts/math-reference.py 40000 big.json` and MATH_REFERENCE=big.json run the same
// test on 40,000 per function). Then IEEE/C99 special values, monotonicity and symmetry; then
// the f32-targeted forms (sigmoidF32, tanhF32, softplusF32) in f32 ulps after rounding to f32.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as M from './math.js';
import { Rng } from './rng.js';

type Fn = (x: number) => number;
const FNS: Record<string, Fn> = {
  exp: M.exp, expm1: M.expm1, log: M.log, log1p: M.log1p, softplus: M.softplus, sigmoid: M.sigmoid, tanh: M.tanh, sin: M.sin, cos: M.cos,
};

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const fromHex = (h: string) => {
  u64[0] = BigInt(`0x${h}`);
  return f64[0];
};
/** Spacing of the doubles at |h| (2^-1074 among subnormals). */
function ulp(h: number): number {
  const a = Math.abs(h);
  if (a < 2.2250738585072014e-308) return M.pow2(-1074);
  f64[0] = a;
  return M.pow2(Number(u64[0] >> 52n) - 1075);
}
/** The next double above x (x finite). */
function up(x: number): number {
  if (x === 0) return 5e-324;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

const refPath = process.env.MATH_REFERENCE ?? new URL('./test-utils/math-reference.json', import.meta.url);
const REF = JSON.parse(readFileSync(refPath, 'utf8')) as Record<string, [string, string, number][]>;

describe('math.ts: error against mpmath', () => {
  it.each(Object.keys(FNS))('%s is within 1 ulp of the exact value on every reference input', (name) => {
    const f = FNS[name];
    const rows = REF[name];
    expect(rows.length).toBeGreaterThanOrEqual(400);
    let max = 0;
    let worst = 0;
    for (const [xh, hh, frac] of rows) {
      const x = fromHex(xh);
      const h = fromHex(hh);
      const y = f(x);
      // error in ulps of the exact value: (y − h)/ulp(h) − (exact − h)/ulp(h)
      const e = Number.isFinite(h) ? Math.abs((y - h) / ulp(h) - frac) : y === h ? 0 : Infinity;
      if (!(e <= max)) {
        max = e;
        worst = x;
      }
    }
    console.log(`${name}: max error ${max.toFixed(3)} ulp over ${rows.length} inputs (at x = ${worst})`);
    expect(max, `${name}(${worst})`).toBeLessThan(1);
  });
});

describe('math.ts: special values (IEEE 754 / C99 Annex F)', () => {
  const same = (got: number, want: number) => expect(Object.is(got, want), `${got} vs ${want}`).toBe(true);

  it('exp, expm1', () => {
    for (const [x, y] of [[0, 1], [-0, 1], [Infinity, Infinity], [-Infinity, 0], [NaN, NaN], [1, Math.E], [709.78, 1.7928227943945155e308],
      [709.79, Infinity], [1000, Infinity], [-745.13, 5e-324], [-745.14, 0], [-1000, 0]] as const) same(M.exp(x), y);
    expect(M.exp(709.782712893384)).toBe(1.7976931348622732e308); // the largest x whose e^x is finite
    same(M.exp(up(709.782712893384)), Infinity);
    expect(M.exp(-708.5)).toBeGreaterThan(0); // subnormal results
    expect(M.exp(-708.5)).toBeLessThan(2.2250738585072014e-308);
    for (const [x, y] of [[0, 0], [-0, -0], [Infinity, Infinity], [-Infinity, -1], [NaN, NaN], [1e-300, 1e-300], [-40, -1], [710, Infinity]] as const) same(M.expm1(x), y);
  });

  it('log, log1p', () => {
    for (const [x, y] of [[1, 0], [0, -Infinity], [-0, -Infinity], [-1, NaN], [-Infinity, NaN], [Infinity, Infinity], [NaN, NaN],
      [Math.E, 1], [5e-324, -744.4400719213812], [1.7976931348623157e308, 709.782712893384]] as const) same(M.log(x), y);
    for (const [x, y] of [[0, 0], [-0, -0], [-1, -Infinity], [-2, NaN], [Infinity, Infinity], [NaN, NaN], [5e-324, 5e-324], [-5e-324, -5e-324], [Math.E - 1, 1]] as const) {
      same(M.log1p(x), y);
    }
  });

  it('softplus, sigmoid, tanh', () => {
    for (const [x, y] of [[0, 0.6931471805599453], [-Infinity, 0], [Infinity, Infinity], [NaN, NaN], [1000, 1000], [-1000, 0]] as const) same(M.softplus(x), y);
    for (const [x, y] of [[0, 0.5], [-0, 0.5], [-Infinity, 0], [Infinity, 1], [NaN, NaN], [50, 1]] as const) same(M.sigmoid(x), y);
    expect(M.sigmoid(-740)).toBeGreaterThan(0); // σ(x) ≈ e^x stays subnormal, not 0
    for (const [x, y] of [[0, 0], [-0, -0], [Infinity, 1], [-Infinity, -1], [NaN, NaN], [30, 1], [-30, -1], [1e-300, 1e-300]] as const) same(M.tanh(x), y);
  });

  it('sin, cos', () => {
    for (const [x, y] of [[0, 0], [-0, -0], [Infinity, NaN], [-Infinity, NaN], [NaN, NaN], [Math.PI, 1.2246467991473532e-16], [1e-300, 1e-300]] as const) same(M.sin(x), y);
    for (const [x, y] of [[0, 1], [-0, 1], [Infinity, NaN], [NaN, NaN], [Math.PI, -1]] as const) same(M.cos(x), y);
  });

  it('pow2 is exact from the least subnormal to the largest power', () => {
    expect(M.pow2(0)).toBe(1);
    expect(M.pow2(-1074)).toBe(5e-324);
    expect(M.pow2(-1075)).toBe(0);
    expect(M.pow2(1023)).toBe(8.98846567431158e307);
    expect(M.pow2(1024)).toBe(Infinity);
    expect(M.pow2(-24)).toBe(1 / 16777216);
  });
});

describe('math.ts: shape', () => {
  /** Points through [lo, hi] with runs of consecutive doubles at each branch point of the functions. */
  function sweep(lo: number, hi: number, cuts: number[]): number[] {
    const xs: number[] = [];
    for (let i = 0; i <= 20000; i++) xs.push(lo + ((hi - lo) * i) / 20000);
    for (const c of cuts) {
      let x = c;
      for (let i = 0; i < 50; i++) x = -up(-x); // 50 doubles below
      for (let i = 0; i < 100; i++) xs.push((x = up(x)));
    }
    return xs.filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
  }

  it.each([
    ['exp', -746, 710, [-745.14, -708.4, -2.7755575615628914e-17, 0, 0.35, 709.78]],
    ['expm1', -40, 45, [-38.5, -0.35, 0, 0.35, 40]],
    ['log', 1e-10, 1e10, [0.7071067811865476, 1, 1.4142135623730951, 2]],
    ['log1p', -0.999, 100, [-0.2928932188134524, 0, 0.41421356237309503, 1]],
    ['softplus', -750, 50, [-700, -37, 0, 37]],
    ['sigmoid', -50, 50, [-40, 0, 40]],
    ['tanh', -25, 25, [-22, -0.25, 0, 0.25, 22]],
  ] as const)('%s never decreases (through its branch points)', (name, lo, hi, cuts) => {
    const f = FNS[name];
    const xs = sweep(lo, hi, [...cuts]);
    for (let i = 1; i < xs.length; i++) if (!(f(xs[i]) >= f(xs[i - 1]))) expect.fail(`${name}(${xs[i]}) = ${f(xs[i])} < ${name}(${xs[i - 1]}) = ${f(xs[i - 1])}`);
  });

  it('tanh and sin are odd, cos is even, |sigmoid|, |tanh|, |sin|, |cos| ≤ 1, bit for bit', () => {
    for (let i = 1; i < 5000; i++) {
      const x = i * 0.0137 * (i % 7) + i * 1e-9;
      expect(M.tanh(-x)).toBe(-M.tanh(x));
      expect(M.sin(-x)).toBe(-M.sin(x));
      expect(M.cos(-x)).toBe(M.cos(x));
      for (const y of [M.sigmoid(x), M.sigmoid(-x), Math.abs(M.tanh(x)), Math.abs(M.sin(x)), Math.abs(M.cos(x))]) expect(y).toBeLessThanOrEqual(1);
    }
  });
});

describe('math.ts: the f32-targeted forms (sigmoidF32, tanhF32, softplusF32)', () => {
  const F32: Record<string, [Fn, Fn]> = { sigmoid: [M.sigmoidF32, M.sigmoid], tanh: [M.tanhF32, M.tanh], softplus: [M.softplusF32, M.softplus] };
  const F32_MAX = 3.4028234663852886e38;
  /** Spacing of the floats at |h| (2^-149 among f32 subnormals). */
  function ulp32(h: number): number {
    const a = Math.abs(h);
    if (a < 1.1754943508222875e-38) return M.pow2(-149);
    f64[0] = a;
    return M.pow2(Number(u64[0] >> 52n) - 1023 - 23);
  }

  it.each(Object.keys(F32))('%s, rounded to f32, is within 1 f32 ulp of the exact value on every mpmath reference input', (name) => {
    const f = F32[name][0];
    let max = 0;
    let worst = 0;
    let n = 0;
    for (const [xh, hh, frac] of REF[name]) {
      const x = fromHex(xh);
      const h = fromHex(hh);
      if (!(Math.abs(x) <= F32_MAX) || !(Math.abs(h) <= F32_MAX)) continue; // f32 views hold nothing larger
      n++;
      const y = Math.fround(f(x));
      const e = Math.abs((y - h - frac * ulp(h)) / ulp32(h)); // exact = h + frac·ulp(h)
      if (!(e <= max)) {
        max = e;
        worst = x;
      }
    }
    console.log(`${name}F32: max error ${max.toFixed(4)} f32 ulp over ${n} reference inputs (at x = ${worst})`);
    expect(n).toBeGreaterThan(250);
    expect(max, `${name}F32(${worst})`).toBeLessThan(1);
  });

  it.each(Object.keys(F32))('%s, rounded to f32, is within 1 f32 ulp of the f64 form on 1,000,000 f32 inputs (every exponent, the thresholds)', (name) => {
    const [f, ref] = F32[name];
    const rng = new Rng(32);
    const b32 = new Float32Array(1);
    const w32 = new Uint32Array(b32.buffer);
    const cuts = [0, 0.0009765625, 10, 20, 40, 708, 104, 88.7];
    let max = 0;
    let worst = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const r = i % 4;
      if (r === 0) w32[0] = Math.floor(rng.next() * 4294967296); // any f32 bit pattern
      else if (r === 1) b32[0] = rng.uniform(-30, 30);
      else if (r === 2) b32[0] = (rng.next() < 0.5 ? -1 : 1) * cuts[i % cuts.length] * (1 + (rng.next() - 0.5) * 1e-5);
      else b32[0] = (rng.next() < 0.5 ? -1 : 1) * M.exp(rng.uniform(-20, 3));
      const x = b32[0];
      if (!Number.isFinite(x)) continue;
      const h = ref(x); // < 1 f64 ulp from exact: < 2^-28 f32 ulp
      const e = Math.abs(Math.fround(f(x)) - h) / ulp32(h);
      if (!(e <= max)) {
        max = e;
        worst = x;
      }
    }
    console.log(`${name}F32: max error ${max.toFixed(6)} f32 ulp against ${name} (at x = ${worst})`);
    expect(max, `${name}F32(${worst})`).toBeLessThan(1);
    expect(max).toBeLessThan(0.501); // the f64 value is far more accurate than f32: all but the near-ties round correctly
  });

  it('special values and thresholds', () => {
    const same = (got: number, want: number) => expect(Object.is(got, want), `${got} vs ${want}`).toBe(true);
    for (const [x, y] of [[0, 0.5], [-0, 0.5], [Infinity, 1], [-Infinity, 0], [NaN, NaN], [41, 1], [-709, 0], [-800, 0]] as const) same(M.sigmoidF32(x), y);
    for (const [x, y] of [[0, 0], [-0, -0], [Infinity, 1], [-Infinity, -1], [NaN, NaN], [11, 1], [-11, -1], [1e-40, 1e-40], [-1e-40, -1e-40]] as const) same(M.tanhF32(x), y);
    for (const [x, y] of [[Infinity, Infinity], [-Infinity, 0], [NaN, NaN], [21, 21], [-709, 0], [F32_MAX, F32_MAX]] as const) same(M.softplusF32(x), y);
    expect(Math.fround(M.softplusF32(0))).toBe(Math.fround(Math.LN2));
    expect(Math.fround(M.sigmoidF32(-100))).toBeGreaterThan(0); // e^-100 is an f32 subnormal, kept
    expect(Math.fround(M.sigmoidF32(-105))).toBe(0);
    for (let i = 1; i < 5000; i++) {
      const x = i * 0.0137 * (i % 7) + i * 1e-9;
      expect(M.tanhF32(-x)).toBe(-M.tanhF32(x));
      expect(M.sigmoidF32(x)).toBeLessThanOrEqual(1);
      expect(Math.abs(M.tanhF32(x))).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    ['sigmoid', -750, 50, [-708, -104, 0, 40]],
    ['tanh', -12, 12, [-10, -0.0009765625, 0, 0.0009765625, 10]],
    ['softplus', -750, 30, [-708, -104, 0, 20]],
  ] as const)('%s rounded to f32 never decreases (f32 steps through the branch points)', (name, lo, hi, cuts) => {
    const f = F32[name][0];
    const b32 = new Float32Array(1);
    const xs: number[] = [];
    for (let i = 0; i <= 40000; i++) xs.push(Math.fround(lo + ((hi - lo) * i) / 40000));
    for (const c of cuts) {
      b32[0] = c;
      const w = new Int32Array(b32.buffer);
      const w0 = w[0];
      for (let d = -200; d <= 200; d++) {
        w[0] = c === 0 ? Math.abs(d) : w0 + d; // around 0: the subnormal steps on either side
        xs.push(c === 0 && d < 0 ? -b32[0] : b32[0]);
      }
    }
    const ys = xs.filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) {
      const a = Math.fround(f(ys[i - 1]));
      const b = Math.fround(f(ys[i]));
      if (!(b >= a)) expect.fail(`${name}F32(${ys[i]}) = ${b} < ${name}F32(${ys[i - 1]}) = ${a}`);
    }
  });
});
