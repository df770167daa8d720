/*
 * gemm.c — general matrix multiply, C := alpha*A*B + beta*C.
 *
 * Follows PolyBench/C 4.2.1 "gemm" (linear-algebra/blas); A is NI x NK, B is NK x NJ,
 * C is NI x NJ. Element type: double. Live-out: C.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define NI 20
#define NJ 25
#define NK 30
#elif defined(SMALL_DATASET)
#define NI 60
#define NJ 70
#define NK 80
#elif defined(MEDIUM_DATASET)
#define NI 200
#define NJ 220
#define NK 240
#elif defined(LARGE_DATASET)
#define NI 1000
#define NJ 1100
#define NK 1200
#elif defined(EXTRALARGE_DATASET)
#define NI 2000
#define NJ 2300
#define NK 2600
#endif

static void init_data(int ni, int nj, int nk, double *alpha, double *beta,
                      double C[NI][NJ], double A[NI][NK], double B[NK][NJ]) {
  *alpha = 1.5;
  *beta = 1.2;
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nj; j++)
      C[i][j] = (double)((i * j + 1) % ni) / ni;
  for (int i = 0; i < ni; i++)
    for (int k = 0; k < nk; k++)
      A[i][k] = (double)(i * (k + 1) % nk) / nk;
  for (int k = 0; k < nk; k++)
    for (int j = 0; j < nj; j++)
      B[k][j] = (double)(k * (j + 2) % nj) / nj;
}

static void kernel_gemm(int ni, int nj, int nk, double alpha, double beta,
                        double C[NI][NJ], double A[NI][NK], double B[NK][NJ]) {
  for (int i = 0; i < ni; i++) {
    for (int j = 0; j < nj; j++)
      C[i][j] *= beta;
    for (int k = 0; k < nk; k++)
      for (int j = 0; j < nj; j++)
        C[i][j] += alpha * A[i][k] * B[k][j];
  }
}

int main(void) {
  double alpha, beta;
  double (*C)[NJ] = bench_alloc(sizeof(double[NI][NJ]));
  double (*A)[NK] = bench_alloc(sizeof(double[NI][NK]));
  double (*B)[NJ] = bench_alloc(sizeof(double[NK][NJ]));

  init_data(NI, NJ, NK, &alpha, &beta, C, A, B);

  bench_start();
  kernel_gemm(NI, NJ, NK, alpha, beta, C, A, B);
  bench_end();

  checksum_f64("C", &C[0][0], (size_t)NI * NJ);

  free(C);
  free(A);
  free(B);
  return 0;
}
