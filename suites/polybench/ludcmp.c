/*
 * ludcmp.c — solve A*x = b by LU decomposition without pivoting, then forward
 * substitution (L*y = b) and back substitution (U*x = y).
 *
 * Follows PolyBench/C 4.2.1 "ludcmp" (linear-algebra/solvers), including its input: the
 * same symmetric positive definite matrix as cholesky.
 * Element type: double. Live-out: x.
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
static void init_vectors(int n, double b[N], double x[N], double y[N]) {
  double fn = (double)n;
  for (int i = 0; i < n; i++) {
    x[i] = 0;
    y[i] = 0;
    b[i] = (i + 1) / fn / 2.0 + 4;
  }
}

static void kernel_ludcmp(int n, double A[N][N], double b[N], double x[N], double y[N]) {
  double w;

  for (int i = 0; i < n; i++) {
    for (int j = 0; j < i; j++) {
      w = A[i][j];
      for (int k = 0; k < j; k++)
        w -= A[i][k] * A[k][j];
      A[i][j] = w / A[j][j];
    }
    for (int j = i; j < n; j++) {
      w = A[i][j];
      for (int k = 0; k < i; k++)
        w -= A[i][k] * A[k][j];
      A[i][j] = w;
    }
  }

  for (int i = 0; i < n; i++) {
    w = b[i];
    for (int j = 0; j < i; j++)
      w -= A[i][j] * y[j];
    y[i] = w;
  }

  for (int i = n - 1; i >= 0; i--) {
    w = y[i];
    for (int j = i + 1; j < n; j++)
      w -= A[i][j] * x[j];
    x[i] = w / A[i][i];
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));
  double *b = bench_alloc(sizeof(double[N]));
  double *x = bench_alloc(sizeof(double[N]));
  double *y = bench_alloc(sizeof(double[N]));

  init_vectors(N, b, x, y);
  init_matrix(N, A);

  bench_start();
  kernel_ludcmp(N, A, b, x, y);
  bench_end();

  checksum_f64("x", x, N);

  free(A);
  free(b);
  free(x);
  free(y);
  return 0;
}
