/*
 * floyd-warshall.c — all-pairs shortest paths (Floyd-Warshall) on a dense N-node graph.
 *
 * Follows PolyBench/C 4.2.1 "floyd-warshall" (medley). Element type: int. Live-out: path.
 * Edge weights start in [1, 7] or at 999 ("no edge"), so every sum formed below is at
 * most 2 * 999: no overflow.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define N 60
#elif defined(SMALL_DATASET)
#define N 180
#elif defined(MEDIUM_DATASET)
#define N 500
#elif defined(LARGE_DATASET)
#define N 2800
#elif defined(EXTRALARGE_DATASET)
#define N 5600
#endif

static void init_data(int n, int path[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      path[i][j] = i * j % 7 + 1;
      if ((i + j) % 13 == 0 || (i + j) % 7 == 0 || (i + j) % 11 == 0)
        path[i][j] = 999;
    }
}

static void kernel_floyd_warshall(int n, int path[N][N]) {
  for (int k = 0; k < n; k++)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        path[i][j] = path[i][j] < path[i][k] + path[k][j] ? path[i][j]
                                                          : path[i][k] + path[k][j];
}

int main(void) {
  int (*path)[N] = bench_alloc(sizeof(int[N][N]));

  init_data(N, path);

  bench_start();
  kernel_floyd_warshall(N, path);
  bench_end();

  checksum_i32("path", &path[0][0], (size_t)N * N);

  free(path);
  return 0;
}
