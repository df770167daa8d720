/*
 * fdtd-2d.c — 2-D finite-difference time-domain kernel (Yee scheme): each step drives
 * the ey boundary row from a source, then updates the electric fields ex, ey and the
 * magnetic field hz.
 *
 * Follows PolyBench/C 4.2.1 "fdtd-2d" (stencils); fields are NX x NY, the source has
 * TMAX values. Element type: double. Live-out: ex, ey, hz.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define TMAX 20
#define NX 20
#define NY 30
#elif defined(SMALL_DATASET)
#define TMAX 40
#define NX 60
#define NY 80
#elif defined(MEDIUM_DATASET)
#define TMAX 100
#define NX 200
#define NY 240
#elif defined(LARGE_DATASET)
#define TMAX 500
#define NX 1000
#define NY 1200
#elif defined(EXTRALARGE_DATASET)
#define TMAX 1000
#define NX 2000
#define NY 2600
#endif

static void init_data(int tmax, int nx, int ny, double ex[NX][NY], double ey[NX][NY],
                      double hz[NX][NY], double fict[TMAX]) {
  for (int t = 0; t < tmax; t++)
    fict[t] = (double)t;
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++) {
      ex[i][j] = ((double)i * (j + 1)) / nx;
      ey[i][j] = ((double)i * (j + 2)) / ny;
      hz[i][j] = ((double)i * (j + 3)) / nx;
    }
}

static void kernel_fdtd_2d(int tmax, int nx, int ny, double ex[NX][NY], double ey[NX][NY],
                           double hz[NX][NY], double fict[TMAX]) {
  for (int t = 0; t < tmax; t++) {
    for (int j = 0; j < ny; j++)
      ey[0][j] = fict[t];
    for (int i = 1; i < nx; i++)
      for (int j = 0; j < ny; j++)
        ey[i][j] = ey[i][j] - 0.5 * (hz[i][j] - hz[i - 1][j]);
    for (int i = 0; i < nx; i++)
      for (int j = 1; j < ny; j++)
        ex[i][j] = ex[i][j] - 0.5 * (hz[i][j] - hz[i][j - 1]);
    for (int i = 0; i < nx - 1; i++)
      for (int j = 0; j < ny - 1; j++)
        hz[i][j] = hz[i][j] - 0.7 * (ex[i][j + 1] - ex[i][j] + ey[i + 1][j] - ey[i][j]);
  }
}

int main(void) {
  double (*ex)[NY] = bench_alloc(sizeof(double[NX][NY]));
  double (*ey)[NY] = bench_alloc(sizeof(double[NX][NY]));
  double (*hz)[NY] = bench_alloc(sizeof(double[NX][NY]));
  double *fict = bench_alloc(sizeof(double[TMAX]));

  init_data(TMAX, NX, NY, ex, ey, hz, fict);

  bench_start();
  kernel_fdtd_2d(TMAX, NX, NY, ex, ey, hz, fict);
  bench_end();

  checksum_f64("ex", &ex[0][0], (size_t)NX * NY);
  checksum_f64("ey", &ey[0][0], (size_t)NX * NY);
  checksum_f64("hz", &hz[0][0], (size_t)NX * NY);

  free(ex);
  free(ey);
  free(hz);
  free(fict);
  return 0;
}
