// WASM SIMD (f32x4) kernels of a dense layer on an imported shared memory (DESIGN.md §5):
//   forward  net = X·W[:,1:]ᵀ + W[:,0]    weight gradient  dW (+)= Δᵀ·[1|X]    input gradient  da = Δ·W[:,1:]
// plus the SIMD twins of φ and φ', the optimizer updates, the slot reduction and the finite scan.
// Every pointer is a byte offset that JS handed out; nothing here allocates, so one module
// instantiated in every worker over the same memory runs on the same tensors.

import { mexp, msigmoidF32, msoftplusF32, mtanhF32 } from './math';

// Register tile: 4 rows × 8 columns = eight f32x4 accumulators (x86-64 has 16 vector
// registers; 8 accumulators + 2 operands + 1 broadcast leave room for the addresses).
// Each GEMM streams two packed or contiguous operands through that tile; the blocks keep
// what is reused in cache (L1 32 KiB, L2 ≥ 512 KiB per core on current x86 and ARM):
const KC: i32 = 256; // reduction block of the forward pass and of da: a panel is KC × 8 floats = 8 KiB
const KG: i32 = 64; //  outputs per group of forward panels (KG·KC floats = 64 KiB) that 4 rows of X meet in turn
const BC: i32 = 256; // rows of Δ and X per block of the weight gradient
const KB: i32 = 128; // outputs per packed block of Δ in the weight gradient (BC·KB floats = 128 KiB)
const BB: i32 = 64; //  rows of Δ per block of da

