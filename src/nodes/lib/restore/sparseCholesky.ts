/**
 * Sparse Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix, in plain
 * TypeScript (float64): elimination tree, row patterns by tree reach, up-looking numeric
 * factorization — the algorithms of Davis, "Direct Methods for Sparse Linear Systems"
 * (CSparse cs_etree, cs_ereach, cs_chol). The caller orders the unknowns (e.g. by nested
 * dissection) to keep the fill small.
 */

/** The upper triangle (row ≤ column) of a symmetric n×n matrix in compressed columns. */
export interface UpperCsc {
  readonly n: number;
  /** Column pointers, length n + 1. */
  readonly colPtr: Int32Array;
  /** Row index of each entry (≤ its column; the diagonal must be present). */
  readonly rowIdx: Int32Array;
  readonly values: Float64Array;
}

export interface CholeskyFactor {
  readonly n: number;
  /** L in compressed columns, the diagonal first in each column. */
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
  readonly values: Float64Array;
}

/** Elimination tree of A (parent of each column, −1 for roots). */
export function etree(a: UpperCsc): Int32Array {
  const { n, colPtr, rowIdx } = a;
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
      let i = rowIdx[p]!;
      while (i !== -1 && i < k) {
        const next = ancestor[i]!;
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  return parent;
}

/**
 * Pattern of row k of L (excluding the diagonal) in topological order: written to
 * stack[top … n−1]; returns top. `mark` must hold values ≠ k for all nodes on entry.
 */
function ereach(a: UpperCsc, k: number, parent: Int32Array, stack: Int32Array, mark: Int32Array): number {
  const { n, colPtr, rowIdx } = a;
  let top = n;
  mark[k] = k;
  for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
    let i = rowIdx[p]!;
    if (i > k) continue;
    let len = 0;
    while (mark[i] !== k) {
      stack[len++] = i;
      mark[i] = k;
      i = parent[i]!;
    }
    while (len > 0) stack[--top] = stack[--len]!;
  }
  return top;
}

/** Number of nonzeros of L (diagonal included) without forming it. */
export function choleskyNnz(a: UpperCsc, parent: Int32Array): number {
  const n = a.n;
  const stack = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  let nnz = n;
  for (let k = 0; k < n; k++) nnz += n - ereach(a, k, parent, stack, mark);
  return nnz;
}

/**
 * Factorizes A. Throws when A is not positive definite. `maxNnz` bounds the memory: a
 * factor with more nonzeros is refused before it is allocated.
 */
export function cholesky(a: UpperCsc, maxNnz = Infinity): CholeskyFactor {
  const n = a.n;
  const parent = etree(a);
  const stack = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  // Column counts of L from the row patterns.
  const count = new Int32Array(n).fill(1);
  let nnz = n;
  for (let k = 0; k < n; k++) {
    const top = ereach(a, k, parent, stack, mark);
    nnz += n - top;
    for (let s = top; s < n; s++) count[stack[s]!]!++;
  }
  if (nnz > maxNnz) throw new Error(`the Cholesky factor would have ${nnz} nonzeros, more than the limit ${maxNnz}`);
  const colPtr = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) colPtr[k + 1] = colPtr[k]! + count[k]!;
  const next = colPtr.slice(0, n);
  const rowIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const x = new Float64Array(n);
  mark.fill(-1);
  for (let k = 0; k < n; k++) {
    const top = ereach(a, k, parent, stack, mark);
    x[k] = 0;
    for (let p = a.colPtr[k]!; p < a.colPtr[k + 1]!; p++) {
      const i = a.rowIdx[p]!;
      if (i <= k) x[i] = x[i]! + a.values[p]!;
    }
    let d = x[k]!;
    x[k] = 0;
    for (let s = top; s < n; s++) {
      const i = stack[s]!;
      const lki = x[i]! / values[colPtr[i]!]!;
      x[i] = 0;
      const end = next[i]!;
      for (let p = colPtr[i]! + 1; p < end; p++) {
        const r = rowIdx[p]!;
        x[r] = x[r]! - values[p]! * lki;
      }
      d -= lki * lki;
      const p = next[i]!++;
      rowIdx[p] = k;
      values[p] = lki;
    }
    if (!(d > 0)) throw new Error(`the matrix is not positive definite (pivot ${d} at column ${k})`);
    const p = next[k]!++;
    rowIdx[p] = k;
    values[p] = Math.sqrt(d);
  }
  return { n, colPtr, rowIdx, values };
}

/** Solves L·Lᵀ·x = b in place (b becomes x). */
export function choleskySolve(f: CholeskyFactor, b: Float64Array): void {
  const { n, colPtr, rowIdx, values } = f;
  for (let j = 0; j < n; j++) {
    const xj = (b[j] = b[j]! / values[colPtr[j]!]!);
    for (let p = colPtr[j]! + 1; p < colPtr[j + 1]!; p++) {
      const r = rowIdx[p]!;
      b[r] = b[r]! - values[p]! * xj;
    }
  }
  for (let j = n - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let p = colPtr[j]! + 1; p < colPtr[j + 1]!; p++) s -= values[p]! * b[rowIdx[p]!]!;
    b[j] = s / values[colPtr[j]!]!;
  }
}
