// pixel-loom image kernels: AssemblyScript compiled to WebAssembly with SIMD (v128).
// Built by `npm run build:kernels` (scripts/build-kernels.mjs) into build/kernels.wasm;
// loaded by ../index.ts. Pure: typed data in linear memory and sizes, no graph, no tfjs.
//
// Images are float32 HWC, row-major; a row is w·c floats, so "4 lanes" are 4 consecutive
// floats of a row (pixels and channels interleaved). Border handling is by index tables the
// caller computes (padIndices in src/nodes/lib/pad.ts: OpenCV borderInterpolate semantics), so
// every border mode and pad size behaves exactly as the tfjs path.

// ---- memory: a bump allocator over the stub runtime, reset before each kernel call ----

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function reset(): void {
  heap.reset();
}

// ---- separable correlation ----

/**
 * dst = ky ⊛ (kx ⊛ src), correlation (no flip), centred kernels of odd lengths nkx, nky.
 * kx, ky: each tap splatted to 4 lanes (16 bytes a tap). symX / symY: 1 when that kernel is
 * symmetric (k[t] = k[n−1−t]): then the taps are folded, x[i−t]·k + x[i+t]·k = (x[i−t] +
 * x[i+t])·k, halving the multiplies. colIdx: w + nkx − 1 source columns of the padded row;
 * rowIdx: h + nky − 1 source rows (of the hs rows of src: a band of a larger image may hold
 * more source rows than it has output rows). rowBuf: (w + nkx − 1)·c + 4 floats; tmp:
 * hs·w·c + 4 floats.
 */
export function sepCorrelate(src: usize, dst: usize, h: i32, hs: i32, w: i32, c: i32, kx: usize, nkx: i32, symX: i32, ky: usize, nky: i32, symY: i32, colIdx: usize, rowIdx: usize, rowBuf: usize, tmp: usize): void {
  const rowLen = w * c;
  const rowBytes = <usize>rowLen * 4;
  const padW = w + nkx - 1;
  const rx = (nkx - 1) >> 1;
  const ry = (nky - 1) >> 1;
  const cb = <usize>c * 4;
  for (let y = 0; y < hs; y++) {
    const srow = src + <usize>y * rowBytes;
    // the padded row: interior in one copy, borders pixel by pixel
    for (let p = 0; p < rx; p++) memory.copy(rowBuf + <usize>p * cb, srow + <usize>load<i32>(colIdx + <usize>p * 4) * cb, cb);
    memory.copy(rowBuf + <usize>rx * cb, srow, rowBytes);
    for (let p = rx + w; p < padW; p++) memory.copy(rowBuf + <usize>p * cb, srow + <usize>load<i32>(colIdx + <usize>p * 4) * cb, cb);
    const trow = tmp + <usize>y * rowBytes;
    // vectors of 4 (the last one may run past the row end: rowBuf and tmp have 4 floats spare)
    for (let i = 0; i < rowLen; i += 4) {
      const base = rowBuf + <usize>i * 4;
      let acc: v128;
      if (symX) {
        acc = f32x4.mul(v128.load(kx + <usize>rx * 16), v128.load(base + <usize>rx * cb));
        for (let t = 0; t < rx; t++) {
          const pair = f32x4.add(v128.load(base + <usize>t * cb), v128.load(base + <usize>(nkx - 1 - t) * cb));
          acc = f32x4.add(acc, f32x4.mul(v128.load(kx + <usize>t * 16), pair));
        }
      } else {
        acc = f32x4.splat(0);
        for (let t = 0; t < nkx; t++) acc = f32x4.add(acc, f32x4.mul(v128.load(kx + <usize>t * 16), v128.load(base + <usize>t * cb)));
      }
      v128.store(trow + <usize>i * 4, acc);
    }
  }
  // vertical pass, row by row with the taps outermost: every access is sequential
  const vecEnd = rowLen & ~3;
  for (let y = 0; y < h; y++) {
    const drow = dst + <usize>y * rowBytes;
    const mid = tmp + <usize>load<i32>(rowIdx + <usize>(y + ry) * 4) * rowBytes;
    const kmid = v128.load(ky + <usize>ry * 16);
    let i = 0;
    for (; i < vecEnd; i += 4) v128.store(drow + <usize>i * 4, f32x4.mul(kmid, v128.load(mid + <usize>i * 4)));
    for (; i < rowLen; i++) store<f32>(drow + <usize>i * 4, f32x4.extract_lane(kmid, 0) * load<f32>(mid + <usize>i * 4));
    for (let t = 0; t < ry; t++) {
      const top = tmp + <usize>load<i32>(rowIdx + <usize>(y + t) * 4) * rowBytes;
      const bottom = tmp + <usize>load<i32>(rowIdx + <usize>(y + nky - 1 - t) * 4) * rowBytes;
      const kt = v128.load(ky + <usize>t * 16);
      const kb = v128.load(ky + <usize>(nky - 1 - t) * 16);
      i = 0;
      if (symY) {
        for (; i < vecEnd; i += 4) {
          const o = <usize>i * 4;
          v128.store(drow + o, f32x4.add(v128.load(drow + o), f32x4.mul(kt, f32x4.add(v128.load(top + o), v128.load(bottom + o)))));
        }
      } else {
        for (; i < vecEnd; i += 4) {
          const o = <usize>i * 4;
          v128.store(drow + o, f32x4.add(v128.load(drow + o), f32x4.add(f32x4.mul(kt, v128.load(top + o)), f32x4.mul(kb, v128.load(bottom + o)))));
        }
      }
      const st = f32x4.extract_lane(kt, 0);
      const sb = f32x4.extract_lane(kb, 0);
      for (; i < rowLen; i++) {
        const o = <usize>i * 4;
        store<f32>(drow + o, load<f32>(drow + o) + st * load<f32>(top + o) + sb * load<f32>(bottom + o));
      }
    }
  }
}