/** First byte JS may hand out (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of per-thread scratch the GEMMs need at `pack` (packed panels; see each kernel). */
export function packBytes(): i32 {
  return max(KG + KG * KC, BC * 8 + BC * KB) << 2;
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
 * W[k0:k0+8, 1+j0 : 1+j0+KC] is packed transposed into a panel (8 consecutive floats per
 * input j), so the inner loop reads it with two aligned loads and broadcasts one X value per
 * row: an outer-product update of a 4×8 tile of net. Scratch at `pack`: KG biases, then the
 * KG/8 panels of a group of outputs.
 */
export function denseForward(net: usize, W: usize, X: usize, B: i32, nIn: i32, nOut: i32, pack: usize): void {
  const cols = nIn + 1;
  const panels = pack + (<usize>KG << 2); // after the KG biases
  for (let j0 = 0; j0 < nIn; j0 += KC) {
    const jc = min(KC, nIn - j0);
    const first = j0 == 0;
    // a group of KG outputs: its panels are packed once and every 4 rows of X (4·KC floats,
    // in L1) meet all of them before the next rows come in
    for (let g0 = 0; g0 < nOut; g0 += KG) {
      const gEnd = min(nOut, g0 + KG);
      for (let k0 = g0; k0 < gEnd; k0 += 8) {
        const kw = min(8, nOut - k0);
        const bias = pack + (<usize>(k0 - g0) << 2);
        for (let kk = 0; kk < 8; kk++) {
          store<f32>(bias + (kk << 2), kk < kw ? load<f32>(W + ((<usize>(k0 + kk) * cols) << 2)) : 0); // absent outputs read 0
        }
        packPanel(panels + ((<usize>(k0 - g0) * KC) << 2), W, cols, k0, kw, j0, jc);
      }
      let b = 0;
      for (; b + 4 <= B; b += 4) {
        for (let k0 = g0; k0 < gEnd; k0 += 8) {
          forwardTile4(net, X, pack + (<usize>(k0 - g0) << 2), panels + ((<usize>(k0 - g0) * KC) << 2), b, nIn, nOut, k0, min(8, nOut - k0), j0, jc, first);
        }
      }
      for (; b < B; b++) {
        for (let k0 = g0; k0 < gEnd; k0 += 8) {
          forwardTile1(net, X, pack + (<usize>(k0 - g0) << 2), panels + ((<usize>(k0 - g0) * KC) << 2), b, nIn, nOut, k0, min(8, nOut - k0), j0, jc, first);
        }
      }
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
  net: usize, X: usize, bias: usize, panel: usize, b: i32, nIn: i32, nOut: i32,
  k0: i32, kw: i32, j0: i32, jc: i32, first: bool,
): void {
  const ns = <usize>nOut << 2;
  const n0 = net + ((<usize>b * nOut + k0) << 2);
  const n1 = n0 + ns;
  const n2 = n1 + ns;
  const n3 = n2 + ns;
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (first) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias, 16);
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
  let p = panel;
  const end = p + (<usize>jc << 5);
  while (p < end) {
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
    p += 32;
    x0 += 4;
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
  net: usize, X: usize, bias: usize, panel: usize, b: i32, nIn: i32, nOut: i32,
  k0: i32, kw: i32, j0: i32, jc: i32, first: bool,
): void {
  const n0 = net + ((<usize>b * nOut + k0) << 2);
  let c0: v128, c1: v128;
  if (first) {
    c0 = v128.load(bias);
    c1 = v128.load(bias, 16);
  } else {
    c0 = load4(n0, lo(kw));
    c1 = load4(n0 + 16, hi(kw));
  }
  let x0 = X + ((<usize>b * nIn + j0) << 2);
  let p = panel;
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

// ---- weight gradient: dW += Δᵀ·[1|X] (or dW = Δᵀ·[1|X], or dW = dW + (Δᵀ·[1|X])) ----

/** `mode` of denseBackwardWeights: dW += Σ (one chain of adds through dW). */
const ACCUMULATE: i32 = 0;
/** dW = Σ: the tiles of the first block of rows start from 0 instead of loading dW (the bits of accumulating into a zeroed dW, without the pass that zeroes it). */
const STORE: i32 = 1;
/** dW = dW + Σ with Σ summed from 0 first (B ≤ BC: one block): the bits of storing Σ in a slot and adding the slot into dW. */
const ADD_SUM: i32 = 2;

/** Most rows `ADD_SUM` takes (one block: its sums stay in registers until they are added). */
export function sumRows(): i32 {
  return BC;
}

/**
 * dW (rows, nIn+1) += Δᵀ (rows, B) · [1|X] (B, nIn+1), by `mode` (above): the first `rows` of the
 * nOut outputs whose δ Δ holds in rows of nOut (a block of outputs k0… passes dW and Δ from there). Column 0 gets Σ_b δ_bk; a 4×8 tile of
 * dW[k:k+4, 1+j0 : 1+j0+8] sums over b the outer product of Δ[b, k:k+4] (broadcast) and
 * X[b, j0:j0+8]. Both operands are packed so the inner loop reads two contiguous streams:
 * Δ per block of KB outputs as [k-tile][b][4], X per panel of 8 inputs as [b][8]
 * (row strides of 4 KiB would otherwise map every row of a panel to the same cache set).
 */
export function denseBackwardWeights(dW: usize, delta: usize, X: usize, B: i32, nIn: i32, nOut: i32, pack: usize, mode: i32, rows: i32): void {
  const cols = nIn + 1;
  if (B <= 0) {
    if (mode == STORE) memory.fill(dW, 0, <usize>(rows * cols) << 2); // no rows: the sum is 0
    return;
  }
  biasGradient(dW, delta, B, nOut, rows, cols, mode == STORE);
  const addBack = mode == ADD_SUM;
  for (let b0 = 0; b0 < B; b0 += BC) {
    // later blocks of STORE add to what the first one stored
    weightBlock(dW, delta, X, b0, min(BC, B - b0), BC, nIn, nOut, rows, pack, addBack || (mode == STORE && b0 == 0), addBack);
  }
}

/**
 * dW (rows, nIn+1) = the weight gradient of B rows cut into shards of S rows (S ≤ BC), summed
 * shard by shard in order, each shard's sum from 0: the first shard's stored (`mode` STORE) or
 * added (ADD_SUM), every later one's added. Those are the bits of one call per shard (STORE or
 * ADD_SUM, then ADD_SUM), in one pass: each block of whole shards packs Δ and X once (not once
 * per shard), and a tile of dW meets every shard of the block in turn while it is in L1 (not one
 * sweep of the block's dW through L2 per shard). Every shard's tiles run as in those calls.
 */
export function denseBackwardWeightsShards(dW: usize, delta: usize, X: usize, B: i32, S: i32, nIn: i32, nOut: i32, pack: usize, mode: i32, rows: i32): void {
  const cols = nIn + 1;
  if (B <= 0) {
    if (mode == STORE) memory.fill(dW, 0, <usize>(rows * cols) << 2); // no rows: the sum is 0
    return;
  }
  const add0 = mode == ADD_SUM; // the first shard adds too
  for (let s0 = 0; s0 < B; s0 += S) biasGradient(dW, delta + ((<usize>s0 * nOut) << 2), min(S, B - s0), nOut, rows, cols, s0 == 0 && !add0);
  const per = (BC / S) * S; // rows per block: whole shards
  for (let b0 = 0; b0 < B; b0 += per) weightBlock(dW, delta, X, b0, min(per, B - b0), S, nIn, nOut, rows, pack, true, add0 || b0 > 0);
}

/**
 * Columns 1… of dW over rows [b0, b0+bc) (bc ≤ BC), cut into runs of S rows: Δ and X packed once,
 * then each tile sums each run from 0 (or from dW: `fresh` false, first run only) and stores it,
 * or adds it to dW (`add` for the first run; always for later ones).
 */
@inline function weightBlock(dW: usize, delta: usize, X: usize, b0: i32, bc: i32, S: i32, nIn: i32, nOut: i32, rows: i32, pack: usize, fresh: bool, add: bool): void {
  const cols = nIn + 1;
  const xPanel = pack;
  const dPanel = pack + (<usize>(BC * 8) << 2);
  for (let k0 = 0; k0 < rows; k0 += KB) {
    const kEnd = min(rows, k0 + KB);
    const k4 = k0 + ((kEnd - k0) & ~3); // end of the full 4-tiles
    packDelta(dPanel, delta, b0, bc, nOut, k0, k4);
    let j0 = 0;
    for (; j0 + 8 <= nIn; j0 += 8) {
      packX(xPanel, X, b0, bc, nIn, j0);
      for (let k = k0; k < k4; k += 4) {
        const dp = dPanel + (<usize>((k - k0) * bc) << 2);
        for (let r = 0; r < bc; r += S) weightTile4(dW, dp + (<usize>r << 4), xPanel + (<usize>r << 5), min(S, bc - r), cols, k, j0, fresh || r > 0, add || r > 0);
      }
      for (let k = k4; k < kEnd; k++) {
        for (let r = 0; r < bc; r += S) weightTile1(dW, delta, X, b0 + r, min(S, bc - r), nIn, nOut, cols, k, j0, 8, fresh || r > 0, add || r > 0);
      }
    }
    if (j0 < nIn) {
      const w = nIn - j0;
      for (let k = k0; k < kEnd; k++) {
        for (let r = 0; r < bc; r += S) weightTile1(dW, delta, X, b0 + r, min(S, bc - r), nIn, nOut, cols, k, j0, w, fresh || r > 0, add || r > 0);
      }
    }
  }
}

/** dPanel[t][b][r] = Δ[b0+b, k0+4t+r] for the full 4-tiles of outputs in [k0, k4). */
@inline function packDelta(dPanel: usize, delta: usize, b0: i32, bc: i32, nOut: i32, k0: i32, k4: i32): void {
  const ds = <usize>nOut << 2;
  let p = dPanel;
  for (let k = k0; k < k4; k += 4) {
    let d = delta + ((<usize>b0 * nOut + k) << 2);
    const end = p + (<usize>bc << 4);
    while (p < end) {
      v128.store(p, v128.load(d));
      d += ds;
      p += 16;
    }
  }
}

/** xPanel[b][0..8) = X[b0+b, j0 : j0+8]. */
@inline function packX(xPanel: usize, X: usize, b0: i32, bc: i32, nIn: i32, j0: i32): void {
  const xs = <usize>nIn << 2;
  let x = X + ((<usize>b0 * nIn + j0) << 2);
  let p = xPanel;
  const end = p + (<usize>bc << 5);
  while (p < end) {
    v128.store(p, v128.load(x));
    v128.store(p, v128.load(x, 16), 16);
    x += xs;
    p += 32;
  }
}

/** dW[k, 0] = dW[k, 0] + Σ_b δ_bk for k < rows (Σ from 0 first; `overwrite`: 0 + Σ, as into a zeroed dW), four outputs at a time. */
@inline function biasGradient(dW: usize, delta: usize, B: i32, nOut: i32, rows: i32, cols: i32, overwrite: bool): void {
  const ds = <usize>nOut << 2;
  let k = 0;
  for (; k + 4 <= rows; k += 4) {
    let s = f32x4.splat(0);
    let d = delta + (<usize>k << 2);
    for (let b = 0; b < B; b++) {
      s = f32x4.add(s, v128.load(d));
      d += ds;
    }
    const w = dW + ((<usize>k * cols) << 2);
    const cs = <usize>cols << 2;
    store<f32>(w, (overwrite ? 0 : load<f32>(w)) + f32x4.extract_lane(s, 0));
    store<f32>(w + cs, (overwrite ? 0 : load<f32>(w + cs)) + f32x4.extract_lane(s, 1));
    store<f32>(w + 2 * cs, (overwrite ? 0 : load<f32>(w + 2 * cs)) + f32x4.extract_lane(s, 2));
    store<f32>(w + 3 * cs, (overwrite ? 0 : load<f32>(w + 3 * cs)) + f32x4.extract_lane(s, 3));
  }
  for (; k < rows; k++) {
    let s: f32 = 0;
    for (let b = 0; b < B; b++) s += load<f32>(delta + ((<usize>b * nOut + k) << 2));
    const w = dW + ((<usize>k * cols) << 2);
    store<f32>(w, (overwrite ? 0 : load<f32>(w)) + s);
  }
}

@inline function weightTile4(dW: usize, dp: usize, xp: usize, bc: i32, cols: i32, k: i32, j0: i32, fresh: bool, addBack: bool): void {
  const cs = <usize>cols << 2;
  const w0 = dW + ((<usize>k * cols + 1 + j0) << 2);
  const w1 = w0 + cs;
  const w2 = w1 + cs;
  const w3 = w2 + cs;
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (fresh) {
    const z = f32x4.splat(0);
    c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
  } else {
    c00 = v128.load(w0); c01 = v128.load(w0, 16);
    c10 = v128.load(w1); c11 = v128.load(w1, 16);
    c20 = v128.load(w2); c21 = v128.load(w2, 16);
    c30 = v128.load(w3); c31 = v128.load(w3, 16);
  }
  let x = xp;
  let d = dp;
  const end = x + (<usize>bc << 5);
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
    x += 32;
    d += 16;
  }
  if (addBack) {
    c00 = f32x4.add(v128.load(w0), c00); c01 = f32x4.add(v128.load(w0, 16), c01);
    c10 = f32x4.add(v128.load(w1), c10); c11 = f32x4.add(v128.load(w1, 16), c11);
    c20 = f32x4.add(v128.load(w2), c20); c21 = f32x4.add(v128.load(w2, 16), c21);
    c30 = f32x4.add(v128.load(w3), c30); c31 = f32x4.add(v128.load(w3, 16), c31);
  }
  v128.store(w0, c00); v128.store(w0, c01, 16);
  v128.store(w1, c10); v128.store(w1, c11, 16);
  v128.store(w2, c20); v128.store(w2, c21, 16);
  v128.store(w3, c30); v128.store(w3, c31, 16);
}

/** One output row k, w ≤ 8 inputs, operands read in place (the edges of the tiling). */
@inline function weightTile1(
  dW: usize, delta: usize, X: usize, b0: i32, bc: i32, nIn: i32, nOut: i32, cols: i32, k: i32, j0: i32, w: i32, fresh: bool, addBack: bool,
): void {
  const w0 = dW + ((<usize>k * cols + 1 + j0) << 2);
  const l = lo(w);
  const h = hi(w);
  let c0 = fresh ? f32x4.splat(0) : load4(w0, l);
  let c1 = fresh ? f32x4.splat(0) : load4(w0 + 16, h);
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
  if (addBack) {
    c0 = f32x4.add(load4(w0, l), c0);
    c1 = f32x4.add(load4(w0 + 16, h), c1);
  }
  store4(w0, c0, l);
  store4(w0 + 16, c1, h);
}

// ---- input gradient: da = Δ·W[:,1:] ----

/**
 * da (B, nIn) = Δ (B, nOut) · W[:,1:] (nOut, nIn), overwritten. A 4×8 tile of da sums over k
 * the outer product of Δ[b:b+4, k] (broadcast) and W[k, 1+j0 : 1+j0+8], read from a packed
 * panel of KC rows (contiguous, so the strided rows of W are fetched once per block of BB rows).
 */
export function denseBackwardInput(da: usize, delta: usize, W: usize, B: i32, nIn: i32, nOut: i32, pack: usize): void {
  const cols = nIn + 1;
  for (let k0 = 0; k0 < nOut; k0 += KC) {
    const kc = min(KC, nOut - k0);
    const first = k0 == 0;
    for (let b0 = 0; b0 < B; b0 += BB) {
      const bEnd = min(B, b0 + BB);
      for (let j0 = 0; j0 < nIn; j0 += 8) {
        const w = min(8, nIn - j0);
        let b = b0;
        if (w == 8 && b + 4 <= bEnd) {
          packRows(pack, W, cols, k0, kc, j0);
          for (; b + 4 <= bEnd; b += 4) inputTile4(da, delta, pack, b, nIn, nOut, k0, kc, j0, first);
        }
        for (; b < bEnd; b++) inputTile1(da, delta, W, b, nIn, nOut, cols, k0, kc, j0, w, first);
      }
    }
  }
}

/** pack[kk·8 + jj] = W[k0+kk, 1+j0+jj] for kk < kc, jj < 8: the W panel one 4×8 tile of da reads, contiguous. */
@inline function packRows(pack: usize, W: usize, cols: i32, k0: i32, kc: i32, j0: i32): void {
  const ws = <usize>cols << 2;
  let wp = W + ((<usize>k0 * cols + 1 + j0) << 2);
  let p = pack;
  const end = pack + (<usize>kc << 5);
  while (p < end) {
    v128.store(p, v128.load(wp));
    v128.store(p, v128.load(wp, 16), 16);
    wp += ws;
    p += 32;
  }
}

@inline function inputTile4(
  da: usize, delta: usize, panel: usize, b: i32, nIn: i32, nOut: i32, k0: i32, kc: i32, j0: i32, first: bool,
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
  const ds = <usize>nOut << 2;
  let wp = panel;
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
    wp += 32;
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
// ---- SIMD twins of the activation table (src/activations.ts) ----
// Only the φ and φ' with a vector body live here; every other one (the exponentials, softmax)
// runs the JS reference on the same memory, so each formula has one scalar copy. Constants
// such as the leaky slope arrive as arguments from TypeScript. len = B·n floats.

/** a = max(net, 0). */
export function reluForward(a: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < end4; o += 16) v128.store(a + o, f32x4.pmax(zero, v128.load(net + o))); // net > 0 ? net : 0
  for (let o = end4; o < bytes; o += 4) {
    const x = load<f32>(net + o);
    store<f32>(a + o, x > 0 ? x : 0);
  }
}

/** δ = g ⊙ [net > 0]. */
export function reluBackward(delta: usize, g: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < end4; o += 16) v128.store(delta + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(net + o), zero)));
  for (let o = end4; o < bytes; o += 4) store<f32>(delta + o, load<f32>(net + o) > 0 ? load<f32>(g + o) : 0);
}

