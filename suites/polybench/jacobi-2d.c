/*
 * jacobi-2d.c — 2-D Jacobi stencil: 5-point averages, ping-ponging between A and B
 * (two half-steps per time step).
 *
 * Follows PolyBench/C 4.2.1 "jacobi-2d" (stencils). Element type: double. Live-out: A.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define TSTEPS 20
#define N 30
#elif defined(SMALL_DATASET)
#define TSTEPS 40
#define N 90
#elif defined(MEDIUM_DATASET)
#define TSTEPS 100
#define N 250
#elif defined(LARGE_DATASET)
#define TSTEPS 500
#define N 1300
#elif defined(EXTRALARGE_DATASET)
#define TSTEPS 1000
#define N 2800
#endif

static void init_data(int n, double A[N][N], double B[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      A[i][j] = ((double)i * (j + 2) + 2) / n;
      B[i][j] = ((double)i * (j + 3) + 3) / n;
    }
}

static void kernel_jacobi_2d(int tsteps, int n, double A[N][N], double B[N][N]) {
  for (int t = 0; t < tsteps; t++) {
    for (int i = 1; i < n - 1; i++)
      for (int j = 1; j < n - 1; j++)
        B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][1 + j] + A[1 + i][j] + A[i - 1][j]);
    for (int i = 1; i < n - 1; i++)
      for (int j = 1; j < n - 1; j++)
        A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][1 + j] + B[1 + i][j] + B[i - 1][j]);
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[N][N]));
  double (*B)[N] = bench_alloc(sizeof(double[N][N]));

  init_data(N, A, B);

  bench_start();
  kernel_jacobi_2d(TSTEPS, N, A, B);
  bench_end();

  checksum_f64("A", &A[0][0], (size_t)N * N);

  free(A);
  free(B);
  return 0;
}
