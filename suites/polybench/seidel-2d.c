/*
 * seidel-2d.c — 2-D Gauss-Seidel stencil: 9-point averages updated in place.
 *
 * Follows PolyBench/C 4.2.1 "seidel-2d" (stencils). Element type: double. Live-out: A.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define TSTEPS 20
#define N 40
#elif defined(SMALL_DATASET)
#define TSTEPS 40
#define N 120
#elif defined(MEDIUM_DATASET)
#define TSTEPS 100
#define N 400
#elif defined(LARGE_DATASET)
#define TSTEPS 500
#define N 2000
#elif defined(EXTRALARGE_DATASET)
#define TSTEPS 1000
#define N 4000
#endif

static void init_data(int n, double A[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      A[i][j] = ((double)i * (j + 2) + 2) / n;
}

static void kernel_seidel_2d(int tsteps, int n, double A[N][N]) {
  for (int t = 0; t <= tsteps - 1; t++)
    for (int i = 1; i <= n - 2; i++)
      for (int j = 1; j <= n - 2; j++)
        A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1] + A[i][j - 1] + A[i][j] +
                   A[i][j + 1] + A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) /
                  9.0;
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));

  init_data(N, A);

  bench_start();
  kernel_seidel_2d(TSTEPS, N, A);
  bench_end();

  checksum_f64("A", &A[0][0], (size_t)N * N);

  free(A);
  return 0;
}