// ---- fused SSIM ----

/**
 * SSIM of two HWC images (scikit-image conventions; see src/nodes/lib/ssim.ts): the five
 * local moments of the mean-centred images (x, y, x², y², xy) in one separable pass with the
 * n-tap kernel k, then S per pixel. Writes the S map to `map` when it is not 0. Returns the
 * sum of S over the pixels at least `crop` px from every side (all channels), in f64.
 * means: c floats per image (ma then mb). colIdx/rowIdx: index tables for the padded row and
 * column (w + n − 1, h + n − 1). bufA, bufB: (w + n − 1)·c floats each. planes: 5·h·w·c floats.
 * srow: w·c + 4 floats (one row of S); scratch: 20 floats.
 */
export function ssim(a: usize, b: usize, h: i32, w: i32, c: i32, k: usize, n: i32, means: usize, colIdx: usize, rowIdx: usize, bufA: usize, bufB: usize, planes: usize, map: usize, srow: usize, scratch: usize, crop: i32, c1: f32, c2: f32): f64 {
  const rowLen = w * c;
  const plane = <usize>(h * rowLen) * 4;
  const vecEnd = rowLen & ~3;
  const padW = w + n - 1;
  // horizontal pass: 5 planes
  for (let y = 0; y < h; y++) {
    for (let p = 0; p < padW; p++) {
      const sx = load<i32>(colIdx + <usize>p * 4);
      for (let ch = 0; ch < c; ch++) {
        const o = <usize>((y * w + sx) * c + ch) * 4;
        store<f32>(bufA + <usize>(p * c + ch) * 4, load<f32>(a + o) - load<f32>(means + <usize>ch * 4));
        store<f32>(bufB + <usize>(p * c + ch) * 4, load<f32>(b + o) - load<f32>(means + <usize>(c + ch) * 4));
      }
    }
    const base = <usize>(y * rowLen) * 4;
    let i = 0;
    for (; i < vecEnd; i += 4) {
      let sx = f32x4.splat(0);
      let sy = f32x4.splat(0);
      let sxx = f32x4.splat(0);
      let syy = f32x4.splat(0);
      let sxy = f32x4.splat(0);
      for (let t = 0; t < n; t++) {
        const kk = f32x4.splat(load<f32>(k + <usize>t * 4));
        const off = <usize>(i + t * c) * 4;
        const xa = v128.load(bufA + off);
        const xb = v128.load(bufB + off);
        const kxa = f32x4.mul(kk, xa);
        const kxb = f32x4.mul(kk, xb);
        sx = f32x4.add(sx, kxa);
        sy = f32x4.add(sy, kxb);
        sxx = f32x4.add(sxx, f32x4.mul(kxa, xa));
        syy = f32x4.add(syy, f32x4.mul(kxb, xb));
        sxy = f32x4.add(sxy, f32x4.mul(kxa, xb));
      }
      const o = base + <usize>i * 4;
      v128.store(planes + o, sx);
      v128.store(planes + plane + o, sy);
      v128.store(planes + 2 * plane + o, sxx);
      v128.store(planes + 3 * plane + o, syy);
      v128.store(planes + 4 * plane + o, sxy);
    }
    for (; i < rowLen; i++) {
      let sx: f32 = 0, sy: f32 = 0, sxx: f32 = 0, syy: f32 = 0, sxy: f32 = 0;
      for (let t = 0; t < n; t++) {
        const kk = load<f32>(k + <usize>t * 4);
        const off = <usize>(i + t * c) * 4;
        const xa = load<f32>(bufA + off);
        const xb = load<f32>(bufB + off);
        sx += kk * xa;
        sy += kk * xb;
        sxx += kk * xa * xa;
        syy += kk * xb * xb;
        sxy += kk * xa * xb;
      }
      const o = base + <usize>i * 4;
      store<f32>(planes + o, sx);
      store<f32>(planes + plane + o, sy);
      store<f32>(planes + 2 * plane + o, sxx);
      store<f32>(planes + 3 * plane + o, syy);
      store<f32>(planes + 4 * plane + o, sxy);
    }
  }
  // vertical pass and S
  let total: f64 = 0;
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const two = f32x4.splat(2);
  for (let y = 0; y < h; y++) {
    let i = 0;
    for (; i < rowLen; i += 4) {
      // lanes past the row end compute on neighbouring data and are never stored
      let dx = f32x4.splat(0);
      let dy = f32x4.splat(0);
      let dxx = f32x4.splat(0);
      let dyy = f32x4.splat(0);
      let dxy = f32x4.splat(0);
      const lanes = rowLen - i;
      if (lanes >= 4) {
        for (let t = 0; t < n; t++) {
          const sy0 = load<i32>(rowIdx + <usize>(y + t) * 4);
          const kk = f32x4.splat(load<f32>(k + <usize>t * 4));
          const o = <usize>(sy0 * rowLen + i) * 4;
          dx = f32x4.add(dx, f32x4.mul(kk, v128.load(planes + o)));
          dy = f32x4.add(dy, f32x4.mul(kk, v128.load(planes + plane + o)));
          dxx = f32x4.add(dxx, f32x4.mul(kk, v128.load(planes + 2 * plane + o)));
          dyy = f32x4.add(dyy, f32x4.mul(kk, v128.load(planes + 3 * plane + o)));
          dxy = f32x4.add(dxy, f32x4.mul(kk, v128.load(planes + 4 * plane + o)));
        }
      } else {
        for (let lane = 0; lane < lanes; lane++) {
          let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, s4: f32 = 0;
          for (let t = 0; t < n; t++) {
            const sy0 = load<i32>(rowIdx + <usize>(y + t) * 4);
            const kk = load<f32>(k + <usize>t * 4);
            const o = <usize>(sy0 * rowLen + i + lane) * 4;
            s0 += kk * load<f32>(planes + o);
            s1 += kk * load<f32>(planes + plane + o);
            s2 += kk * load<f32>(planes + 2 * plane + o);
            s3 += kk * load<f32>(planes + 3 * plane + o);
            s4 += kk * load<f32>(planes + 4 * plane + o);
          }
          store<f32>(scratch + <usize>lane * 4, s0);
          store<f32>(scratch + <usize>(4 + lane) * 4, s1);
          store<f32>(scratch + <usize>(8 + lane) * 4, s2);
          store<f32>(scratch + <usize>(12 + lane) * 4, s3);
          store<f32>(scratch + <usize>(16 + lane) * 4, s4);
        }
        dx = v128.load(scratch);
        dy = v128.load(scratch + 16);
        dxx = v128.load(scratch + 32);
        dyy = v128.load(scratch + 48);
        dxy = v128.load(scratch + 64);
      }
      // means of this lane's channels: channel of float index j is j % c
      let mav = f32x4.splat(0);
      let mbv = f32x4.splat(0);
      mav = f32x4.replace_lane(mav, 0, load<f32>(means + <usize>((i) % c) * 4));
      mav = f32x4.replace_lane(mav, 1, load<f32>(means + <usize>((i + 1) % c) * 4));
      mav = f32x4.replace_lane(mav, 2, load<f32>(means + <usize>((i + 2) % c) * 4));
      mav = f32x4.replace_lane(mav, 3, load<f32>(means + <usize>((i + 3) % c) * 4));
      mbv = f32x4.replace_lane(mbv, 0, load<f32>(means + <usize>(c + (i) % c) * 4));
      mbv = f32x4.replace_lane(mbv, 1, load<f32>(means + <usize>(c + (i + 1) % c) * 4));
      mbv = f32x4.replace_lane(mbv, 2, load<f32>(means + <usize>(c + (i + 2) % c) * 4));
      mbv = f32x4.replace_lane(mbv, 3, load<f32>(means + <usize>(c + (i + 3) % c) * 4));
      const vx = f32x4.sub(dxx, f32x4.mul(dx, dx));
      const vy = f32x4.sub(dyy, f32x4.mul(dy, dy));
      const vxy = f32x4.sub(dxy, f32x4.mul(dx, dy));
      const ux = f32x4.add(dx, mav);
      const uy = f32x4.add(dy, mbv);
      const a1 = f32x4.add(f32x4.mul(two, f32x4.mul(ux, uy)), vc1);
      const a2 = f32x4.add(f32x4.mul(two, vxy), vc2);
      const b1 = f32x4.add(f32x4.add(f32x4.mul(ux, ux), f32x4.mul(uy, uy)), vc1);
      const b2 = f32x4.add(f32x4.add(vx, vy), vc2);
      const s = f32x4.div(f32x4.mul(a1, a2), f32x4.mul(b1, b2));
      v128.store(srow + <usize>i * 4, s);
    }
    if (map != 0) memory.copy(map + <usize>(y * rowLen) * 4, srow, <usize>rowLen * 4);
    if (y >= crop && y < h - crop) {
      let rowSum: f64 = 0;
      for (let j = crop * c; j < (w - crop) * c; j++) rowSum += <f64>load<f32>(srow + <usize>j * 4);
      total += rowSum;
    }
  }
  return total;
}

