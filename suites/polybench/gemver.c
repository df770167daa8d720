/*
 * gemver.c — vector multiplication and matrix addition:
 *   A := A + u1*v1^T + u2*v2^T;  x := x + beta*A^T*y + z;  w := w + alpha*A*x.
 *
 * Follows PolyBench/C 4.2.1 "gemver" (linear-algebra/blas).
 * Element type: double. Live-out: w.
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

static void init_data(int n, double *alpha, double *beta, double A[N][N], double u1[N],
                      double v1[N], double u2[N], double v2[N], double w[N], double x[N],
                      double y[N], double z[N]) {
  *alpha = 1.5;
  *beta = 1.2;
  double fn = (double)n;
  for (int i = 0; i < n; i++) {
    u1[i] = i;
    u2[i] = ((i + 1) / fn) / 2.0;
    v1[i] = ((i + 1) / fn) / 4.0;
    v2[i] = ((i + 1) / fn) / 6.0;
    y[i] = ((i + 1) / fn) / 8.0;
    z[i] = ((i + 1) / fn) / 9.0;
    x[i] = 0.0;
    w[i] = 0.0;
    for (int j = 0; j < n; j++)
      A[i][j] = (double)(i * j % n) / n;
  }
}

static void kernel_gemver(int n, double alpha, double beta, double A[N][N], double u1[N],
                          double v1[N], double u2[N], double v2[N], double w[N],
                          double x[N], double y[N], double z[N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      A[i][j] = A[i][j] + u1[i] * v1[j] + u2[i] * v2[j];

  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      x[i] = x[i] + beta * A[j][i] * y[j];

  for (int i = 0; i < n; i++)
    x[i] = x[i] + z[i];

  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      w[i] = w[i] + alpha * A[i][j] * x[j];
}

int main(void) {
  double alpha, beta;
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));
  double *u1 = bench_alloc(sizeof(double[N]));
  double *v1 = bench_alloc(sizeof(double[N]));
  double *u2 = bench_alloc(sizeof(double[N]));
  double *v2 = bench_alloc(sizeof(double[N]));
  double *w = bench_alloc(sizeof(double[N]));
  double *x = bench_alloc(sizeof(double[N]));
  double *y = bench_alloc(sizeof(double[N]));
  double *z = bench_alloc(sizeof(double[N]));

  init_data(N, &alpha, &beta, A, u1, v1, u2, v2, w, x, y, z);

  bench_start();
  kernel_gemver(N, alpha, beta, A, u1, v1, u2, v2, w, x, y, z);
  bench_end();

  checksum_f64("w", w, N);

  free(A);
  free(u1);
  free(v1);
  free(u2);
  free(v2);
  free(w);
  free(x);
  free(y);
  free(z);
  return 0;
}
