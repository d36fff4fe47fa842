/**
 * Deterministic elementary functions: exp, expm1, log, log1p, softplus, sigmoid, tanh, sin,
 * cos. Each is built from IEEE-754 basic operations only (+ − × ÷, sqrt, comparisons, and
 * reading or writing the bits of a double), never from the engine's Math.exp/log/…, whose last
 * bit differs between V8 versions, Firefox and Safari. Every conforming engine (and WASM, which
 * runs the same algorithm in assembly/kernels.ts) therefore returns the same bits, which is what
 * makes a seeded training run give the same weights in Node and in every browser.
 *
 * Accuracy: < 1 ulp in f64 over the whole domain (measured in math.test.ts against mpmath at
 * 300 bits). The techniques are the textbook ones (Cody–Waite argument reduction with splits
 * whose products are exact, a 128-entry table of 2^(j/128) in double-double, Taylor
 * polynomials on the reduced argument, Dekker's exact products where a result needs more than
 * 53 bits, and a BigInt Payne–Hanek reduction for |x| ≥ 2^19·π/2); the constants were derived
 * with mpmath (scripts/math-constants.py) for this file.
 */

// ---- bits of a double (one shared scratch word; the platform's byte order) ----

const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the high word is U[1]
const LO = 1 - HI;

/** 2^n for an integer n in [−1022, 1023], exactly. */
function twoPow(n: number): number {
  U[HI] = (n + 1023) << 20;
  U[LO] = 0;
  return F[0];
}

/** P2[n + 1022] = 2^n for n in [−1022, 1023]: the hot paths scale by a load. */
const P2 = new Float64Array(2046);
for (let n = -1022; n <= 1023; n++) P2[n + 1022] = twoPow(n);

// Second results of the helpers below (a module-level `let` holding a double would be boxed on
// every write; a typed array slot is a plain store).
const S = new Float64Array(6);
const EL = 0; // S[EL]: low part of e^x (expParts)
const PE = 1; //  S[PE]: rounding error of the last twoProduct
const RL = 2; //  S[RL]: low part of the reduced argument (reducePio2)
const RH = 3; //  S[RH]: its high part
const K = 4; //   S[K]: the power of 2 splitLog took out
const EH = 5; //  S[EH]: high part of e^x (expParts)

/** y·2^n for an integer n in [−1075, 1024] (one rounding, only when the result is subnormal). */
function scale(y: number, n: number): number {
  if (n > 1023) return y * 2 * twoPow(n - 1);
  if (n < -1022) return y * twoPow(n + 600) * 2.409919865102884e-181; // second factor: 2^-600
  return y * P2[n + 1022];
}

/** 2^n for an integer n, exactly where representable (0 below 2^-1074, Infinity above 2^1023). */
export function pow2(n: number): number {
  if (n > 1023) return Infinity;
  if (n < -1074) return 0;
  return scale(1, n);
}

// ---- exact products without FMA (Dekker): a·b = P + PE exactly ----

const SPLIT = 134217729; // 2^27 + 1: splits a double into two halves of ≤ 26 bits

/** Returns fl(a·b) and leaves the rounding error a·b − fl(a·b) in S[PE]. |a|,|b| < 2^995. */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  S[PE] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

// ---- e^x = (h + l)·2^m: the kernel shared by exp, expm1, sigmoid, softplus and tanh ----

