/*
 * 3mm.c — three matrix multiplications, G := (A*B)*(C*D) via E := A*B, F := C*D.
 *
 * Follows PolyBench/C 4.2.1 "3mm" (linear-algebra/kernels); A is NI x NK, B is NK x NJ,
 * C is NJ x NM, D is NM x NL. Element type: double. Live-out: G.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define NI 16
#define NJ 18
#define NK 20
#define NL 22
#define NM 24
#elif defined(SMALL_DATASET)
#define NI 40
#define NJ 50
#define NK 60
#define NL 70
#define NM 80
#elif defined(MEDIUM_DATASET)
#define NI 180
#define NJ 190
#define NK 200
#define NL 210
#define NM 220
#elif defined(LARGE_DATASET)
#define NI 800
#define NJ 900
#define NK 1000
#define NL 1100
#define NM 1200
#elif defined(EXTRALARGE_DATASET)
#define NI 1600
#define NJ 1800
#define NK 2000
#define NL 2200
#define NM 2400
#endif

static void init_data(int ni, int nj, int nk, int nl, int nm, double A[NI][NK],
                      double B[NK][NJ], double C[NJ][NM], double D[NM][NL]) {
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nk; j++)
      A[i][j] = (double)((i * j + 1) % ni) / (5 * ni);
  for (int i = 0; i < nk; i++)
    for (int j = 0; j < nj; j++)
      B[i][j] = (double)((i * (j + 1) + 2) % nj) / (5 * nj);
  for (int i = 0; i < nj; i++)
    for (int j = 0; j < nm; j++)
      C[i][j] = (double)(i * (j + 3) % nl) / (5 * nl);
  for (int i = 0; i < nm; i++)
    for (int j = 0; j < nl; j++)
      D[i][j] = (double)((i * (j + 2) + 2) % nk) / (5 * nk);
}

static void kernel_3mm(int ni, int nj, int nk, int nl, int nm, double E[NI][NJ],
                       double A[NI][NK], double B[NK][NJ], double F[NJ][NL],
                       double C[NJ][NM], double D[NM][NL], double G[NI][NL]) {
  /* E := A*B */
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nj; j++) {
      E[i][j] = 0.0;
      for (int k = 0; k < nk; k++)
        E[i][j] += A[i][k] * B[k][j];
    }
  /* F := C*D */
  for (int i = 0; i < nj; i++)
    for (int j = 0; j < nl; j++) {
      F[i][j] = 0.0;
      for (int k = 0; k < nm; k++)
        F[i][j] += C[i][k] * D[k][j];
    }
  /* G := E*F */
  for (int i = 0; i < ni; i++)
    for (int j = 0; j < nl; j++) {
      G[i][j] = 0.0;
      for (int k = 0; k < nj; k++)
        G[i][j] += E[i][k] * F[k][j];
    }
}

int main(void) {
  double (*E)[NJ] = bench_alloc(sizeof(double[NI][NJ]));
  double (*A)[NK] = bench_alloc(sizeof(double[NI][NK]));
  double (*B)[NJ] = bench_alloc(sizeof(double[NK][NJ]));
  double (*F)[NL] = bench_alloc(sizeof(double[NJ][NL]));
  double (*C)[NM] = bench_alloc(sizeof(double[NJ][NM]));
  double (*D)[NL] = bench_alloc(sizeof(double[NM][NL]));
  double (*G)[NL] = bench_alloc(sizeof(double[NI][NL]));

  init_data(NI, NJ, NK, NL, NM, A, B, C, D);

  bench_start();
  kernel_3mm(NI, NJ, NK, NL, NM, E, A, B, F, C, D, G);
  bench_end();

  checksum_f64("G", &G[0][0], (size_t)NI * NL);

  free(E);
  free(A);
  free(B);
  free(F);
  free(C);
  free(D);
  free(G);
  return 0;
}