// The JS table computes φ and φ' in f64 and rounds the result to f32 once when it stores it;
// these twins do the same (two lanes at a time in f64x2: the same operations in the same
// order), so both families give the same f32 bits, on every engine.

@inline function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Four f32 lanes from two f64x2 (each rounded once). */
@inline function to32(l: v128, h: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(l), f32x4.demote_f64x2_zero(h), 0, 2);
}

/** a = net > 0 ? net : slope·net (the product in f64, like JS). */
export function leakyReluForward(a: usize, net: usize, len: i32, slope: f64): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const zero = f32x4.splat(0);
  const sv = f64x2.splat(slope);
  for (let o: usize = 0; o < end4; o += 16) {
    const x = v128.load(net + o);
    const neg = to32(f64x2.mul(sv, lo64(x)), f64x2.mul(sv, hi64(x)));
    v128.store(a + o, v128.bitselect(x, neg, f32x4.gt(x, zero)));
  }
  for (let o = end4; o < bytes; o += 4) {
    const x = load<f32>(net + o);
    store<f32>(a + o, x > 0 ? x : <f32>(slope * <f64>x));
  }
}

/** δ = g ⊙ (net > 0 ? 1 : slope). */
export function leakyReluBackward(delta: usize, g: usize, net: usize, len: i32, slope: f64): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const zero = f32x4.splat(0);
  const sv = f64x2.splat(slope);
  for (let o: usize = 0; o < end4; o += 16) {
    const gv = v128.load(g + o);
    const neg = to32(f64x2.mul(lo64(gv), sv), f64x2.mul(hi64(gv), sv));
    v128.store(delta + o, v128.bitselect(gv, neg, f32x4.gt(v128.load(net + o), zero)));
  }
  for (let o = end4; o < bytes; o += 4) {
    const gv = load<f32>(g + o);
    store<f32>(delta + o, load<f32>(net + o) > 0 ? gv : <f32>(<f64>gv * slope));
  }
}