const T_HI = new Float64Array([
  1.0, 1.0054299011128027, 1.0108892860517005, 1.016378314910953, 1.0218971486541166, 1.0274459491187637, 1.0330248790212284, 1.0386341019613787,
  1.0442737824274138, 1.0499440858006872, 1.0556451783605572, 1.061377227289262, 1.0671404006768237, 1.0729348675259756, 1.0787607977571199, 1.0846183622133092,
  1.0905077326652577, 1.0964290818163769, 1.102382583307841, 1.1083684117236787, 1.1143867425958924, 1.1204377524096067, 1.1265216186082418, 1.1326385195987192,
  1.1387886347566916, 1.1449721444318042, 1.1511892299529827, 1.1574400736337511, 1.1637248587775775, 1.1700437696832502, 1.1763969916502812, 1.182784710984341,
  1.189207115002721, 1.1956643920398273, 1.202156731452703, 1.2086843236265816, 1.215247359980469, 1.2218460329727576, 1.22848053610687, 1.2351510639369334,
  1.241857812073484, 1.2486009771892048, 1.255380757024691, 1.2621973503942507, 1.2690509571917332, 1.275941778396392, 1.2828700160787783, 1.2898358734066657,
  1.2968395546510096, 1.3038812651919358, 1.3109612115247644, 1.318079601266064, 1.3252366431597413, 1.3324325470831615, 1.339667524053303, 1.3469417862329458,
  1.3542555469368927, 1.3616090206382248, 1.3690024229745905, 1.3764359707545302, 1.383909881963832, 1.3914243757719262, 1.3989796725383112, 1.4065759938190154,
  1.4142135623730951, 1.4218926021691656, 1.42961333839197, 1.4373759974489824, 1.4451808069770467, 1.4530279958490526, 1.460917794180647, 1.4688504333369818,
  1.4768261459394993, 1.4848451658727524, 1.4929077282912648, 1.5010140696264256, 1.5091644275934228, 1.5173590411982147, 1.5255981507445384, 1.533881997840956,
  1.5422108254079407, 1.550584877685, 1.559004400237837, 1.567469639965553, 1.5759808451078865, 1.5845382652524937, 1.593142151342267, 1.6017927556826934,
  1.6104903319492543, 1.6192351351948637, 1.6280274218573478, 1.6368674497669644, 1.645755478153965, 1.6546917676561943, 1.6636765803267364, 1.6727101796415966,
  1.681792830507429, 1.6909247992693053, 1.7001063537185235, 1.709337763100463, 1.718619298122478, 1.7279512309618377, 1.7373338352737062, 1.746767386199169,
  1.7562521603732995, 1.7657884359332727, 1.7753764925265212, 1.785016611318935, 1.7947090750031072, 1.804454167806624, 1.8142521755003989, 1.8241033854070534,
  1.8340080864093424, 1.843966568958626, 1.8539791250833855, 1.864046048397789, 1.8741676341103, 1.8843441790323345, 1.8945759815869656, 1.9048633418176741,
  1.9152065613971474, 1.925605943636125, 1.9360617934922943, 1.9465744175792332, 1.9571441241754002, 1.9677712232331759, 1.978456026387951, 1.9891988469672663,
]);
const T_LO = new Float64Array([
  0.0, 9.499186535455032e-17, -1.5234778603368577e-17, -5.77217007319966e-17, 5.109225028973444e-17, -4.9560741746453704e-17, 7.600838874027088e-18, 5.996273788852511e-17,
  8.551889705537965e-17, 5.592937848127003e-17, 1.759325738772092e-18, -1.1973537085365658e-17, -7.899853966841582e-17, -3.839668843358824e-18, -6.656660436056593e-17, 3.166152845816346e-17,
  -3.046782079812471e-17, -5.919933484449316e-17, 5.2660368715706944e-17, -8.786813845180527e-17, 1.0410278456845571e-16, -6.201085906554179e-17, 5.165856758795457e-17, 3.237356166738e-17,
  8.912812676025408e-17, 4.6412898921700107e-17, 3.250710218863827e-17, -9.1238712311344e-17, 3.8292048369240935e-17, -1.8477442017900047e-18, 5.554203254218079e-17, 1.542975430079076e-17,
  3.982015231465646e-17, 4.6166036704814814e-17, 6.644981499252301e-17, -4.746725945228984e-17, -7.712630692681488e-17, -1.0611021211402691e-16, -1.89878163130253e-17, -1.0755244344307841e-16,
  4.658027591836937e-17, -8.261810999021964e-17, -6.7113898212968784e-18, -3.0844648874738465e-17, 2.667932131342186e-18, 9.91543024421429e-17, 1.713594918243561e-17, 8.949257530897592e-17,
  2.5382502794888315e-17, 8.647675598267871e-17, -7.181536135519454e-17, -5.4579558271491535e-17, -2.8587312100388614e-17, -5.101586630916744e-17, 8.927282594831732e-17, 3.224065101254679e-17,
  7.70094837980299e-17, 1.533787661270668e-18, 9.593797919118849e-17, -6.898588935871801e-17, -6.770511658794786e-17, -4.9061748652889893e-17, -9.614213209051323e-17, 7.034914812136422e-18,
  -9.667293313452913e-17, -1.6077828915890244e-17, -1.2031642489053655e-17, -4.2040340164675566e-17, -3.0237581349939873e-17, -5.779948609396106e-17, -5.600377186075216e-17, 8.465882756533628e-17,
  -3.483994556892796e-17, 1.0780086764407481e-16, 1.4192920154284036e-17, -6.413767275790235e-17, -1.016455327754295e-16, -4.308699472043341e-17, -1.1024941712342561e-16, 8.875226844438446e-17,
  7.949834809697621e-17, -1.4600706590689385e-17, 3.7812070533575275e-17, -1.0352061768849722e-16, -1.0136916471278304e-17, -1.9337717034585703e-17, -1.0094406542311964e-16, -6.054917453527784e-17,
  2.4707192569797888e-17, 2.0941334154229092e-17, -6.712955084707084e-17, 7.698325071319876e-17, -1.0125679913674773e-16, 9.643294303196029e-17, 5.8909926967131e-17, -5.476715964599563e-17,
  8.199010020581497e-17, -9.66967147439488e-17, -8.0237193703977e-18, -9.868779456632931e-17, -1.851380418263111e-17, -1.0750981861204642e-16, 3.164389299292957e-17, -1.0752290483507515e-16,
  2.960140695448873e-17, 9.461315018083268e-17, 6.429731796556572e-17, 1.5330400121031314e-17, 1.8227458427912087e-17, -5.177222408793318e-17, -9.969531538920349e-17, -1.0159627862277083e-16,
  3.283107224245627e-17, -5.939742026949965e-17, 9.761887490727594e-17, 6.540912680620572e-17, -6.122763413004143e-17, -8.226593125533711e-17, 3.4034035352165297e-17, 6.533857514718279e-17,
  -1.0619946056195963e-16, -9.914963769693741e-17, 1.0332385960676326e-16, 6.811022349533877e-17, 8.960767791036668e-17, -1.0314928011531132e-16, 4.0388753109278167e-17, 8.2051326383692e-18,
]);

