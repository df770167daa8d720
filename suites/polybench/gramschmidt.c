/*
 * gramschmidt.c — QR decomposition by modified Gram-Schmidt: A (M x N) is reduced to
 * Q (M x N, orthonormal columns) and R (N x N, upper triangular).
 *
 * Follows PolyBench/C 4.2.1 "gramschmidt" (linear-algebra/solvers).
 * Element type: double. Live-out: R, Q.
 */
#include <math.h>

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

static void init_data(int m, int n, double A[M][N], double R[N][N], double Q[M][N]) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      A[i][j] = (((double)((i * j) % m) / m) * 100) + 10;
      Q[i][j] = 0.0;
    }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      R[i][j] = 0.0;
}

static void kernel_gramschmidt(int m, int n, double A[M][N], double R[N][N],
                               double Q[M][N]) {
  for (int k = 0; k < n; k++) {
    double nrm = 0.0;
    for (int i = 0; i < m; i++)
      nrm += A[i][k] * A[i][k];
    R[k][k] = sqrt(nrm);
    for (int i = 0; i < m; i++)
      Q[i][k] = A[i][k] / R[k][k];
    for (int j = k + 1; j < n; j++) {
      R[k][j] = 0.0;
      for (int i = 0; i < m; i++)
        R[k][j] += Q[i][k] * A[i][j];
      for (int i = 0; i < m; i++)
        A[i][j] = A[i][j] - Q[i][k] * R[k][j];
    }
  }
}

int main(void) {
  double (*A)[N] = bench_alloc(sizeof(double[M][N]));
  double (*R)[N] = bench_alloc(sizeof(double[N][N]));
  double (*Q)[N] = bench_alloc(sizeof(double[M][N]));

  init_data(M, N, A, R, Q);

  bench_start();
  kernel_gramschmidt(M, N, A, R, Q);
  bench_end();

  checksum_f64("R", &R[0][0], (size_t)N * N);
  checksum_f64("Q", &Q[0][0], (size_t)M * N);

  free(A);
  free(R);
  free(Q);
  return 0;
}
