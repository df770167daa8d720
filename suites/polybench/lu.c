/*
 * lu.c — LU decomposition without pivoting, A = L*U computed in place (L unit lower
 * triangular below the diagonal, U on and above it).
 *
 * Follows PolyBench/C 4.2.1 "lu" (linear-algebra/solvers), including its input: the same
 * symmetric positive definite matrix as cholesky.
 * Element type: double. Live-out: A.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define N 40
#elif defined(SMALL_DATASET)
#define N 120
#elif defined(MEDIUM_DATASET)
#define N 400
#elif defined(LARGE_DATASET)
#define N 2000
#elif defined(EXTRALARGE_DATASET)
#define N 4000
#endif

/*
 * A := L0 * L0^T, where L0 has 1 on the diagonal, (-j % n) / n + 1 below it, 0 above.
 * PolyBench accumulates each product element over t = 0..n-1 in increasing order into a
 * temporary matrix; here each element is the same ordered sum, stopped at min(r, s):
 * the terms beyond are (+0.0) products with L0's zero upper triangle, and adding +0.0
 * to the positive partial sum changes no bit. The product is symmetric (same terms in
 * the same order), so only s <= r is computed. Bit-identical, about 6x less work.
 */
static void init_matrix(int n, double A[N][N]) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j <= i; j++)
      A[i][j] = (double)(-j % n) / n + 1;
    for (int j = i + 1; j < n; j++)
      A[i][j] = 0;
    A[i][i] = 1;
  }
  /* In place: rows from the last to the first and, within row r, columns from r down
     to 0. Element (r, s) reads L0 entries (r, t) and (s, t) with t <= s <= r; rows
     s < r and the entries (r, t) with t < s are not overwritten yet at that point. */
  for (int r = n - 1; r >= 0; r--)
    for (int s = r; s >= 0; s--) {
      double acc = 0.0;
      for (int t = 0; t <= s; t++)
        acc += A[r][t] * A[s][t];
      A[r][s] = acc;
    }
  for (int r = 0; r < n; r++)
    for (int s = r + 1; s < n; s++)
      A[r][s] = A[s][r];
}
static void kernel_lu(int n, double A[N][N]) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < i; j++) {
      for (int k = 0; k < j; k++)
        A[i][j] -= A[i][k] * A[k][j];
      A[i][j] /= A[j][j];
    }
    for (int j = i; j < n; j++)
      for (int k = 0; k < i; k++)
        A[i][j] -= A[i][k] * A[k][j];
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));

  init_matrix(N, A);

  bench_start();
  kernel_lu(N, A);
  bench_end();

  checksum_f64("A", &A[0][0], (size_t)N * N);

  free(A);
  return 0;
}