/** δ = g ⊙ a(1 − a), in f64. */
export function sigmoidBackward(delta: usize, g: usize, a: usize, len: i32): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const one = f64x2.splat(1);
  for (let o: usize = 0; o < end4; o += 16) {
    const av = v128.load(a + o);
    const gv = v128.load(g + o);
    const al = lo64(av);
    const ah = hi64(av);
    v128.store(delta + o, to32(f64x2.mul(lo64(gv), f64x2.mul(al, f64x2.sub(one, al))), f64x2.mul(hi64(gv), f64x2.mul(ah, f64x2.sub(one, ah)))));
  }
  for (let o = end4; o < bytes; o += 4) {
    const av = <f64>load<f32>(a + o);
    store<f32>(delta + o, <f32>(<f64>load<f32>(g + o) * (av * (1 - av))));
  }
}

/** δ = g ⊙ (1 − a²), in f64. */
export function tanhBackward(delta: usize, g: usize, a: usize, len: i32): void {
  const bytes = <usize>len << 2;
  const end4 = <usize>(len & ~3) << 2;
  const one = f64x2.splat(1);
  for (let o: usize = 0; o < end4; o += 16) {
    const av = v128.load(a + o);
    const gv = v128.load(g + o);
    const al = lo64(av);
    const ah = hi64(av);
    v128.store(delta + o, to32(f64x2.mul(lo64(gv), f64x2.sub(one, f64x2.mul(al, al))), f64x2.mul(hi64(gv), f64x2.sub(one, f64x2.mul(ah, ah)))));
  }
  for (let o = end4; o < bytes; o += 4) {
    const av = <f64>load<f32>(a + o);
    store<f32>(delta + o, <f32>(<f64>load<f32>(g + o) * (1 - av * av)));
  }
}

