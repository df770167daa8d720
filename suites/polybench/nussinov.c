/*
 * nussinov.c — Nussinov's dynamic program for RNA secondary structure: table[i][j] is
 * the largest number of base pairs in seq[i..j] (pairs may not be adjacent).
 *
 * Follows PolyBench/C 4.2.1 "nussinov" (medley). Element type: int (bases are chars
 * 0..3). Live-out: table (its upper triangle j >= i, packed row by row — the part
 * PolyBench prints; the rest stays zero).
 *
 * Index ranges: i runs from N-1 down to 0 and j from i+1 to N-1, so j-1 >= i >= 0 and,
 * whenever the j loop runs, i+1 <= j <= N-1; k+1 <= j. Every access is in bounds, and
 * PolyBench's guards (j-1 >= 0, i+1 < N) always hold; they are kept for fidelity.
 * Scores never exceed N/2: no overflow.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define N 60
#elif defined(SMALL_DATASET)
#define N 180
#elif defined(MEDIUM_DATASET)
#define N 500
#elif defined(LARGE_DATASET)
#define N 2500
#elif defined(EXTRALARGE_DATASET)
#define N 5500
#endif

typedef char base; /* A, G, C, U as 0..3 */

/* Bases b1 and b2 pair when they sum to 3 (A-U, G-C). */
static inline int match(base b1, base b2) { return (b1 + b2) == 3 ? 1 : 0; }

static inline int max_score(int s1, int s2) { return s1 >= s2 ? s1 : s2; }

static void init_data(int n, base seq[N], int table[N][N]) {
  for (int i = 0; i < n; i++)
    seq[i] = (base)((i + 1) % 4);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      table[i][j] = 0;
}

static void kernel_nussinov(int n, base seq[N], int table[N][N]) {
  for (int i = n - 1; i >= 0; i--) {
    for (int j = i + 1; j < n; j++) {
      if (j - 1 >= 0)
        table[i][j] = max_score(table[i][j], table[i][j - 1]);
      if (i + 1 < n)
        table[i][j] = max_score(table[i][j], table[i + 1][j]);

      if (j - 1 >= 0 && i + 1 < n) {
        if (i < j - 1) /* no bond between adjacent bases */
          table[i][j] = max_score(table[i][j], table[i + 1][j - 1] + match(seq[i], seq[j]));
        else
          table[i][j] = max_score(table[i][j], table[i + 1][j - 1]);
      }

      for (int k = i + 1; k < j; k++)
        table[i][j] = max_score(table[i][j], table[i][k] + table[k + 1][j]);
    }
  }
}

int main(void) {
  base *seq = bench_alloc(sizeof(base[N]));
  int (*table)[N] = bench_alloc(sizeof(int[N][N]));

  init_data(N, seq, table);

  bench_start();
  kernel_nussinov(N, seq, table);
  bench_end();

  int *upper = bench_alloc(sizeof(int) * ((size_t)N * (N + 1) / 2));
  size_t count = 0;
  for (int i = 0; i < N; i++)
    for (int j = i; j < N; j++)
      upper[count++] = table[i][j];
  checksum_i32("table", upper, count);

  free(upper);
  free(seq);
  free(table);
  return 0;
}
