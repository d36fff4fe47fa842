// WASM SIMD (f32x4) kernels of a dense layer on an imported shared memory (DESIGN.md §5):
//   forward  net = X·W[:,1:]ᵀ + W[:,0]    weight gradient  dW += Δᵀ·[1|X]    input gradient  da = Δ·W[:,1:]
// plus φ and φ', the softmax/CE output error δ = (Σy)·a − y and the optimizer updates.
// Every pointer is a byte offset that JS handed out; nothing here allocates, so one module
// instantiated in every worker over the same memory runs on the same tensors.

// Register tile: 4 rows × 8 columns = eight f32x4 accumulators (x86-64 has 16 vector
// registers; 8 accumulators + 2 operands + 1 broadcast leave room for the addresses).
// KC blocks the reduction dimension so the packed panel (KC × 8 floats = 8 KiB) and the rows
// it meets stay in L1.
const KC: i32 = 256;
// Rows of Δ/X per block of the weight gradient (keeps the X panel and Δ block in L1/L2).
const BC: i32 = 256;

/** First byte JS may hand out (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch denseForward needs at `pack` (one packed panel of W plus its 8 biases). */
export function packBytes(): i32 {
  return (KC * 8 + 8) << 2;
}

// ---- partial vectors at the edges (n of 4 lanes valid; the rest read as 0, never written) ----

@inline function load4(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

@inline function store4(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  if (n > 0) v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p, v, 1, 4);
  if (n > 2) v128.store32_lane(p, v, 2, 8);
}

@inline function lo(n: i32): i32 {
  return n < 4 ? n : 4;
}

@inline function hi(n: i32): i32 {
  return n > 4 ? n - 4 : 0;
}

@inline function madd(c: v128, a: v128, b: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}

// ---- forward: net = X·W[:,1:]ᵀ + W[:,0] ----

/**
 * net (B, nOut) = X (B, nIn) · W[:,1:]ᵀ + W[:,0], W (nOut, nIn+1).
 * For each panel of 8 outputs, W[k0:k0+8, 1+j0 : 1+j0+KC] is packed transposed into `pack`
 * (8 consecutive floats per input j), so the inner loop reads it with two aligned loads
 * and broadcasts one X value per row: an outer-product update of a 4×8 tile of net.
 */
export function denseForward(net: usize, W: usize, X: usize, B: i32, nIn: i32, nOut: i32, pack: usize): void {
  const cols = nIn + 1;
  const panel = pack + 32;
  for (let k0 = 0; k0 < nOut; k0 += 8) {
    const kw = min(8, nOut - k0);
    // biases of the panel; absent outputs read 0
    for (let kk = 0; kk < 8; kk++) {
      store<f32>(pack + (kk << 2), kk < kw ? load<f32>(W + ((<usize>(k0 + kk) * cols) << 2)) : 0);
    }
    for (let j0 = 0; j0 < nIn; j0 += KC) {
      const jc = min(KC, nIn - j0);
      packPanel(panel, W, cols, k0, kw, j0, jc);
      const first = j0 == 0;
      let b = 0;
      for (; b + 4 <= B; b += 4) forwardTile4(net, X, pack, b, nIn, nOut, k0, kw, j0, jc, first);
      for (; b < B; b++) forwardTile1(net, X, pack, b, nIn, nOut, k0, kw, j0, jc, first);
    }
  }
}

