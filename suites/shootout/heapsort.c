/*
 * heapsort.c — in-place heapsort of pseudo-random (key, id) records, ordered by key and
 * then by id, followed by a check that the result is ordered.
 *
 * Character: data-dependent branches in the sift-down loop, irregular strided loads over
 * a large array (cache misses once the heap outgrows the caches), 64-bit record moves.
 * (Resembles the Sightglass shootout "heapsort" benchmark, on integer records instead of
 * doubles.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define COUNT 1000
#elif defined(SMALL_DATASET)
#define COUNT 70000
#elif defined(MEDIUM_DATASET)
#define COUNT 600000
#elif defined(LARGE_DATASET)
#define COUNT 2000000
#else /* EXTRALARGE_DATASET */
#define COUNT 6000000
#endif

typedef struct {
  uint32_t key;
  uint32_t id;
} record;

static inline int before(record a, record b) {
  return a.key < b.key || (a.key == b.key && a.id < b.id);
}

static void sift_down(record *a, size_t root, size_t end) {
  record value = a[root];
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= end) break;
    if (child + 1 < end && before(a[child], a[child + 1])) child++;
    if (!before(value, a[child])) break;
    a[root] = a[child];
    root = child;
  }
  a[root] = value;
}

static void heapsort_records(record *a, size_t n) {
  if (n < 2) return;
  for (size_t i = n / 2; i-- > 0;) sift_down(a, i, n);
  for (size_t end = n - 1; end > 0; end--) {
    record top = a[0];
    a[0] = a[end];
    a[end] = top;
    sift_down(a, 0, end);
  }
}

int main(void) {
  record *a = bench_alloc(COUNT * sizeof(record));
  uint64_t state = 0x9e3779b97f4a7c15ULL; /* 64-bit LCG (Knuth's MMIX constants) */
  for (size_t i = 0; i < COUNT; i++) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    /* Keys drawn from a range smaller than COUNT so that ties (ordered by id) occur. */
    a[i].key = (uint32_t)(state >> 33) % (COUNT / 2 + 1);
    a[i].id = (uint32_t)i;
  }

  bench_start();
  heapsort_records(a, COUNT);
  bench_end();

  int32_t check[4] = {0, 0, 0, 0};
  for (size_t i = 1; i < COUNT; i++)
    if (before(a[i], a[i - 1])) check[0]++; /* inversions: must be 0 */
  check[1] = (int32_t)a[0].key;
  check[2] = (int32_t)a[COUNT / 2].key;
  check[3] = (int32_t)a[COUNT - 1].id;
  checksum_i32("heapsort.check", check, 4);
  checksum_bytes("heapsort.records", a, COUNT * sizeof(record));
  free(a);
  return 0;
}
