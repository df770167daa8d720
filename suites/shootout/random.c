/*
 * random.c — four pseudo-random generators, each drawing a long stream: the Lehmer
 * "minimal standard" (x * 16807 mod 2^31 - 1, with a 64-bit remainder), PCG32 (64-bit
 * LCG with a permuted, rotated output), xorshift128+, and a 32-bit LCG scaled to a double
 * in [0, 1). Outputs feed a 256-bucket histogram, a Monte Carlo estimate of pi (points in
 * the unit quarter circle) and a Fisher-Yates shuffle.
 *
 * Character: 64-bit multiplies and remainders, variable rotates, integer-to-double
 * conversion and double compares, scattered histogram increments. (Resembles the
 * Sightglass shootout "random" benchmark, which times a floating-point LCG.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define DRAWS 80000u
#define SHUFFLE 2000u
#elif defined(SMALL_DATASET)
#define DRAWS 5000000u
#define SHUFFLE 100000u
#elif defined(MEDIUM_DATASET)
#define DRAWS 60000000u
#define SHUFFLE 1000000u
#elif defined(LARGE_DATASET)
#define DRAWS 250000000u
#define SHUFFLE 4000000u
#else /* EXTRALARGE_DATASET */
#define DRAWS 2000000000u
#define SHUFFLE 16000000u
#endif

static uint32_t lehmer_next(uint32_t *state) {
  *state = (uint32_t)(((uint64_t)*state * 16807u) % 2147483647u);
  return *state;
}

typedef struct {
  uint64_t state, increment;
} pcg32;

static uint32_t pcg32_next(pcg32 *g) {
  uint64_t old = g->state;
  g->state = old * 6364136223846793005ULL + g->increment;
  uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
  uint32_t rot = (uint32_t)(old >> 59);
  return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

static uint64_t xorshift128p_next(uint64_t s[2]) {
  uint64_t a = s[0];
  const uint64_t b = s[1];
  s[0] = b;
  a ^= a << 23;
  s[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
  return s[1] + b;
}

/* A 32-bit LCG mapped onto [0, limit) as a double. */
static double lcg_double(uint32_t *state, double limit) {
  *state = *state * 1103515245u + 12345u;
  return limit * (double)*state / 4294967296.0;
}

static void run(int32_t *histogram, int32_t *deck, uint64_t *results) {
  uint32_t lehmer = 42;
  pcg32 pcg = {0x853c49e6748fea9bULL, 0xda3e39cb94b95bdbULL | 1};
  uint64_t xs[2] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  uint32_t lcg = 7;

  uint64_t sum_lehmer = 0, sum_xs = 0;
  for (uint32_t i = 0; i < DRAWS / 4; i++) {
    sum_lehmer += lehmer_next(&lehmer);
    histogram[pcg32_next(&pcg) >> 24]++;
    sum_xs ^= xorshift128p_next(xs) + i;
  }

  /* Monte Carlo: points (x, y) in [0, 1)^2 with x^2 + y^2 < 1. */
  uint64_t inside = 0;
  double spread = 0.0;
  for (uint32_t i = 0; i < DRAWS / 8; i++) {
    double x = lcg_double(&lcg, 1.0);
    double y = lcg_double(&lcg, 1.0);
    double r2 = x * x + y * y;
    if (r2 < 1.0) inside++;
    else spread += r2 - 1.0;
  }

  /* Fisher-Yates shuffle with bounds from the Lehmer generator. */
  for (uint32_t i = 0; i < SHUFFLE; i++) deck[i] = (int32_t)i;
  for (uint32_t i = SHUFFLE - 1; i > 0; i--) {
    uint32_t j = lehmer_next(&lehmer) % (i + 1);
    int32_t t = deck[i];
    deck[i] = deck[j];
    deck[j] = t;
  }

  results[0] = sum_lehmer;
  results[1] = sum_xs;
  results[2] = inside;
  memcpy(&results[3], &spread, sizeof spread);
}

int main(void) {
  int32_t *histogram = bench_alloc(256 * sizeof(int32_t));
  int32_t *deck = bench_alloc(SHUFFLE * sizeof(int32_t));
  uint64_t results[4];

  bench_start();
  run(histogram, deck, results);
  bench_end();

  checksum_u64("random.sums", results, 4);
  checksum_i32("random.histogram", histogram, 256);
  checksum_i32("random.deck", deck, SHUFFLE);
  free(histogram);
  free(deck);
  return 0;
}
