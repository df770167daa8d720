/*
 * bicg.c — the BiCG sub-kernel of BiCGStab: s := A^T * r and q := A * p.
 *
 * Follows PolyBench/C 4.2.1 "bicg" (linear-algebra/kernels); A is N x M.
 * Element type: double. Live-out: s, q.
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

static void init_data(int m, int n, double A[N][M], double r[N], double p[M]) {
  for (int i = 0; i < m; i++)
    p[i] = (double)(i % m) / m;
  for (int i = 0; i < n; i++) {
    r[i] = (double)(i % n) / n;
    for (int j = 0; j < m; j++)
      A[i][j] = (double)(i * (j + 1) % n) / n;
  }
}

static void kernel_bicg(int m, int n, double A[N][M], double s[M], double q[N],
                        double p[M], double r[N]) {
  for (int i = 0; i < m; i++)
    s[i] = 0;
  for (int i = 0; i < n; i++) {
    q[i] = 0.0;
    for (int j = 0; j < m; j++) {
      s[j] = s[j] + r[i] * A[i][j];
      q[i] = q[i] + A[i][j] * p[j];
    }
  }
}

int main(void) {
  double (*A)[M] = bench_alloc(sizeof(double[N][M]));
  double *s = bench_alloc(sizeof(double[M]));
  double *q = bench_alloc(sizeof(double[N]));
  double *p = bench_alloc(sizeof(double[M]));
  double *r = bench_alloc(sizeof(double[N]));

  init_data(M, N, A, r, p);

  bench_start();
  kernel_bicg(M, N, A, s, q, p, r);
  bench_end();

  checksum_f64("s", s, M);
  checksum_f64("q", q, N);

  free(A);
  free(s);
  free(q);
  free(p);
  free(r);
  return 0;
}
