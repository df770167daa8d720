/*
 * matrix.c — integer matrix products with wrapping 32-bit arithmetic: B is transposed
 * (cache-blocked), C = A x B is computed as row-by-row dot products against the
 * transpose, and the product is folded back into A for the next of a few rounds.
 *
 * Character: multiply-accumulate inner loops over contiguous rows (vectorisable), a
 * strided, cache-unfriendly transpose, 2-D index arithmetic. (Resembles the Sightglass
 * shootout "matrix" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define N 40
#define ROUNDS 2
#elif defined(SMALL_DATASET)
#define N 360
#define ROUNDS 4
#elif defined(MEDIUM_DATASET)
#define N 640
#define ROUNDS 6
#elif defined(LARGE_DATASET)
#define N 1000
#define ROUNDS 6
#else /* EXTRALARGE_DATASET */
#define N 1600
#define ROUNDS 12
#endif

#define BLOCK 32

static void transpose(uint32_t *dst, const uint32_t *src) {
  for (size_t ii = 0; ii < N; ii += BLOCK)
    for (size_t jj = 0; jj < N; jj += BLOCK) {
      size_t i_end = ii + BLOCK < N ? ii + BLOCK : N;
      size_t j_end = jj + BLOCK < N ? jj + BLOCK : N;
      for (size_t i = ii; i < i_end; i++)
        for (size_t j = jj; j < j_end; j++) dst[j * N + i] = src[i * N + j];
    }
}

static void multiply_transposed(uint32_t *c, const uint32_t *a, const uint32_t *bt) {
  for (size_t i = 0; i < N; i++) {
    const uint32_t *row = a + i * N;
    for (size_t j = 0; j < N; j++) {
      const uint32_t *col = bt + j * N;
      uint32_t sum = 0;
      for (size_t k = 0; k < N; k++) sum += row[k] * col[k];
      c[i * N + j] = sum;
    }
  }
}

static void run(uint32_t *a, uint32_t *b, uint32_t *bt, uint32_t *c) {
  for (int r = 0; r < ROUNDS; r++) {
    transpose(bt, b);
    multiply_transposed(c, a, bt);
    /* Fold the product back: A gets C's bits mixed with its old value, B rotates. */
    for (size_t i = 0; i < (size_t)N * N; i++) {
      uint32_t v = c[i];
      a[i] = (v ^ (v >> 15)) + a[i];
      b[i] = (b[i] << 3) | (b[i] >> 29);
    }
  }
}

int main(void) {
  size_t cells = (size_t)N * N;
  uint32_t *a = bench_alloc(cells * sizeof(uint32_t));
  uint32_t *b = bench_alloc(cells * sizeof(uint32_t));
  uint32_t *bt = bench_alloc(cells * sizeof(uint32_t));
  uint32_t *c = bench_alloc(cells * sizeof(uint32_t));
  uint64_t state = 0x243f6a8885a308d3ULL; /* xorshift64* */
  for (size_t i = 0; i < 2 * cells; i++) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint32_t v = (uint32_t)((state * 0x2545f4914f6cdd1dULL) >> 32);
    if (i < cells) a[i] = v;
    else b[i - cells] = v;
  }

  bench_start();
  run(a, b, bt, c);
  bench_end();

  checksum_bytes("matrix.c", c, cells * sizeof(uint32_t));
  checksum_bytes("matrix.a", a, cells * sizeof(uint32_t));
  checksum_i32("matrix.row0", (const int32_t *)c, N); /* first row of C, read as int32 */
  free(a);
  free(b);
  free(bt);
  free(c);
  return 0;
}
