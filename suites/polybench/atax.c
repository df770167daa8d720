/*
 * atax.c — matrix transpose and vector multiplication, y := A^T * (A * x).
 *
 * Follows PolyBench/C 4.2.1 "atax" (linear-algebra/kernels); A is M x N.
 * Element type: double. Live-out: y.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define M 38
#define N 42
#elif defined(SMALL_DATASET)
#define M 116
#define N 124
#elif defined(MEDIUM_DATASET)
#define M 390
#define N 410
#elif defined(LARGE_DATASET)
#define M 1900
#define N 2100
#elif defined(EXTRALARGE_DATASET)
#define M 1800
#define N 2200
#endif

static void init_data(int m, int n, double A[M][N], double x[N]) {
  double fn = (double)n;
  for (int i = 0; i < n; i++)
    x[i] = 1 + (i / fn);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      A[i][j] = (double)((i + j) % n) / (5 * m);
}

static void kernel_atax(int m, int n, double A[M][N], double x[N], double y[N],
                        double tmp[M]) {
  for (int i = 0; i < n; i++)
    y[i] = 0;
  for (int i = 0; i < m; i++) {
    tmp[i] = 0.0;
    for (int j = 0; j < n; j++)
      tmp[i] = tmp[i] + A[i][j] * x[j];
    for (int j = 0; j < n; j++)
      y[j] = y[j] + A[i][j] * tmp[i];
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[M][N]));
  double *x = bench_alloc(sizeof(double[N]));
  double *y = bench_alloc(sizeof(double[N]));
  double *tmp = bench_alloc(sizeof(double[M]));

  init_data(M, N, A, x);

  bench_start();
  kernel_atax(M, N, A, x, y, tmp);
  bench_end();

  checksum_f64("y", y, N);

  free(A);
  free(x);
  free(y);
  free(tmp);
  return 0;
}
