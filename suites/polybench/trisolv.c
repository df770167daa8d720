/*
 * trisolv.c — triangular solver, L*x = b by forward substitution.
 *
 * Follows PolyBench/C 4.2.1 "trisolv" (linear-algebra/solvers); L is N x N lower
 * triangular. Element type: double. Live-out: x.
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

/* The strict upper triangle of L is never read; bench_alloc leaves it zero. */
static void init_data(int n, double L[N][N], double x[N], double b[N]) {
  for (int i = 0; i < n; i++) {
    x[i] = -999;
    b[i] = i;
    for (int j = 0; j <= i; j++)
      L[i][j] = (double)(i + n - j + 1) * 2 / n;
  }
}

static void kernel_trisolv(int n, double L[N][N], double x[N], double b[N]) {
  for (int i = 0; i < n; i++) {
    x[i] = b[i];
    for (int j = 0; j < i; j++)
      x[i] -= L[i][j] * x[j];
    x[i] = x[i] / L[i][i];
  }
}

int main(void) {
  double (*L)[N] = bench_alloc(sizeof(double[N][N]));
  double *x = bench_alloc(sizeof(double[N]));
  double *b = bench_alloc(sizeof(double[N]));

  init_data(N, L, x, b);

  bench_start();
  kernel_trisolv(N, L, x, b);
  bench_end();

  checksum_f64("x", x, N);

  free(L);
  free(x);
  free(b);
  return 0;
}