const INV_LN2_128 = 184.6649652337873; // 128 / ln 2
const LN2_128_HI = 0.005415212347998022; // ln 2 / 128 to 34 bits: k·LN2_128_HI is exact for |k| < 2^19
const LN2_128_LO = 1.2655086083325438e-13; // ln 2 / 128 − LN2_128_HI
const SHIFTER = 6755399441055744; // 1.5·2^52: (x + SHIFTER) − SHIFTER rounds x to the nearest integer

/**
 * e^x for |x| < 746 as (S[EH] + S[EL])·2^m; returns m. |S[EL]| ≲ 2^-53·S[EH]. x = (128m + j)·ln2/128 + r,
 * |r| ≤ ln2/256, so e^x = 2^m · 2^(j/128) · e^r; e^r − 1 is a degree-5 Taylor polynomial
 * (truncation < 6·10^-19) and 2^(j/128) comes from the table in double-double.
 */
function expParts(x: number): number {
  const kf = x * INV_LN2_128 + SHIFTER - SHIFTER;
  const k = kf | 0;
  const r = x - kf * LN2_128_HI - kf * LN2_128_LO; // first difference exact (Sterbenz)
  const p = r + r * r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333)));
  const j = k & 127;
  const t = T_HI[j];
  const tl = T_LO[j];
  const q = t * p;
  const h = t + q;
  S[EH] = h;
  S[EL] = t - h + q + (tl + tl * p); // t − h + q: the exact error of t + q (|t| > |q|)
  return k >> 7;
}

/** e^x. */
export function exp(x: number): number {
  if (!(x <= 709.79)) return x > 0 ? Infinity : x; // overflow (or NaN)
  if (x < -745.14) return 0; // below half the least subnormal
  if (x < 2.7755575615628914e-17 && x > -2.7755575615628914e-17) return 1 + x; // |x| < 2^-55 (also ±0 → 1)
  const m = expParts(x);
  return scale(S[EH] + S[EL], m);
}