// ---- median (3×3, 5×5, 7×7: generated selection networks, median.gen.ts) ----

export { median3, median5, median7, median3u8c, median5u8c, median7u8c } from './median.gen';

/**
 * Copies an HWC image into a padded plane: padded row py is source row rowIdx[py], padded
 * column px is source column colIdx[px] (w + 2·padX columns, h + 2·padY rows). `size`:
 * bytes per value (4 for float32, 1 for bytes).
 */
export function padPlane(src: usize, plane: usize, h: i32, w: i32, c: i32, padX: i32, padY: i32, colIdx: usize, rowIdx: usize, size: i32): void {
  const cb = <usize>(c * size);
  const rowBytes = <usize>(w * c * size);
  const padRow = <usize>((w + 2 * padX) * c * size);
  for (let py = 0; py < h + 2 * padY; py++) {
    const srow = src + <usize>load<i32>(rowIdx + <usize>py * 4) * rowBytes;
    const prow = plane + <usize>py * padRow;
    for (let p = 0; p < padX; p++) memory.copy(prow + <usize>p * cb, srow + <usize>load<i32>(colIdx + <usize>p * 4) * cb, cb);
    memory.copy(prow + <usize>padX * cb, srow, rowBytes);
    for (let p = padX + w; p < w + 2 * padX; p++) memory.copy(prow + <usize>p * cb, srow + <usize>load<i32>(colIdx + <usize>p * 4) * cb, cb);
  }
}

