/*
 * fib.c — Fibonacci numbers by the naive doubly recursive definition, for every n up to
 * a limit, plus a recursive Tribonacci-like variant with three calls per frame.
 *
 * Character: call-heavy binary recursion with shallow depth (at most ~40 frames) and an
 * exponential number of calls; measures call/return cost, argument passing and the
 * compiler's handling of recursion (partial tail-call elimination, inlining). (Resembles
 * the Sightglass shootout "fib2" benchmark in spirit.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define FIB_MAX 18
#define TRIB_MAX 12
#elif defined(SMALL_DATASET)
#define FIB_MAX 30
#define TRIB_MAX 22
#elif defined(MEDIUM_DATASET)
#define FIB_MAX 36
#define TRIB_MAX 27
#elif defined(LARGE_DATASET)
#define FIB_MAX 39
#define TRIB_MAX 30
#else /* EXTRALARGE_DATASET */
#define FIB_MAX 42
#define TRIB_MAX 32
#endif

static uint32_t fib(uint32_t n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

/* Three recursive calls per frame, each result perturbed so the calls stay distinct. */
static uint32_t trib(uint32_t n, uint32_t salt) {
  if (n < 3) return salt ^ n;
  uint32_t a = trib(n - 1, salt);
  uint32_t b = trib(n - 2, salt + a);
  uint32_t c = trib(n - 3, salt ^ b);
  return (a + b * 3u) ^ (c << 1);
}

static void run(const uint32_t *args, int32_t *fib_out, int32_t *trib_out) {
  for (uint32_t i = 0; i <= FIB_MAX; i++) fib_out[i] = (int32_t)fib(args[i]);
  for (uint32_t i = 0; i <= TRIB_MAX; i++) trib_out[i] = (int32_t)trib(args[i], args[i] * 2654435761u);
}

int main(void) {
  uint32_t *args = bench_alloc((FIB_MAX + 1) * sizeof(uint32_t));
  int32_t *fib_out = bench_alloc((FIB_MAX + 1) * sizeof(int32_t));
  int32_t *trib_out = bench_alloc((TRIB_MAX + 1) * sizeof(int32_t));
  /* The arguments come from memory so that no call can be folded at compile time. */
  for (uint32_t i = 0; i <= FIB_MAX; i++) args[i] = i;

  bench_start();
  run(args, fib_out, trib_out);
  bench_end();

  checksum_i32("fib", fib_out, FIB_MAX + 1);
  checksum_i32("trib", trib_out, TRIB_MAX + 1);
  free(args);
  free(fib_out);
  free(trib_out);
  return 0;
}
