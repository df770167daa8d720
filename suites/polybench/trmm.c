/*
 * trmm.c — triangular matrix multiply, B := alpha*A^T*B with A unit lower triangular.
 *
 * Follows PolyBench/C 4.2.1 "trmm" (linear-algebra/blas); A is M x M, B is M x N.
 * Element type: double. Live-out: B.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define M 20
#define N 30
#elif defined(SMALL_DATASET)
#define M 60
#define N 80
#elif defined(MEDIUM_DATASET)
#define M 200
#define N 240
#elif defined(LARGE_DATASET)
#define M 1000
#define N 1200
#elif defined(EXTRALARGE_DATASET)
#define M 2000
#define N 2600
#endif

/* The strict upper triangle of A is never read; bench_alloc leaves it zero. */
static void init_data(int m, int n, double *alpha, double A[M][M], double B[M][N]) {
  *alpha = 1.5;
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < i; j++)
      A[i][j] = (double)((i + j) % m) / m;
    A[i][i] = 1.0;
    for (int j = 0; j < n; j++)
      B[i][j] = (double)((n + (i - j)) % n) / n;
  }
}

static void kernel_trmm(int m, int n, double alpha, double A[M][M], double B[M][N]) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      for (int k = i + 1; k < m; k++)
        B[i][j] += A[k][i] * B[k][j];
      B[i][j] = alpha * B[i][j];
    }
}

int main(void) {
  double alpha;
  double (*A)[M] = bench_alloc(sizeof(double[M][M]));
  double (*B)[N] = bench_alloc(sizeof(double[M][N]));

  init_data(M, N, &alpha, A, B);

  bench_start();
  kernel_trmm(M, N, alpha, A, B);
  bench_end();

  checksum_f64("B", &B[0][0], (size_t)M * N);

  free(A);
  free(B);
  return 0;
}