/** e^x − 1, accurate near 0. */
export function expm1(x: number): number {
  if (!(x <= 709.79)) return x > 0 ? Infinity : x;
  if (x > 40) return exp(x); // the −1 is below 1/32 ulp
  if (x < -38.5) return -1; // e^x < 2^-55
  const a = x < 0 ? -x : x;
  if (a < 0.35) {
    if (a < 2.7755575615628914e-17) return x; // also ±0
    // Taylor to x^14/14! (truncation < 2^-56 relative at |x| = 0.35)
    const z = x * x;
    const tail = x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333 + x * (0.001388888888888889 +
      x * (0.0001984126984126984 + x * (0.0000248015873015873 + x * (0.0000027557319223985893 + x * (2.755731922398589e-7 +
      x * (2.505210838544172e-8 + x * (2.08767569878681e-9 + x * (1.6059043836821613e-10 + x * (1.1470745597729725e-11))))))))))));
    return x + (0.5 * z + z * tail);
  }
  const s = P2[expParts(x) + 1022]; // |m| ≤ 58 here
  const h = S[EH] * s;
  const l = S[EL] * s;
  // (h − 1) + l with the error of h − 1 kept (TwoSum)
  const d = h - 1;
  const bb = d - h;
  const err = h - (d - bb) + (-1 - bb);
  return d + (err + l);
}

// ---- logarithms ----

const LN2_HI = 0.6931471805598903; // ln 2 to 42 bits: k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 5.497923018708371e-14;

/**
 * log(1 + f) + c for |f| ≤ √2 − 1, c a small correction: with s = f/(2 + f),
 * log(1 + f) = 2 atanh(s) = f − f²/2 + s·(f²/2 + R), R = Σ_{n≥1} 2s^{2n}/(2n+1) (Taylor,
 * |s| ≤ 0.1716, ten terms leave < 2^-56), plus k·ln 2 split in two.
 */
function logCore(f: number, k: number, c: number): number {
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (0.6666666666666666 + z * (0.4 + z * (0.2857142857142857 + z * (0.2222222222222222 + z * (0.18181818181818182 +
    z * (0.15384615384615385 + z * (0.13333333333333333 + z * (0.11764705882352941 + z * (0.10526315789473684 + z * 0.09523809523809523)))))))));
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

/** Splits a positive finite u into u = 2^k·(1 + f) with 1 + f in [√½, √2); k in S[K], returns f (exact). */
function splitLog(u: number): number {
  F[0] = u;
  let hw = U[HI];
  let k = -1023;
  if (hw < 0x00100000) {
    F[0] = u * 18014398509481984; // 2^54: a subnormal becomes normal
    hw = U[HI];
    k -= 54;
  }
  k += hw >>> 20;
  U[HI] = (hw & 0x000fffff) | 0x3ff00000; // the mantissa m in [1, 2)
  let m = F[0];
  if (m >= 1.4142135623730951) {
    m *= 0.5;
    k += 1;
  }
  S[K] = k;
  return m - 1;
}

/** Natural logarithm. */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN; // ±0 → −∞; x < 0 or NaN → NaN
  if (x === Infinity) return x;
  const f = splitLog(x);
  return logCore(f, S[K], 0);
}

/** log(x + xl) for 1 + x written as a double-double argument (x > −1 finite, |xl| ≲ ulp(x)). */
function log1pParts(x: number, xl: number): number {
  if (x > -0.2928932188134524 && x < 0.41421356237309503) return logCore(x, 0, xl === 0 ? 0 : xl / (1 + x));
  const u = 1 + x;
  const c = (x < 1 ? 1 - u + x : x - u + 1) + xl; // the error of 1 + x (Fast2Sum: the larger first)
  const f = splitLog(u);
  return logCore(f, S[K], c / u);
}

/** log(1 + x), accurate near 0. */
export function log1p(x: number): number {
  if (!(x > -1)) return x === -1 ? -Infinity : NaN;
  if (x === Infinity) return x;
  if (x < 2.7755575615628914e-17 && x > -2.7755575615628914e-17) return x; // also ±0
  return log1pParts(x, 0);
}

// ---- the activations' functions ----

/** log(1 + e^x): log1p of e^x held in double-double (one rounding at the end, also for x > 0). */
export function softplus(x: number): number {
  if (x !== x) return x;
  if (x > 37) return x; // e^−x < 2^-53·x/…: below half an ulp of x
  if (x < -37) return exp(x); // log1p(e) = e(1 − e/2 + …) rounds to e
  const s = P2[expParts(x) + 1022]; // |m| ≤ 54
  return log1pParts(S[EH] * s, S[EL] * s);
}

