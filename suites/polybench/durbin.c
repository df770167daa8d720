/*
 * durbin.c — Levinson-Durbin recursion: solves the Yule-Walker equations (a Toeplitz
 * system) for the autocorrelation vector r.
 *
 * Follows PolyBench/C 4.2.1 "durbin" (linear-algebra/solvers). PolyBench keeps the
 * scratch vector z on the kernel's stack; here it is allocated on the heap with the
 * other arrays, before the measured region. Element type: double. Live-out: y.
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

static void init_data(int n, double r[N]) {
  for (int i = 0; i < n; i++)
    r[i] = (n + 1 - i);
}

static void kernel_durbin(int n, double r[N], double y[N], double z[N]) {
  double alpha, beta, sum;

  y[0] = -r[0];
  beta = 1.0;
  alpha = -r[0];

  for (int k = 1; k < n; k++) {
    beta = (1 - alpha * alpha) * beta;
    sum = 0.0;
    for (int i = 0; i < k; i++)
      sum += r[k - i - 1] * y[i];
    alpha = -(r[k] + sum) / beta;

    for (int i = 0; i < k; i++)
      z[i] = y[i] + alpha * y[k - i - 1];
    for (int i = 0; i < k; i++)
      y[i] = z[i];
    y[k] = alpha;
  }
}

int main(void) {
  double *r = bench_alloc(sizeof(double[N]));
  double *y = bench_alloc(sizeof(double[N]));
  double *z = bench_alloc(sizeof(double[N]));

  init_data(N, r);

  bench_start();
  kernel_durbin(N, r, y, z);
  bench_end();

  checksum_f64("y", y, N);

  free(r);
  free(y);
  free(z);
  return 0;
}
