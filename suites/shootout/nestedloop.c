/*
 * nestedloop.c — two nests of counted loops: a six-deep rectangular nest whose body
 * mixes all six indices into a rotating accumulator, and a four-deep triangular nest
 * (each bound depends on the enclosing index) with a data-dependent branch in its body.
 *
 * Character: loop control overhead, induction variables, loop-invariant code motion
 * across many levels, a serial multiply/rotate dependency chain that cannot be folded
 * into a closed form. (Resembles the Sightglass shootout "nestedloop" benchmark, with a
 * body that survives optimisation.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define RECT 6
#define TRI 20
#elif defined(SMALL_DATASET)
#define RECT 14
#define TRI 70
#elif defined(MEDIUM_DATASET)
#define RECT 21
#define TRI 150
#elif defined(LARGE_DATASET)
#define RECT 27
#define TRI 240
#else /* EXTRALARGE_DATASET */
#define RECT 36
#define TRI 360
#endif

static inline uint32_t rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static uint32_t rectangular(uint32_t n, uint32_t seed) {
  uint32_t x = seed;
  for (uint32_t a = 0; a < n; a++)
    for (uint32_t b = 0; b < n; b++)
      for (uint32_t c = 0; c < n; c++)
        for (uint32_t d = 0; d < n; d++)
          for (uint32_t e = 0; e < n; e++)
            for (uint32_t f = 0; f < n; f++) {
              x += (a ^ b) + c * d - (e | f);
              x = rotl32(x, 5) ^ (x >> 3);
            }
  return x;
}

static uint64_t triangular(uint32_t n, uint32_t seed) {
  uint64_t even = 0, odd = seed;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j <= i; j++)
      for (uint32_t k = j; k <= i; k++)
        for (uint32_t l = k; l < n; l += 3) {
          uint32_t v = i * 7 + j * 5 + k * 3 + l;
          if ((v ^ (uint32_t)odd) & 4) even += v;
          else odd = odd * 5 + v;
        }
  return even ^ (odd << 1);
}

static void run(const uint32_t *seeds, uint64_t *out) {
  out[0] = rectangular(RECT, seeds[0]);
  out[1] = triangular(TRI, seeds[1]);
}

int main(void) {
  uint32_t *seeds = bench_alloc(2 * sizeof(uint32_t));
  uint64_t out[2];
  seeds[0] = 0x9e3779b9u;
  seeds[1] = 0x7f4a7c15u;

  bench_start();
  run(seeds, out);
  bench_end();

  checksum_u64("nestedloop", out, 2);
  free(seeds);
  return 0;
}
