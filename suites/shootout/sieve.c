/*
 * sieve.c — the sieve of Eratosthenes, twice over: a byte-per-number sieve of a small
 * range repeated many times (cache-resident, store-heavy), and one bit-packed sieve of
 * the odd numbers up to a large limit (strided read-modify-write over a big bitmap),
 * followed by a count of primes in windows of the big range.
 *
 * Character: tight loops of strided stores, bit manipulation with variable shifts,
 * simple counted loops with a data-dependent inner start. (Resembles the Sightglass
 * shootout "sieve" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define SMALL_LIMIT 8000
#define SMALL_REPEATS 4
#define BIG_LIMIT 100000u
#elif defined(SMALL_DATASET)
#define SMALL_LIMIT 16000
#define SMALL_REPEATS 300
#define BIG_LIMIT 4000000u
#elif defined(MEDIUM_DATASET)
#define SMALL_LIMIT 16000
#define SMALL_REPEATS 3000
#define BIG_LIMIT 50000000u
#elif defined(LARGE_DATASET)
#define SMALL_LIMIT 16000
#define SMALL_REPEATS 8000
#define BIG_LIMIT 250000000u
#else /* EXTRALARGE_DATASET */
#define SMALL_LIMIT 16000
#define SMALL_REPEATS 40000
#define BIG_LIMIT 1200000000u
#endif

#define WINDOWS 64

/* Byte sieve of [0, limit]: returns the number of primes; `flags` has limit + 1 bytes. */
static uint32_t byte_sieve(uint8_t *flags, uint32_t limit) {
  memset(flags, 1, limit + 1);
  flags[0] = flags[1] = 0;
  for (uint32_t i = 2; i * i <= limit; i++)
    if (flags[i])
      for (uint32_t j = i * i; j <= limit; j += i) flags[j] = 0;
  uint32_t count = 0;
  for (uint32_t i = 0; i <= limit; i++) count += flags[i];
  return count;
}

/* Bit sieve of the odd numbers up to `limit`: bit k set means 2k + 1 is composite. */
static void odd_bit_sieve(uint32_t *bits, uint32_t limit) {
  uint32_t odd_count = (limit + 1) / 2; /* odd numbers 1, 3, ..., <= limit */
  bits[0] |= 1u;                         /* 1 is not prime */
  for (uint32_t p = 3; (uint64_t)p * p <= limit; p += 2) {
    uint32_t k = p / 2;
    if (bits[k >> 5] & (1u << (k & 31))) continue;
    for (uint32_t m = (uint32_t)(((uint64_t)p * p) / 2); m < odd_count; m += p) bits[m >> 5] |= 1u << (m & 31);
  }
}

static void run(uint8_t *flags, uint32_t *bits, int32_t *small_counts, int32_t *windows) {
  for (uint32_t r = 0; r < SMALL_REPEATS; r++)
    small_counts[r] = (int32_t)byte_sieve(flags, SMALL_LIMIT - (r & 255));
  odd_bit_sieve(bits, BIG_LIMIT);
  /* Primes in each of WINDOWS equal ranges of the odd numbers (2 counted in window 0). */
  uint32_t odd_count = (BIG_LIMIT + 1) / 2;
  for (uint32_t w = 0; w < WINDOWS; w++) {
    uint32_t lo = (uint32_t)((uint64_t)odd_count * w / WINDOWS);
    uint32_t hi = (uint32_t)((uint64_t)odd_count * (w + 1) / WINDOWS);
    int32_t count = w == 0 ? 1 : 0;
    for (uint32_t k = lo; k < hi; k++) count += !(bits[k >> 5] & (1u << (k & 31)));
    windows[w] = count;
  }
}

int main(void) {
  uint8_t *flags = bench_alloc(SMALL_LIMIT + 1);
  uint32_t *bits = bench_alloc(((BIG_LIMIT + 1) / 2 / 32 + 1) * sizeof(uint32_t));
  int32_t *small_counts = bench_alloc(SMALL_REPEATS * sizeof(int32_t));
  int32_t *windows = bench_alloc(WINDOWS * sizeof(int32_t));

  bench_start();
  run(flags, bits, small_counts, windows);
  bench_end();

  checksum_i32("sieve.small", small_counts, SMALL_REPEATS);
  checksum_i32("sieve.windows", windows, WINDOWS);
  free(flags);
  free(bits);
  free(small_counts);
  free(windows);
  return 0;
}