/** panel[jj·8 + kk] = W[k0+kk, 1+j0+jj] for jj < jc (0 where k0+kk ≥ nOut). */
@inline function packPanel(panel: usize, W: usize, cols: i32, k0: i32, kw: i32, j0: i32, jc: i32): void {
  if (kw == 8) {
    // 4×4 transposes: four rows of W (4 inputs each) become four columns of the panel
    const rs = <usize>cols << 2;
    for (let h = 0; h < 8; h += 4) {
      const w0 = W + ((<usize>(k0 + h) * cols + 1 + j0) << 2);
      const w1 = w0 + rs;
      const w2 = w1 + rs;
      const w3 = w2 + rs;
      let jj = 0;
      for (; jj + 4 <= jc; jj += 4) {
        const o = <usize>jj << 2;
        const r0 = v128.load(w0 + o);
        const r1 = v128.load(w1 + o);
        const r2 = v128.load(w2 + o);
        const r3 = v128.load(w3 + o);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
        const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // r2[0] r3[0] r2[1] r3[1]
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const p = panel + ((<usize>jj << 5) + (<usize>h << 2));
        v128.store(p, i64x2.shuffle(t0, t1, 0, 2)); // column jj:   r0[0] r1[0] r2[0] r3[0]
        v128.store(p, i64x2.shuffle(t0, t1, 1, 3), 32); // jj+1
        v128.store(p, i64x2.shuffle(t2, t3, 0, 2), 64); // jj+2
        v128.store(p, i64x2.shuffle(t2, t3, 1, 3), 96); // jj+3
      }
      for (; jj < jc; jj++) {
        const o = <usize>jj << 2;
        const p = panel + ((<usize>jj << 5) + (<usize>h << 2));
        store<f32>(p, load<f32>(w0 + o));
        store<f32>(p, load<f32>(w1 + o), 4);
        store<f32>(p, load<f32>(w2 + o), 8);
        store<f32>(p, load<f32>(w3 + o), 12);
      }
    }
    return;
  }
  for (let jj = 0; jj < jc; jj++) {
    const p = panel + (<usize>jj << 5);
    for (let kk = 0; kk < 8; kk++) {
      store<f32>(p + (kk << 2), kk < kw ? load<f32>(W + ((<usize>(k0 + kk) * cols + 1 + j0 + jj) << 2)) : 0);
    }
  }
}

@inline function forwardTile4(
  net: usize, X: usize, pack: usize, b: i32, nIn: i32, nOut: i32,
  k0: i32, kw: i32, j0: i32, jc: i32, first: bool,
): void {
  const ns = <usize>nOut << 2;
  const n0 = net + ((<usize>b * nOut + k0) << 2);
  const n1 = n0 + ns;
  const n2 = n1 + ns;
  const n3 = n2 + ns;
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (first) {
    const b0 = v128.load(pack);
    const b1 = v128.load(pack, 16);
    c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1; c30 = b0; c31 = b1;
  } else if (kw == 8) {
    c00 = v128.load(n0); c01 = v128.load(n0, 16);
    c10 = v128.load(n1); c11 = v128.load(n1, 16);
    c20 = v128.load(n2); c21 = v128.load(n2, 16);
    c30 = v128.load(n3); c31 = v128.load(n3, 16);
  } else {
    c00 = load4(n0, lo(kw)); c01 = load4(n0 + 16, hi(kw));
    c10 = load4(n1, lo(kw)); c11 = load4(n1 + 16, hi(kw));
    c20 = load4(n2, lo(kw)); c21 = load4(n2 + 16, hi(kw));
    c30 = load4(n3, lo(kw)); c31 = load4(n3 + 16, hi(kw));
  }
  const xs = <usize>nIn << 2;
  let x0 = X + ((<usize>b * nIn + j0) << 2);
  let p = pack + 32;
  const end = p + (<usize>jc << 5);
  // two inputs per trip: half the loop overhead
  const end2 = p + (<usize>(jc & ~1) << 5);
  while (p < end2) {
    let q0 = v128.load(p);
    let q1 = v128.load(p, 16);
    let a = v128.load32_splat(x0);
    c00 = madd(c00, a, q0); c01 = madd(c01, a, q1);
    a = v128.load32_splat(x0 + xs);
    c10 = madd(c10, a, q0); c11 = madd(c11, a, q1);
    a = v128.load32_splat(x0 + 2 * xs);
    c20 = madd(c20, a, q0); c21 = madd(c21, a, q1);
    a = v128.load32_splat(x0 + 3 * xs);
    c30 = madd(c30, a, q0); c31 = madd(c31, a, q1);
    q0 = v128.load(p, 32);
    q1 = v128.load(p, 48);
    a = v128.load32_splat(x0, 4);
    c00 = madd(c00, a, q0); c01 = madd(c01, a, q1);
    a = v128.load32_splat(x0 + xs, 4);
    c10 = madd(c10, a, q0); c11 = madd(c11, a, q1);
    a = v128.load32_splat(x0 + 2 * xs, 4);
    c20 = madd(c20, a, q0); c21 = madd(c21, a, q1);
    a = v128.load32_splat(x0 + 3 * xs, 4);
    c30 = madd(c30, a, q0); c31 = madd(c31, a, q1);
    p += 64;
    x0 += 8;
  }
  if (p < end) {
    const q0 = v128.load(p);
    const q1 = v128.load(p, 16);
    let a = v128.load32_splat(x0);
    c00 = madd(c00, a, q0); c01 = madd(c01, a, q1);
    a = v128.load32_splat(x0 + xs);
    c10 = madd(c10, a, q0); c11 = madd(c11, a, q1);
    a = v128.load32_splat(x0 + 2 * xs);
    c20 = madd(c20, a, q0); c21 = madd(c21, a, q1);
    a = v128.load32_splat(x0 + 3 * xs);
    c30 = madd(c30, a, q0); c31 = madd(c31, a, q1);
  }
  if (kw == 8) {
    v128.store(n0, c00); v128.store(n0, c01, 16);
    v128.store(n1, c10); v128.store(n1, c11, 16);
    v128.store(n2, c20); v128.store(n2, c21, 16);
    v128.store(n3, c30); v128.store(n3, c31, 16);
  } else {
    store4(n0, c00, lo(kw)); store4(n0 + 16, c01, hi(kw));
    store4(n1, c10, lo(kw)); store4(n1 + 16, c11, hi(kw));
    store4(n2, c20, lo(kw)); store4(n2 + 16, c21, hi(kw));
    store4(n3, c30, lo(kw)); store4(n3 + 16, c31, hi(kw));
  }
}