// ---- general 2-D correlation ----

/**
 * dst = kernel ⊛ image (correlation, anchor at the centre) on a padded plane (see padPlane;
 * rows of (w + kw − 1)·c floats, 4 spare at the end). kernel: kh·kw taps, row-major, each
 * splatted to 4 lanes.
 */
export function correlate2d(plane: usize, dst: usize, h: i32, w: i32, c: i32, kernel: usize, kh: i32, kw: i32): void {
  const padRow = <usize>((w + kw - 1) * c) * 4;
  const cb = <usize>c * 4;
  const rowLen = w * c;
  for (let y = 0; y < h; y++) {
    const prow = plane + <usize>y * padRow;
    const drow = dst + <usize>(y * rowLen) * 4;
    for (let i = 0; i < rowLen; i += 4) {
      let acc = f32x4.splat(0);
      const p = prow + <usize>i * 4;
      for (let dy = 0; dy < kh; dy++) {
        const r = p + <usize>dy * padRow;
        const kr = kernel + <usize>(dy * kw) * 16;
        for (let dx = 0; dx < kw; dx++) acc = f32x4.add(acc, f32x4.mul(v128.load(kr + <usize>dx * 16), v128.load(r + <usize>dx * cb)));
      }
      if (i + 4 <= rowLen) v128.store(drow + <usize>i * 4, acc);
      else {
        const rest = rowLen - i;
        store<f32>(drow + <usize>i * 4, f32x4.extract_lane(acc, 0));
        if (rest > 1) store<f32>(drow + <usize>(i + 1) * 4, f32x4.extract_lane(acc, 1));
        if (rest > 2) store<f32>(drow + <usize>(i + 2) * 4, f32x4.extract_lane(acc, 2));
      }
    }
  }
}