/** σ(x) = 1/(1 + e^−x), the quotient taken in double-double (never overflows). */
export function sigmoid(x: number): number {
  if (x !== x) return x;
  if (x < -40) return exp(x); // σ(x) = e^x (1 − e^x + …) rounds to e^x
  if (x > 40) return 1;
  const s = P2[expParts(-x) + 1022];
  return recip1p(S[EH] * s, S[EL] * s);
}

/** 1/(1 + e + el) for e ≥ 0 to ≲ 0.5 ulp: D = 1 + e in double-double, q = 1/D_hi corrected once. */
function recip1p(e: number, el: number): number {
  const dh = 1 + e;
  const bb = dh - 1;
  const dl = 1 - (dh - bb) + (e - bb) + el;
  const q = 1 / dh;
  const p = twoProduct(q, dh);
  const r = 1 - p - S[PE]; // 1 − q·dh exactly (1 − p is exact: p ≈ 1)
  return q + q * (r - q * dl);
}

/** Hyperbolic tangent. */
export function tanh(x: number): number {
  if (x !== x) return x;
  const a = x < 0 ? -x : x;
  if (a > 22) return x > 0 ? 1 : -1; // 1 − tanh < 2^-63
  let t: number;
  if (a < 0.25) {
    if (a < 7.450580596923828e-9) return x; // |x| < 2^-27: x³/3 is below half an ulp (also ±0)
    // odd Taylor series to x^25 (truncation < 2^-57 relative at 0.25)
    const z = x * x;
    t = x + x * z * (-0.3333333333333333 + z * (0.13333333333333333 + z * (-0.05396825396825397 + z * (0.021869488536155203 +
      z * (-0.008863235529902197 + z * (0.003592128036572481 + z * (-0.0014558343870513183 + z * (0.000590027440945586 +
      z * (-0.00023912911424355248 + z * (0.00009691537956929451 + z * (-0.00003927832388331683 + z * 0.000015918905069328964)))))))))));
    return t;
  }
  // tanh a = 1 − 2/(e^2a + 1): e^2a and the quotient in double-double, then 1 − q by TwoSum
  const s = P2[expParts(2 * a) + 1022];
  const e = S[EH] * s;
  const el = S[EL] * s;
  const dh = 1 + e;
  const bb = dh - e;
  const dl = e - (dh - bb) + (1 - bb) + el;
  const q = 2 / dh;
  const p = twoProduct(q, dh);
  const ql = (2 - p - S[PE] - q * dl) / dh; // 2 − p is exact (p ≈ 2)
  const hsum = 1 - q;
  const b2 = hsum - 1;
  const err = 1 - (hsum - b2) + (-q - b2);
  t = hsum + (err - ql);
  return x < 0 ? -t : t;
}

// ---- sine and cosine ----

const INV_PIO2 = 0.6366197723675814; // 2/π
// π/2 = P1 + P2 + P3 + P4, the first three to 33 bits: n·Pi is exact for |n| < 2^20
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_4 = 8.4784276603689e-32;
const PIO2_HI = 1.5707963267948966;
const PIO2_LO = 6.123233995736766e-17;
/** ⌊2/π · 2^1280⌋: the bits a huge argument's reduction multiplies by. */
const TWO_OVER_PI = BigInt(
  '0xa2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163abdebbc561b7246e3a424dd2e006492eea09d1921cfe1deb1cb129a73ee88235f52ebb4484e99c7026b45f7e413991d639835339f49c845f8bbdf9283b1ff897ffde05980fef2f118b5a0a6d1f6d367ecf27cb09b74f463f669e5fea2d7527bac7ebe5f17b3d0739f78a5292ea6bfb5fb11f8d5d0856033046fc7b6babf0cfbc209af4361d',
);
const MASK130 = (1n << 130n) - 1n;
const TWO_M128 = 2.938735877055719e-39; // 2^-128