// ---- the exponential activations on assembly/math.ts (its f32-targeted forms in f64, one f32 rounding per store, like JS on f32 views) ----

/** a = σ(net). */
export function sigmoidForward(a: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  for (let o: usize = 0; o < bytes; o += 4) store<f32>(a + o, <f32>msigmoidF32(<f64>load<f32>(net + o)));
}

/** a = tanh(net). */
export function tanhForward(a: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  for (let o: usize = 0; o < bytes; o += 4) store<f32>(a + o, <f32>mtanhF32(<f64>load<f32>(net + o)));
}

/** a = log(1 + e^net). */
export function softplusForward(a: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  for (let o: usize = 0; o < bytes; o += 4) store<f32>(a + o, <f32>msoftplusF32(<f64>load<f32>(net + o)));
}

/** δ = g ⊙ σ(net) (softplus' = σ). */
export function softplusBackward(delta: usize, g: usize, net: usize, len: i32): void {
  const bytes = <usize>len << 2;
  for (let o: usize = 0; o < bytes; o += 4) store<f32>(delta + o, <f32>(<f64>load<f32>(g + o) * msigmoidF32(<f64>load<f32>(net + o))));
}

/** a_k = e^(net_k − max) / Σ_j e^(net_j − max) per row: e stored (rounded), Σ in f64, then a = a·(1/Σ), as in JS. */
export function softmaxForward(a: usize, net: usize, B: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  for (let b = 0; b < B; b++) {
    const nr = net + <usize>b * rowBytes;
    const ar = a + <usize>b * rowBytes;
    let max: f64 = -Infinity;
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const v = <f64>load<f32>(nr + o);
      if (v > max) max = v;
    }
    let s: f64 = 0;
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const e = mexp(<f64>load<f32>(nr + o) - max);
      store<f32>(ar + o, <f32>e);
      s += e;
    }
    const inv = 1 / s;
    for (let o: usize = 0; o < rowBytes; o += 4) store<f32>(ar + o, <f32>(<f64>load<f32>(ar + o) * inv));
  }
}

