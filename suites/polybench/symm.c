/*
 * symm.c — symmetric matrix multiply, C := alpha*A*B + beta*C with A symmetric
 * (only its lower triangle is read).
 *
 * Follows PolyBench/C 4.2.1 "symm" (linear-algebra/blas); A is M x M, B and C are
 * M x N. Element type: double. Live-out: C.
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

static void init_data(int m, int n, double *alpha, double *beta, double C[M][N],
                      double A[M][M], double B[M][N]) {
  *alpha = 1.5;
  *beta = 1.2;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      C[i][j] = (double)((i + j) % 100) / m;
      B[i][j] = (double)((n + i - j) % 100) / m;
    }
  for (int i = 0; i < m; i++) {
    for (int j = 0; j <= i; j++)
      A[i][j] = (double)((i + j) % 100) / m;
    for (int j = i + 1; j < m; j++)
      A[i][j] = -999; /* never read by the kernel */
  }
}

static void kernel_symm(int m, int n, double alpha, double beta, double C[M][N],
                        double A[M][M], double B[M][N]) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      double temp2 = 0;
      for (int k = 0; k < i; k++) {
        C[k][j] += alpha * B[i][j] * A[i][k];
        temp2 += B[k][j] * A[i][k];
      }
      C[i][j] = beta * C[i][j] + alpha * B[i][j] * A[i][i] + alpha * temp2;
    }
}

int main(void) {
  double alpha, beta;
  double (*C)[N] = bench_alloc(sizeof(double[M][N]));
  double (*A)[M] = bench_alloc(sizeof(double[M][M]));
  double (*B)[N] = bench_alloc(sizeof(double[M][N]));

  init_data(M, N, &alpha, &beta, C, A, B);

  bench_start();
  kernel_symm(M, N, alpha, beta, C, A, B);
  bench_end();

  checksum_f64("C", &C[0][0], (size_t)M * N);

  free(C);
  free(A);
  free(B);
  return 0;
}
