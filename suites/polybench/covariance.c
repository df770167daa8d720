/*
 * covariance.c — sample covariance matrix of M variables observed N times.
 *
 * Follows PolyBench/C 4.2.1 "covariance" (datamining): column means, centring,
 * then the symmetric M x M covariance matrix (divided by N - 1).
 * Element type: double. Live-out: cov.
 */
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
  *float_n = (double)n;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      data[i][j] = ((double)i * j) / M;
}

static void kernel_covariance(int m, int n, double float_n, double data[N][M],
                              double cov[M][M], double mean[M]) {
  for (int j = 0; j < m; j++) {
    mean[j] = 0.0;
    for (int i = 0; i < n; i++)
      mean[j] += data[i][j];
    mean[j] /= float_n;
  }

  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      data[i][j] -= mean[j];

  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      cov[i][j] = 0.0;
      for (int k = 0; k < n; k++)
        cov[i][j] += data[k][i] * data[k][j];
      cov[i][j] /= (float_n - 1.0);
      cov[j][i] = cov[i][j];
    }
}

int main(void) {
  double float_n;
  double (*data)[M] = bench_alloc(sizeof(double[N][M]));
  double (*cov)[M] = bench_alloc(sizeof(double[M][M]));
  double *mean = bench_alloc(sizeof(double[M]));

  init_data(M, N, &float_n, data);

  bench_start();
  kernel_covariance(M, N, float_n, data, cov, mean);
  bench_end();

  checksum_f64("cov", &cov[0][0], (size_t)M * M);

  free(data);
  free(cov);
  free(mean);
  return 0;
}