// ---- 8-bit-valued float data (k/255, as a decoded 8-bit image gives) ----

/**
 * Converts n floats to bytes k when every value is exactly k/255 (as float32) for an integer
 * k in 0…255; returns 1 then, else 0 (dst is then garbage). 16 values per step.
 */
export function toU8(src: usize, dst: usize, n: i32): i32 {
  const s255 = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = src + <usize>i * 4;
    const v0 = v128.load(p);
    const v1 = v128.load(p + 16);
    const v2 = v128.load(p + 32);
    const v3 = v128.load(p + 48);
    const k0 = f32x4.nearest(f32x4.mul(v0, s255));
    const k1 = f32x4.nearest(f32x4.mul(v1, s255));
    const k2 = f32x4.nearest(f32x4.mul(v2, s255));
    const k3 = f32x4.nearest(f32x4.mul(v3, s255));
    const ok = v128.and(v128.and(f32x4.eq(f32x4.div(k0, s255), v0), f32x4.eq(f32x4.div(k1, s255), v1)), v128.and(f32x4.eq(f32x4.div(k2, s255), v2), f32x4.eq(f32x4.div(k3, s255), v3)));
    const inRange = v128.and(v128.and(f32x4.ge(k0, f32x4.splat(0)), f32x4.le(k0, s255)), v128.and(v128.and(f32x4.ge(k1, f32x4.splat(0)), f32x4.le(k1, s255)), v128.and(v128.and(f32x4.ge(k2, f32x4.splat(0)), f32x4.le(k2, s255)), v128.and(f32x4.ge(k3, f32x4.splat(0)), f32x4.le(k3, s255)))));
    if (!i32x4.all_true(v128.and(ok, inRange))) return 0;
    const a = i16x8.narrow_i32x4_u(i32x4.trunc_sat_f32x4_u(k0), i32x4.trunc_sat_f32x4_u(k1));
    const b = i16x8.narrow_i32x4_u(i32x4.trunc_sat_f32x4_u(k2), i32x4.trunc_sat_f32x4_u(k3));
    v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(a, b));
  }
  for (; i < n; i++) {
    const v = load<f32>(src + <usize>i * 4);
    const k: f32 = f32.nearest(v * <f32>255);
    if (!(k >= 0 && k <= 255) || k / <f32>255 != v) return 0;
    store<u8>(dst + <usize>i, <u8>k);
  }
  return 1;
}

/** Bytes k back to floats k/255 (the exact float32 the image held). */
export function fromU8(src: usize, dst: usize, n: i32): void {
  const s255 = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const p = dst + <usize>i * 4;
    v128.store(p, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), s255));
    v128.store(p + 16, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), s255));
    v128.store(p + 32, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), s255));
    v128.store(p + 48, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), s255));
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, <f32>load<u8>(src + <usize>i) / <f32>255);
}

// ---- bilateral filter ----

/**
 * Bilateral filter (see src/nodes/lib/restore/bilateral.ts for the conventions) on a padded
 * plane (padPlane, pad px on every side): for every pixel, over the n window offsets
 * (offsets: byte offsets into the plane relative to the centre, i32; spatial: their spatial
 * weights, f32), weight = spatial · exp(coeff · d²), d = Σ over channels of |neighbour − centre|;
 * dst = Σ weight · neighbour / Σ weight. c ≤ 4.
 */
