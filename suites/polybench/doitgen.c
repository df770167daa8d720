/*
 * doitgen.c — multiresolution analysis kernel (MADNESS): every row A[r][q][*] of a
 * 3-D array is replaced by its product with the NP x NP matrix C4.
 *
 * Follows PolyBench/C 4.2.1 "doitgen" (linear-algebra/kernels); A is NR x NQ x NP.
 * Element type: double. Live-out: A.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define NQ 8
#define NR 10
#define NP 12
#elif defined(SMALL_DATASET)
#define NQ 20
#define NR 25
#define NP 30
#elif defined(MEDIUM_DATASET)
#define NQ 40
#define NR 50
#define NP 60
#elif defined(LARGE_DATASET)
#define NQ 140
#define NR 150
#define NP 160
#elif defined(EXTRALARGE_DATASET)
#define NQ 220
#define NR 250
#define NP 270
#endif

static void init_data(int nr, int nq, int np, double A[NR][NQ][NP], double C4[NP][NP]) {
  for (int i = 0; i < nr; i++)
    for (int j = 0; j < nq; j++)
      for (int k = 0; k < np; k++)
        A[i][j][k] = (double)((i * j + k) % np) / np;
  for (int i = 0; i < np; i++)
    for (int j = 0; j < np; j++)
      C4[i][j] = (double)(i * j % np) / np;
}

static void kernel_doitgen(int nr, int nq, int np, double A[NR][NQ][NP],
                           double C4[NP][NP], double sum[NP]) {
  for (int r = 0; r < nr; r++)
    for (int q = 0; q < nq; q++) {
      for (int p = 0; p < np; p++) {
        sum[p] = 0.0;
        for (int s = 0; s < np; s++)
          sum[p] += A[r][q][s] * C4[s][p];
      }
      for (int p = 0; p < np; p++)
        A[r][q][p] = sum[p];
    }
}

int main(void) {
  double (*A)[NQ][NP] = bench_alloc(sizeof(double[NR][NQ][NP]));
  double *sum = bench_alloc(sizeof(double[NP]));
  double (*C4)[NP] = bench_alloc(sizeof(double[NP][NP]));

  init_data(NR, NQ, NP, A, C4);

  bench_start();
  kernel_doitgen(NR, NQ, NP, A, C4, sum);
  bench_end();

  checksum_f64("A", &A[0][0][0], (size_t)NR * NQ * NP);

  free(A);
  free(sum);
  free(C4);
  return 0;
}
