/*
 * ackermann.c — the Ackermann–Péter function A(m, n) for a deterministic list of small
 * (m, n) queries.
 *
 * Character: deep, non-tail recursion with tiny frames; almost all time goes to call and
 * return overhead and the compare-and-branch at the top of each call. (Resembles the
 * Sightglass shootout "ackermann" benchmark; parameters keep the recursion depth near
 * 2,000 frames at most, well inside default wasm stacks.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define QUERIES 3
#elif defined(SMALL_DATASET)
#define QUERIES 250
#elif defined(MEDIUM_DATASET)
#define QUERIES 2500
#elif defined(LARGE_DATASET)
#define QUERIES 10000
#else /* EXTRALARGE_DATASET */
#define QUERIES 50000
#endif

/* Largest n per m: A(3, 7) = 1021 keeps the stack depth near 1,000 frames (A(1, 2000) near 2,000). */
#define MAX_N_M1 2000u
#define MAX_N_M2 300u
#define MAX_N_M3 7u

static uint32_t ackermann(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static void run(const uint32_t *ms, const uint32_t *ns, int32_t *out, size_t count) {
  for (size_t i = 0; i < count; i++) out[i] = (int32_t)ackermann(ms[i], ns[i]);
}

int main(void) {
  uint32_t *ms = bench_alloc(QUERIES * sizeof(uint32_t));
  uint32_t *ns = bench_alloc(QUERIES * sizeof(uint32_t));
  int32_t *out = bench_alloc(QUERIES * sizeof(int32_t));

  uint32_t state = 0x2545f491u; /* xorshift32 */
  for (size_t i = 0; i < QUERIES; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    uint32_t m = 1 + (state >> 8) % 3;
    uint32_t limit = m == 1 ? MAX_N_M1 : m == 2 ? MAX_N_M2 : MAX_N_M3;
    ms[i] = m;
    ns[i] = state % (limit + 1);
  }

  bench_start();
  run(ms, ns, out, QUERIES);
  bench_end();

  checksum_i32("ackermann", out, QUERIES);
  free(ms);
  free(ns);
  free(out);
  return 0;
}
