/*
 * correlation.c — Pearson correlation matrix of M variables observed N times.
 *
 * Follows PolyBench/C 4.2.1 "correlation" (datamining): column means and standard
 * deviations, centring and scaling of the data, then the M x M correlation matrix.
 * Element type: double. Live-out: corr.
 */
#include <math.h>

#include "bench.h"

#if defined(MINI_DATASET)
#define M 28
#define N 32
#elif defined(SMALL_DATASET)
#define M 80
#define N 100
#elif defined(MEDIUM_DATASET)
#define M 240
#define N 260
#elif defined(LARGE_DATASET)
#define M 1200
#define N 1400
#elif defined(EXTRALARGE_DATASET)
#define M 2600
#define N 3000
#endif

static void init_data(int m, int n, double *float_n, double data[N][M]) {
  *float_n = (double)N;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      data[i][j] = (double)(i * j) / M + i;
}

static void kernel_correlation(int m, int n, double float_n, double data[N][M],
                               double corr[M][M], double mean[M], double stddev[M]) {
  const double eps = 0.1;

  for (int j = 0; j < m; j++) {
    mean[j] = 0.0;
    for (int i = 0; i < n; i++)
      mean[j] += data[i][j];
    mean[j] /= float_n;
  }

  for (int j = 0; j < m; j++) {
    stddev[j] = 0.0;
    for (int i = 0; i < n; i++)
      stddev[j] += (data[i][j] - mean[j]) * (data[i][j] - mean[j]);
    stddev[j] /= float_n;
    stddev[j] = sqrt(stddev[j]);
    /* A near-zero deviation would make the division below blow up. */
    stddev[j] = stddev[j] <= eps ? 1.0 : stddev[j];
  }

  /* Centre and reduce the columns. */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++) {
      data[i][j] -= mean[j];
      data[i][j] /= sqrt(float_n) * stddev[j];
    }

  /* Upper triangle of the correlation matrix, mirrored into the lower one. */
  for (int i = 0; i < m - 1; i++) {
    corr[i][i] = 1.0;
    for (int j = i + 1; j < m; j++) {
      corr[i][j] = 0.0;
      for (int k = 0; k < n; k++)
        corr[i][j] += data[k][i] * data[k][j];
      corr[j][i] = corr[i][j];
    }
  }
  corr[m - 1][m - 1] = 1.0;
}

int main(void) {
  double float_n;
  double (*data)[M] = bench_alloc(sizeof(double[N][M]));
  double (*corr)[M] = bench_alloc(sizeof(double[M][M]));
  double *mean = bench_alloc(sizeof(double[M]));
  double *stddev = bench_alloc(sizeof(double[M]));

  init_data(M, N, &float_n, data);

  bench_start();
  kernel_correlation(M, N, float_n, data, corr, mean, stddev);
  bench_end();

  checksum_f64("corr", &corr[0][0], (size_t)M * M);

  free(data);
  free(corr);
  free(mean);
  free(stddev);
  return 0;
}