@inline function forwardTile1(
  net: usize, X: usize, pack: usize, b: i32, nIn: i32, nOut: i32,
  k0: i32, kw: i32, j0: i32, jc: i32, first: bool,
): void {
  const n0 = net + ((<usize>b * nOut + k0) << 2);
  let c0: v128, c1: v128;
  if (first) {
    c0 = v128.load(pack);
    c1 = v128.load(pack, 16);
  } else {
    c0 = load4(n0, lo(kw));
    c1 = load4(n0 + 16, hi(kw));
  }
  let x0 = X + ((<usize>b * nIn + j0) << 2);
  let p = pack + 32;
  const end = p + (<usize>jc << 5);
  while (p < end) {
    const a = v128.load32_splat(x0);
    c0 = madd(c0, a, v128.load(p));
    c1 = madd(c1, a, v128.load(p, 16));
    p += 32;
    x0 += 4;
  }
  store4(n0, c0, lo(kw));
  store4(n0 + 16, c1, hi(kw));
}

// ---- weight gradient: dW += Δᵀ·[1|X] ----

/**
 * dW (nOut, nIn+1) += Δᵀ (nOut, B) · [1|X] (B, nIn+1). Column 0 gets Σ_b δ_bk; a 4×8 tile of
 * dW[k0:k0+4, 1+j0 : 1+j0+8] sums over b the outer product of Δ[b, k0:k0+4] (broadcast) and
 * X[b, j0:j0+8] (two loads straight from the row: no packing needed).
 */
export function denseBackwardWeights(dW: usize, delta: usize, X: usize, B: i32, nIn: i32, nOut: i32): void {
  const cols = nIn + 1;
  biasGradient(dW, delta, B, nOut, cols);
  for (let b0 = 0; b0 < B; b0 += BC) {
    const bc = min(BC, B - b0);
    let j0 = 0;
    for (; j0 + 8 <= nIn; j0 += 8) {
      let k = 0;
      for (; k + 4 <= nOut; k += 4) weightTile4(dW, delta, X, b0, bc, nIn, nOut, cols, k, j0);
      for (; k < nOut; k++) weightTile1(dW, delta, X, b0, bc, nIn, nOut, cols, k, j0, 8);
    }
    if (j0 < nIn) {
      const w = nIn - j0;
      for (let k = 0; k < nOut; k++) weightTile1(dW, delta, X, b0, bc, nIn, nOut, cols, k, j0, w);
    }
  }
}