// ---- optimizer updates (the adapter passes the bias corrections c1, c2 of adam) ----
// Each returns 1 when every new weight is finite, else 0, checked in the same pass: Σ (w − w) is
// 0 over finite weights and NaN once any is ±Infinity or NaN (one sub and one add per vector).

/** 1 when the lanes of `bad` and the scalar `tail` are all 0 (no NaN reached them). */
@inline function allFinite(bad: v128, tail: f32): i32 {
  return i32x4.all_true(f32x4.eq(bad, f32x4.splat(0))) && tail == 0 ? 1 : 0;
}

/** g = scale·grad (written back to grad);  w ← w − η g. */
export function sgdStep(params: usize, grad: usize, P: i32, scale: f32, lr: f32): i32 {
  const bytes = <usize>P << 2;
  const end4 = <usize>(P & ~3) << 2;
  const sv = f32x4.splat(scale);
  const lv = f32x4.splat(lr);
  let bad = f32x4.splat(0);
  for (let o: usize = 0; o < end4; o += 16) {
    const gv = f32x4.mul(v128.load(grad + o), sv);
    v128.store(grad + o, gv);
    const w = f32x4.sub(v128.load(params + o), f32x4.mul(lv, gv));
    v128.store(params + o, w);
    bad = f32x4.add(bad, f32x4.sub(w, w));
  }
  let tail: f32 = 0;
  for (let o = end4; o < bytes; o += 4) {
    const gv = load<f32>(grad + o) * scale;
    store<f32>(grad + o, gv);
    const w = load<f32>(params + o) - lr * gv;
    store<f32>(params + o, w);
    tail += w - w;
  }
  return allFinite(bad, tail);
}

