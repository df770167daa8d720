/*
 * 2mm.c — two chained matrix multiplications, D := alpha*A*B*C + beta*D
 * (tmp := alpha*A*B, then D := tmp*C + beta*D).
 *
 * Follows PolyBench/C 4.2.1 "2mm" (linear-algebra/kernels); A is NI x NK, B is NK x NJ,
 * C is NJ x NL, D is NI x NL. Element type: double. Live-out: D.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define NI 16
#define NJ 18
#define NK 22
#define NL 24
#elif defined(SMALL_DATASET)
#define NI 40
#define NJ 50
#define NK 70
#define NL 80
#elif defined(MEDIUM_DATASET)
#define NI 180
#define NJ 190
#define NK 210
#define NL 220
#elif defined(LARGE_DATASET)
#define NI 800
#define NJ 900
#define NK 1100
#define NL 1200
#elif defined(EXTRALARGE_DATASET)
#define NI 1600
#define NJ 1800
#define NK 2200
#define NL 2400
#endif

static void init_data(int ni, int nj, int nk, int nl, double *alpha, double *beta,
                      double A[NI][NK], double B[NK][NJ], double C[NJ][NL],
                      double D[NI][NL]) {
  *alpha = 1.5;
  *beta = 1.2;
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nk; j++)
      A[i][j] = (double)((i * j + 1) % ni) / ni;
  for (int i = 0; i < nk; i++)
    for (int j = 0; j < nj; j++)
      B[i][j] = (double)(i * (j + 1) % nj) / nj;
  for (int i = 0; i < nj; i++)
    for (int j = 0; j < nl; j++)
      C[i][j] = (double)((i * (j + 3) + 1) % nl) / nl;
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nl; j++)
      D[i][j] = (double)(i * (j + 2) % nk) / nk;
}

static void kernel_2mm(int ni, int nj, int nk, int nl, double alpha, double beta,
                       double tmp[NI][NJ], double A[NI][NK], double B[NK][NJ],
                       double C[NJ][NL], double D[NI][NL]) {
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nj; j++) {
      tmp[i][j] = 0.0;
      for (int k = 0; k < nk; k++)
        tmp[i][j] += alpha * A[i][k] * B[k][j];
    }
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nl; j++) {
      D[i][j] *= beta;
      for (int k = 0; k < nj; k++)
        D[i][j] += tmp[i][k] * C[k][j];
    }
}

int main(void) {
  double alpha, beta;
  double (*tmp)[NJ] = bench_alloc(sizeof(double[NI][NJ]));
  double (*A)[NK] = bench_alloc(sizeof(double[NI][NK]));
  double (*B)[NJ] = bench_alloc(sizeof(double[NK][NJ]));
  double (*C)[NL] = bench_alloc(sizeof(double[NJ][NL]));
  double (*D)[NL] = bench_alloc(sizeof(double[NI][NL]));

  init_data(NI, NJ, NK, NL, &alpha, &beta, A, B, C, D);

  bench_start();
  kernel_2mm(NI, NJ, NK, NL, alpha, beta, tmp, A, B, C, D);
  bench_end();

  checksum_f64("D", &D[0][0], (size_t)NI * NL);

  free(tmp);
  free(A);
  free(B);
  free(C);
  free(D);
  return 0;
}