/** x = n·π/2 + (S[RH] + S[RL]), |S[RH] + S[RL]| ≲ π/4; returns n mod 4. */
function reducePio2(x: number): number {
  const a = x < 0 ? -x : x;
  if (a < 823549.6) {
    const nf = x * INV_PIO2 + SHIFTER - SHIFTER;
    const h1 = x - nf * PIO2_1; // exact: n·P1 is exact and within a factor 2 of x
    const t2 = nf * PIO2_2;
    const h2 = h1 - t2;
    let bb = h2 - h1;
    const e2 = h1 - (h2 - bb) + (-t2 - bb);
    const t3 = nf * PIO2_3;
    const h3 = h2 - t3;
    bb = h3 - h2;
    const e3 = h2 - (h3 - bb) + (-t3 - bb);
    const l = e2 + e3 - nf * PIO2_4;
    const rh = h3 + l;
    bb = rh - h3;
    S[RH] = rh;
    S[RL] = h3 - (rh - bb) + (l - bb);
    return nf & 3;
  }
  // Payne–Hanek on the integer mantissa: |x| = M·2^E, x·2/π mod 4 with 128 fractional bits
  F[0] = a;
  const hw = U[HI];
  const E = (hw >>> 20) - 1075;
  const M = (BigInt((hw & 0xfffff) | 0x100000) << 32n) | BigInt(U[LO]);
  const v = ((M * TWO_OVER_PI) >> BigInt(1280 - E - 128)) & MASK130;
  let n = Number(v >> 128n);
  let frac = v & ((1n << 128n) - 1n);
  if (frac >= 1n << 127n) {
    frac -= 1n << 128n;
    n += 1;
  }
  const fh = Number(frac);
  const fl = Number(frac - BigInt(fh)) * TWO_M128;
  const hh = fh * TWO_M128;
  // (hh + fl)·(π/2) in double-double
  const ph = twoProduct(hh, PIO2_HI);
  const pl = S[PE] + hh * PIO2_LO + fl * PIO2_HI;
  const rh = ph + pl;
  const rl = ph - rh + pl;
  S[RH] = x < 0 ? -rh : rh;
  S[RL] = x < 0 ? -rl : rl;
  if (x < 0) n = -n;
  return n & 3;
}

/** sin(r + rl) for |r| ≤ π/4: Taylor to r^19/19!, plus rl·cos r ≈ rl(1 − r²/2). */
function sinK(r: number, rl: number): number {
  const z = r * r;
  const v = z * r;
  const S = -0.16666666666666666 + z * (0.008333333333333333 + z * (-0.0001984126984126984 + z * (0.0000027557319223985893 +
    z * (-2.505210838544172e-8 + z * (1.6059043836821613e-10 + z * (-7.647163731819816e-13 + z * (2.8114572543455206e-15 + z * -8.22063524662433e-18)))))));
  return r + (v * S + (rl - 0.5 * z * rl));
}

/** cos(r + rl) for |r| ≤ π/4: 1 − r²/2 + r⁴·C(r²) with the rounding of 1 − r²/2 recovered, minus r·rl. */
function cosK(r: number, rl: number): number {
  const z = r * r;
  const C = 0.041666666666666664 + z * (-0.001388888888888889 + z * (0.0000248015873015873 + z * (-2.755731922398589e-7 +
    z * (2.08767569878681e-9 + z * (-1.1470745597729725e-11 + z * (4.779477332387385e-14 + z * -1.5619206968586225e-16))))));
  const hz = 0.5 * z;
  const w = 1 - hz;
  return w + (1 - w - hz + (z * z * C - r * rl));
}

/** Sine (radians). */
export function sin(x: number): number {
  if (x - x !== 0) return NaN; // ±∞, NaN
  const a = x < 0 ? -x : x;
  if (a < 7.450580596923828e-9) return x; // |x| < 2^-27 (also ±0)
  if (a <= 0.7853981633974483) return sinK(x, 0);
  const n = reducePio2(x);
  return n === 0 ? sinK(S[RH], S[RL]) : n === 1 ? cosK(S[RH], S[RL]) : n === 2 ? -sinK(S[RH], S[RL]) : -cosK(S[RH], S[RL]);
}

/** Cosine (radians). */
export function cos(x: number): number {
  if (x - x !== 0) return NaN;
  const a = x < 0 ? -x : x;
  if (a < 7.450580596923828e-9) return 1;
  if (a <= 0.7853981633974483) return cosK(x, 0);
  const n = reducePio2(x);
  return n === 0 ? cosK(S[RH], S[RL]) : n === 1 ? -sinK(S[RH], S[RL]) : n === 2 ? -cosK(S[RH], S[RL]) : sinK(S[RH], S[RL]);
}