/** g = scale·grad;  v ← μ v + g;  w ← w − η v (momentum) or w − η (g + μ v) (nesterov). */
export function momentumStep(params: usize, grad: usize, v: usize, P: i32, scale: f32, lr: f32, mu: f32, nesterov: bool): i32 {
  const bytes = <usize>P << 2;
  const end4 = <usize>(P & ~3) << 2;
  const sv = f32x4.splat(scale);
  const lv = f32x4.splat(lr);
  const mv = f32x4.splat(mu);
  let bad = f32x4.splat(0);
  for (let o: usize = 0; o < end4; o += 16) {
    const gv = f32x4.mul(v128.load(grad + o), sv);
    const vv = madd(gv, mv, v128.load(v + o));
    v128.store(grad + o, gv);
    v128.store(v + o, vv);
    const step = nesterov ? madd(gv, mv, vv) : vv;
    const w = f32x4.sub(v128.load(params + o), f32x4.mul(lv, step));
    v128.store(params + o, w);
    bad = f32x4.add(bad, f32x4.sub(w, w));
  }
  let tail: f32 = 0;
  for (let o = end4; o < bytes; o += 4) {
    const gv = load<f32>(grad + o) * scale;
    const vv = mu * load<f32>(v + o) + gv;
    store<f32>(grad + o, gv);
    store<f32>(v + o, vv);
    const w = load<f32>(params + o) - lr * (nesterov ? gv + mu * vv : vv);
    store<f32>(params + o, w);
    tail += w - w;
  }
  return allFinite(bad, tail);
}

