/*
 * cholesky.c — Cholesky decomposition A = L*L^T, computed in place (L overwrites the
 * lower triangle of A).
 *
 * Follows PolyBench/C 4.2.1 "cholesky" (linear-algebra/solvers), including its input: a
 * lower-triangular matrix L0 made symmetric positive definite as L0*L0^T.
 * Element type: double. Live-out: A (its lower triangle, diagonal included, packed row
 * by row — the part PolyBench prints; the strict upper triangle is input left as is).
 */
#include <math.h>

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

static void kernel_cholesky(int n, double A[N][N]) {
  for (int i = 0; i < n; i++) {
    /* j < i */
    for (int j = 0; j < i; j++) {
      for (int k = 0; k < j; k++)
        A[i][j] -= A[i][k] * A[j][k];
      A[i][j] /= A[j][j];
    }
    /* i == j */
    for (int k = 0; k < i; k++)
      A[i][i] -= A[i][k] * A[i][k];
    A[i][i] = sqrt(A[i][i]);
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));

  init_matrix(N, A);

  bench_start();
  kernel_cholesky(N, A);
  bench_end();

  double *lower = bench_alloc(sizeof(double) * ((size_t)N * (N + 1) / 2));
  size_t count = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j <= i; j++)
      lower[count++] = A[i][j];
  checksum_f64("A", lower, count);

  free(lower);
  free(A);
  return 0;
}