export function bilateral(plane: usize, dst: usize, h: i32, w: i32, c: i32, pad: i32, offsets: usize, spatial: usize, n: i32, coeff: f32): void {
  const padRow = <usize>((w + 2 * pad) * c) * 4;
  const cb = <usize>c * 4;
  for (let y = 0; y < h; y++) {
    let centre = plane + <usize>(y + pad) * padRow + <usize>pad * cb;
    let out = dst + <usize>(y * w * c) * 4;
    for (let x = 0; x < w; x++) {
      const c0 = load<f32>(centre);
      const c1 = c > 1 ? load<f32>(centre + 4) : 0;
      const c2 = c > 2 ? load<f32>(centre + 8) : 0;
      const c3 = c > 3 ? load<f32>(centre + 12) : 0;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, den: f32 = 0;
      for (let o = 0; o < n; o++) {
        const q = centre + <usize>load<i32>(offsets + <usize>o * 4);
        const q0 = load<f32>(q);
        const q1 = c > 1 ? load<f32>(q + 4) : 0;
        const q2 = c > 2 ? load<f32>(q + 8) : 0;
        const q3 = c > 3 ? load<f32>(q + 12) : 0;
        const d = Mathf.abs(q0 - c0) + Mathf.abs(q1 - c1) + Mathf.abs(q2 - c2) + Mathf.abs(q3 - c3);
        const wgt = Mathf.exp(d * d * coeff) * load<f32>(spatial + <usize>o * 4);
        s0 += q0 * wgt;
        s1 += q1 * wgt;
        s2 += q2 * wgt;
        s3 += q3 * wgt;
        den += wgt;
      }
      store<f32>(out, s0 / den);
      if (c > 1) store<f32>(out + 4, s1 / den);
      if (c > 2) store<f32>(out + 8, s2 / den);
      if (c > 3) store<f32>(out + 12, s3 / den);
      centre += cb;
      out += cb;
    }
  }
}

// ---- median of larger windows on bytes: Huang's sliding histogram ----

/**
 * Exact median of every (2r+1)² window, per channel, of 8-bit data on a padded byte plane
 * (padPlane with size 1, r px on every side) — T. S. Huang, G. J. Yang, G. Y. Tang, "A fast
 * two-dimensional median filtering algorithm" (1979): one 256-bin histogram per channel
 * slides along the row (one column out, one column in), and the median moves from its last
 * value, tracked with the count of values below it. O(r) per pixel instead of O(r²).
 * hist: c·256 i32 of scratch. dst: h·w·c bytes.
 */
export function medianHistU8(plane: usize, dst: usize, h: i32, w: i32, c: i32, r: i32, hist: usize): void {
  const size = 2 * r + 1;
  const rank = (size * size - 1) >> 1; // 0-based position of the median in sorted order
  const padRow = <usize>((w + 2 * r) * c);
  const rowLen = <usize>(w * c);
  for (let y = 0; y < h; y++) {
    const top = plane + <usize>y * padRow;
    const drow = dst + <usize>y * rowLen;
    for (let ch = 0; ch < c; ch++) {
      const hs = hist + <usize>ch * 1024;
      memory.fill(hs, 0, 1024);
      for (let dy = 0; dy < size; dy++) {
        const p = top + <usize>dy * padRow + <usize>ch;
        for (let dx = 0; dx < size; dx++) {
          const a = hs + (<usize>load<u8>(p + <usize>(dx * c)) << 2);
          store<i32>(a, load<i32>(a) + 1);
        }
      }
      let m = 0;
      let lt = 0; // values < m
      while (lt + load<i32>(hs + (<usize>m << 2)) <= rank) {
        lt += load<i32>(hs + (<usize>m << 2));
        m++;
      }
      store<u8>(drow + <usize>ch, <u8>m);
      for (let x = 1; x < w; x++) {
        const out = top + <usize>((x - 1) * c + ch);
        const inn = top + <usize>((x + 2 * r) * c + ch);
        for (let dy = 0; dy < size; dy++) {
          const o = <i32>load<u8>(out + <usize>dy * padRow);
          const ao = hs + (<usize>o << 2);
          store<i32>(ao, load<i32>(ao) - 1);
          lt -= <i32>(o < m);
          const v = <i32>load<u8>(inn + <usize>dy * padRow);
          const av = hs + (<usize>v << 2);
          store<i32>(av, load<i32>(av) + 1);
          lt += <i32>(v < m);
        }
        while (lt > rank) {
          m--;
          lt -= load<i32>(hs + (<usize>m << 2));
        }
        while (lt + load<i32>(hs + (<usize>m << 2)) <= rank) {
          lt += load<i32>(hs + (<usize>m << 2));
          m++;
        }
        store<u8>(drow + <usize>(x * c + ch), <u8>m);
      }
    }
  }
}

