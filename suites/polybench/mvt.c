/*
 * mvt.c — matrix-vector product and transpose: x1 := x1 + A*y_1, x2 := x2 + A^T*y_2.
 *
 * Follows PolyBench/C 4.2.1 "mvt" (linear-algebra/kernels); A is N x N.
 * Element type: double. Live-out: x1, x2.
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

static void init_data(int n, double x1[N], double x2[N], double y_1[N], double y_2[N],
                      double A[N][N]) {
  for (int i = 0; i < n; i++) {
    x1[i] = (double)(i % n) / n;
    x2[i] = (double)((i + 1) % n) / n;
    y_1[i] = (double)((i + 3) % n) / n;
    y_2[i] = (double)((i + 4) % n) / n;
    for (int j = 0; j < n; j++)
      A[i][j] = (double)(i * j % n) / n;
  }
}

static void kernel_mvt(int n, double x1[N], double x2[N], double y_1[N], double y_2[N],
                       double A[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      x1[i] = x1[i] + A[i][j] * y_1[j];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      x2[i] = x2[i] + A[j][i] * y_2[j];
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));
  double *x1 = bench_alloc(sizeof(double[N]));
  double *x2 = bench_alloc(sizeof(double[N]));
  double *y_1 = bench_alloc(sizeof(double[N]));
  double *y_2 = bench_alloc(sizeof(double[N]));

  init_data(N, x1, x2, y_1, y_2, A);

  bench_start();
  kernel_mvt(N, x1, x2, y_1, y_2, A);
  bench_end();

  checksum_f64("x1", x1, N);
  checksum_f64("x2", x2, N);

  free(A);
  free(x1);
  free(x2);
  free(y_1);
  free(y_2);
  return 0;
}