/** dW[k, 0] += Σ_b δ_bk, four outputs at a time. */
@inline function biasGradient(dW: usize, delta: usize, B: i32, nOut: i32, cols: i32): void {
  const ds = <usize>nOut << 2;
  let k = 0;
  for (; k + 4 <= nOut; k += 4) {
    let s = f32x4.splat(0);
    let d = delta + (<usize>k << 2);
    for (let b = 0; b < B; b++) {
      s = f32x4.add(s, v128.load(d));
      d += ds;
    }
    const w = dW + ((<usize>k * cols) << 2);
    const cs = <usize>cols << 2;
    store<f32>(w, load<f32>(w) + f32x4.extract_lane(s, 0));
    store<f32>(w + cs, load<f32>(w + cs) + f32x4.extract_lane(s, 1));
    store<f32>(w + 2 * cs, load<f32>(w + 2 * cs) + f32x4.extract_lane(s, 2));
    store<f32>(w + 3 * cs, load<f32>(w + 3 * cs) + f32x4.extract_lane(s, 3));
  }
  for (; k < nOut; k++) {
    let s: f32 = 0;
    for (let b = 0; b < B; b++) s += load<f32>(delta + ((<usize>b * nOut + k) << 2));
    const w = dW + ((<usize>k * cols) << 2);
    store<f32>(w, load<f32>(w) + s);
  }
}

@inline function weightTile4(
  dW: usize, delta: usize, X: usize, b0: i32, bc: i32, nIn: i32, nOut: i32, cols: i32, k: i32, j0: i32,
): void {
  const cs = <usize>cols << 2;
  const w0 = dW + ((<usize>k * cols + 1 + j0) << 2);
  const w1 = w0 + cs;
  const w2 = w1 + cs;
  const w3 = w2 + cs;
  let c00 = v128.load(w0), c01 = v128.load(w0, 16);
  let c10 = v128.load(w1), c11 = v128.load(w1, 16);
  let c20 = v128.load(w2), c21 = v128.load(w2, 16);
  let c30 = v128.load(w3), c31 = v128.load(w3, 16);
  const xs = <usize>nIn << 2;
  const ds = <usize>nOut << 2;
  let x = X + ((<usize>b0 * nIn + j0) << 2);
  let d = delta + ((<usize>b0 * nOut + k) << 2);
  const end = x + <usize>bc * xs;
  while (x < end) {
    const q0 = v128.load(x);
    const q1 = v128.load(x, 16);
    let a = v128.load32_splat(d);
    c00 = madd(c00, a, q0); c01 = madd(c01, a, q1);
    a = v128.load32_splat(d, 4);
    c10 = madd(c10, a, q0); c11 = madd(c11, a, q1);
    a = v128.load32_splat(d, 8);
    c20 = madd(c20, a, q0); c21 = madd(c21, a, q1);
    a = v128.load32_splat(d, 12);
    c30 = madd(c30, a, q0); c31 = madd(c31, a, q1);
    x += xs;
    d += ds;
  }
  v128.store(w0, c00); v128.store(w0, c01, 16);
  v128.store(w1, c10); v128.store(w1, c11, 16);
  v128.store(w2, c20); v128.store(w2, c21, 16);
  v128.store(w3, c30); v128.store(w3, c31, 16);
}

@inline function weightTile1(
  dW: usize, delta: usize, X: usize, b0: i32, bc: i32, nIn: i32, nOut: i32, cols: i32, k: i32, j0: i32, w: i32,
): void {
  const w0 = dW + ((<usize>k * cols + 1 + j0) << 2);
  const l = lo(w);
  const h = hi(w);
  let c0 = load4(w0, l);
  let c1 = load4(w0 + 16, h);
  const xs = <usize>nIn << 2;
  const ds = <usize>nOut << 2;
  let x = X + ((<usize>b0 * nIn + j0) << 2);
  let d = delta + ((<usize>b0 * nOut + k) << 2);
  const end = x + <usize>bc * xs;
  if (w == 8) {
    while (x < end) {
      const a = v128.load32_splat(d);
      c0 = madd(c0, a, v128.load(x));
      c1 = madd(c1, a, v128.load(x, 16));
      x += xs;
      d += ds;
    }
  } else {
    while (x < end) {
      const a = v128.load32_splat(d);
      c0 = madd(c0, a, load4(x, l));
      c1 = madd(c1, a, load4(x + 16, h));
      x += xs;
      d += ds;
    }
  }
  store4(w0, c0, l);
  store4(w0 + 16, c1, h);
}

// ---- input gradient: da = Δ·W[:,1:] ----