// ---- resize ----

/**
 * Bilinear resampling of an HWC float32 image (sh×sw) to dh×dw, the arithmetic of
 * tf.image.resizeBilinear: top = a + (b − a)·fx along the row, then top + (bottom − top)·fy.
 * The caller gives per output column the source columns x0, x1 (i32) and weight fx (f32),
 * per output row y0, y1 and fy. Each source row is resampled horizontally once into a cache
 * of two rows (rowA for y0, rowB for y1; dw·c + 4 floats each).
 */
export function resizeBilinear(src: usize, dst: usize, sh: i32, sw: i32, c: i32, dh: i32, dw: i32, x0: usize, x1: usize, fx: usize, y0: usize, y1: usize, fy: usize, rowA: usize, rowB: usize): void {
  const srcRow = <usize>(sw * c) * 4;
  const outLen = dw * c;
  let cachedA = -1;
  let cachedB = -1;
  for (let y = 0; y < dh; y++) {
    const ya = load<i32>(y0 + <usize>y * 4);
    const yb = load<i32>(y1 + <usize>y * 4);
    // reuse what the cache holds (rows advance monotonically; swap when B became A)
    if (ya != cachedA) {
      if (ya == cachedB) {
        memory.copy(rowA, rowB, <usize>outLen * 4);
      } else {
        hResample(src + <usize>ya * srcRow, rowA, c, dw, x0, x1, fx);
      }
      cachedA = ya;
    }
    if (yb != cachedB) {
      if (yb == ya) memory.copy(rowB, rowA, <usize>outLen * 4);
      else hResample(src + <usize>yb * srcRow, rowB, c, dw, x0, x1, fx);
      cachedB = yb;
    }
    const f = f32x4.splat(load<f32>(fy + <usize>y * 4));
    const drow = dst + <usize>(y * outLen) * 4;
    for (let i = 0; i < outLen; i += 4) {
      const o = <usize>i * 4;
      const t = v128.load(rowA + o);
      const res = f32x4.add(t, f32x4.mul(f32x4.sub(v128.load(rowB + o), t), f));
      if (i + 4 <= outLen) v128.store(drow + o, res);
      else {
        const rest = outLen - i;
        store<f32>(drow + o, f32x4.extract_lane(res, 0));
        if (rest > 1) store<f32>(drow + o + 4, f32x4.extract_lane(res, 1));
        if (rest > 2) store<f32>(drow + o + 8, f32x4.extract_lane(res, 2));
      }
    }
  }
}

function hResample(srow: usize, out: usize, c: i32, dw: i32, x0: usize, x1: usize, fx: usize): void {
  for (let x = 0; x < dw; x++) {
    const a = srow + <usize>(load<i32>(x0 + <usize>x * 4) * c) * 4;
    const b = srow + <usize>(load<i32>(x1 + <usize>x * 4) * c) * 4;
    const f = load<f32>(fx + <usize>x * 4);
    const o = out + <usize>(x * c) * 4;
    for (let ch = 0; ch < c; ch++) {
      const va = load<f32>(a + <usize>ch * 4);
      store<f32>(o + <usize>ch * 4, va + (load<f32>(b + <usize>ch * 4) - va) * f);
    }
  }
}

/**
 * Nearest-neighbour resampling: output pixel (y, x) is source pixel (rows[y], cols[x]);
 * an output row equal to the previous one is copied whole.
 */
export function resizeNearest(src: usize, dst: usize, sw: i32, c: i32, dh: i32, dw: i32, cols: usize, rows: usize): void {
  const srcRow = <usize>(sw * c) * 4;
  const outRow = <usize>(dw * c) * 4;
  const cb = <usize>c * 4;
  for (let y = 0; y < dh; y++) {
    const sy = load<i32>(rows + <usize>y * 4);
    const drow = dst + <usize>y * outRow;
    if (y > 0 && load<i32>(rows + <usize>(y - 1) * 4) == sy) {
      memory.copy(drow, drow - outRow, outRow);
      continue;
    }
    const srow = src + <usize>sy * srcRow;
    for (let x = 0; x < dw; x++) memory.copy(drow + <usize>x * cb, srow + <usize>load<i32>(cols + <usize>x * 4) * cb, cb);
  }
}
