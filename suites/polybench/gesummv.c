/*
 * gesummv.c — scalar, vector and matrix multiplication, y := alpha*A*x + beta*B*x.
 *
 * Follows PolyBench/C 4.2.1 "gesummv" (linear-algebra/blas).
 * Element type: double. Live-out: y.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define N 30
#elif defined(SMALL_DATASET)
#define N 90
#elif defined(MEDIUM_DATASET)
#define N 250
#elif defined(LARGE_DATASET)
#define N 1300
#elif defined(EXTRALARGE_DATASET)
#define N 2800
#endif

static void init_data(int n, double *alpha, double *beta, double A[N][N], double B[N][N],
                      double x[N]) {
  *alpha = 1.5;
  *beta = 1.2;
  for (int i = 0; i < n; i++) {
    x[i] = (double)(i % n) / n;
    for (int j = 0; j < n; j++) {
      A[i][j] = (double)((i * j + 1) % n) / n;
      B[i][j] = (double)((i * j + 2) % n) / n;
    }
  }
}

static void kernel_gesummv(int n, double alpha, double beta, double A[N][N],
                           double B[N][N], double tmp[N], double x[N], double y[N]) {
  for (int i = 0; i < n; i++) {
    tmp[i] = 0.0;
    y[i] = 0.0;
    for (int j = 0; j < n; j++) {
      tmp[i] = A[i][j] * x[j] + tmp[i];
      y[i] = B[i][j] * x[j] + y[i];
    }
    y[i] = alpha * tmp[i] + beta * y[i];
  }
}

int main(void) {
  double alpha, beta;
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));
  double (*B)[N] = bench_alloc(sizeof(double[N][N]));
  double *tmp = bench_alloc(sizeof(double[N]));
  double *x = bench_alloc(sizeof(double[N]));
  double *y = bench_alloc(sizeof(double[N]));

  init_data(N, &alpha, &beta, A, B, x);

  bench_start();
  kernel_gesummv(N, alpha, beta, A, B, tmp, x, y);
  bench_end();

  checksum_f64("y", y, N);

  free(A);
  free(B);
  free(tmp);
  free(x);
  free(y);
  return 0;
}
