/*
 * jacobi-1d.c — 1-D Jacobi stencil: 3-point averages, ping-ponging between A and B
 * (two half-steps per time step).
 *
 * Follows PolyBench/C 4.2.1 "jacobi-1d" (stencils), including its 0.33333 weight.
 * Element type: double. Live-out: A.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define TSTEPS 20
#define N 30
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

static void init_data(int n, double A[N], double B[N]) {
  for (int i = 0; i < n; i++) {
    A[i] = ((double)i + 2) / n;
    B[i] = ((double)i + 3) / n;
  }
}

static void kernel_jacobi_1d(int tsteps, int n, double A[N], double B[N]) {
  for (int t = 0; t < tsteps; t++) {
    for (int i = 1; i < n - 1; i++)
      B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1]);
    for (int i = 1; i < n - 1; i++)
      A[i] = 0.33333 * (B[i - 1] + B[i] + B[i + 1]);
  }
}

int main(void) {
  double *A = bench_alloc(sizeof(double[N]));
  double *B = bench_alloc(sizeof(double[N]));

  init_data(N, A, B);

  bench_start();
  kernel_jacobi_1d(TSTEPS, N, A, B);
  bench_end();

  checksum_f64("A", A, N);

  free(A);
  free(B);
  return 0;
}