/** g = scale·grad;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η (m·c1) / (√(v·c2) + ε), c = 1/(1−βᵗ). */
export function adamStep(
  params: usize, grad: usize, m: usize, v: usize, P: i32, scale: f32, lr: f32,
  beta1: f32, beta2: f32, c1: f32, c2: f32, eps: f32,
): i32 {
  const bytes = <usize>P << 2;
  const end4 = <usize>(P & ~3) << 2;
  const sv = f32x4.splat(scale);
  const lv = f32x4.splat(lr);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const o1 = f32x4.splat(1 - beta1);
  const o2 = f32x4.splat(1 - beta2);
  const c1v = f32x4.splat(c1);
  const c2v = f32x4.splat(c2);
  const ev = f32x4.splat(eps);
  let bad = f32x4.splat(0);
  for (let o: usize = 0; o < end4; o += 16) {
    const gv = f32x4.mul(v128.load(grad + o), sv);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(o1, gv));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(o2, f32x4.mul(gv, gv)));
    v128.store(grad + o, gv);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vi, c2v)), ev);
    const w = f32x4.sub(v128.load(params + o), f32x4.div(f32x4.mul(lv, f32x4.mul(mi, c1v)), den));
    v128.store(params + o, w);
    bad = f32x4.add(bad, f32x4.sub(w, w));
  }
  let tail: f32 = 0;
  for (let o = end4; o < bytes; o += 4) {
    const gv = load<f32>(grad + o) * scale;
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gv;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * (gv * gv); // (1−β₂)·(g·g), as the SIMD body above: a stripe that ends anywhere gets the same bits
    store<f32>(grad + o, gv);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const w = load<f32>(params + o) - (lr * (mi * c1)) / (Mathf.sqrt(vi * c2) + eps);
    store<f32>(params + o, w);
    tail += w - w;
  }
  return allFinite(bad, tail);
}

/**
 * grad[i] = Σ_s slots[s·P + i] for i in [from, to), adding the shards in order s = 0, 1, …:
 * the same f32 sums, in the same order, as the JS loop, so the bits match it exactly.
 */
export function reduceSlots(grad: usize, slots: usize, nShards: i32, P: i32, from: i32, to: i32): void {
  const stride = <usize>P << 2;
  const end = <usize>to << 2;
  const end4 = <usize>(from + ((to - from) & ~3)) << 2;
  let o = <usize>from << 2;
  for (; o < end4; o += 16) {
    let acc = v128.load(slots + o);
    let p = slots + o + stride;
    for (let s = 1; s < nShards; s++) {
      acc = f32x4.add(acc, v128.load(p));
      p += stride;
    }
    v128.store(grad + o, acc);
  }
  for (; o < end; o += 4) {
    let acc = load<f32>(slots + o);
    let p = slots + o + stride;
    for (let s = 1; s < nShards; s++) {
      acc += load<f32>(p);
      p += stride;
    }
    store<f32>(grad + o, acc);
  }
}

/** Index of the first NaN or ±Infinity in x[from, to), or −1 (x − x is 0 exactly when x is finite). */
export function firstNonFinite(x: usize, from: i32, to: i32): i32 {
  let i = from;
  for (; i + 64 <= to; i += 64) {
    let acc = f32x4.splat(0);
    const p = x + (<usize>i << 2);
    for (let o: usize = 0; o < 256; o += 16) {
      const v = v128.load(p + o);
      acc = f32x4.add(acc, f32x4.sub(v, v)); // NaN as soon as one lane is not finite
    }
    if (v128.any_true(f32x4.ne(acc, acc))) break; // locate it below
  }
  for (; i < to; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}