/**
 * da (B, nIn) = Δ (B, nOut) · W[:,1:] (nOut, nIn), overwritten. A 4×8 tile of da sums over k
 * the outer product of Δ[b:b+4, k] (broadcast) and W[k, 1+j0 : 1+j0+8] (two loads from the
 * row of W). The k dimension is blocked by KC so the W panel stays in cache.
 */
export function denseBackwardInput(da: usize, delta: usize, W: usize, B: i32, nIn: i32, nOut: i32): void {
  const cols = nIn + 1;
  for (let k0 = 0; k0 < nOut; k0 += KC) {
    const kc = min(KC, nOut - k0);
    const first = k0 == 0;
    for (let j0 = 0; j0 < nIn; j0 += 8) {
      const w = min(8, nIn - j0);
      let b = 0;
      if (w == 8) for (; b + 4 <= B; b += 4) inputTile4(da, delta, W, b, nIn, nOut, cols, k0, kc, j0, first);
      for (; b < B; b++) inputTile1(da, delta, W, b, nIn, nOut, cols, k0, kc, j0, w, first);
    }
  }
}

@inline function inputTile4(
  da: usize, delta: usize, W: usize, b: i32, nIn: i32, nOut: i32, cols: i32, k0: i32, kc: i32, j0: i32, first: bool,
): void {
  const as = <usize>nIn << 2;
  const a0 = da + ((<usize>b * nIn + j0) << 2);
  const a1 = a0 + as;
  const a2 = a1 + as;
  const a3 = a2 + as;
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (first) {
    const z = f32x4.splat(0);
    c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
  } else {
    c00 = v128.load(a0); c01 = v128.load(a0, 16);
    c10 = v128.load(a1); c11 = v128.load(a1, 16);
    c20 = v128.load(a2); c21 = v128.load(a2, 16);
    c30 = v128.load(a3); c31 = v128.load(a3, 16);
  }
  const ws = <usize>cols << 2;
  const ds = <usize>nOut << 2;
  let wp = W + ((<usize>k0 * cols + 1 + j0) << 2);
  let d = delta + ((<usize>b * nOut + k0) << 2);
  const end = d + (<usize>kc << 2);
  while (d < end) {
    const q0 = v128.load(wp);
    const q1 = v128.load(wp, 16);
    let a = v128.load32_splat(d);
    c00 = madd(c00, a, q0); c01 = madd(c01, a, q1);
    a = v128.load32_splat(d + ds);
    c10 = madd(c10, a, q0); c11 = madd(c11, a, q1);
    a = v128.load32_splat(d + 2 * ds);
    c20 = madd(c20, a, q0); c21 = madd(c21, a, q1);
    a = v128.load32_splat(d + 3 * ds);
    c30 = madd(c30, a, q0); c31 = madd(c31, a, q1);
    wp += ws;
    d += 4;
  }
  v128.store(a0, c00); v128.store(a0, c01, 16);
  v128.store(a1, c10); v128.store(a1, c11, 16);
  v128.store(a2, c20); v128.store(a2, c21, 16);
  v128.store(a3, c30); v128.store(a3, c31, 16);
}

@inline function inputTile1(
  da: usize, delta: usize, W: usize, b: i32, nIn: i32, nOut: i32, cols: i32, k0: i32, kc: i32, j0: i32, w: i32, first: bool,
): void {
  const a0 = da + ((<usize>b * nIn + j0) << 2);
  const l = lo(w);
  const h = hi(w);
  let c0: v128, c1: v128;
  if (first) {
    c0 = f32x4.splat(0);
    c1 = c0;
  } else {
    c0 = load4(a0, l);
    c1 = load4(a0 + 16, h);
  }
  const ws = <usize>cols << 2;
  let wp = W + ((<usize>k0 * cols + 1 + j0) << 2);
  let d = delta + ((<usize>b * nOut + k0) << 2);
  const end = d + (<usize>kc << 2);
  if (w == 8) {
    while (d < end) {
      const a = v128.load32_splat(d);
      c0 = madd(c0, a, v128.load(wp));
      c1 = madd(c1, a, v128.load(wp, 16));
      wp += ws;
      d += 4;
    }
  } else {
    while (d < end) {
      const a = v128.load32_splat(d);
      c0 = madd(c0, a, load4(wp, l));
      c1 = madd(c1, a, load4(wp + 16, h));
      wp += ws;
      d += 4;
    }
  }
  store4(a0, c0, l);
  store4(a0 + 16, c1, h);
}
