/*
 * bench.h — the conventions every benchmark program in suites/ follows (DESIGN.md §5).
 *
 *  - Exactly one dataset macro is defined by the build: MINI_DATASET, SMALL_DATASET,
 *    MEDIUM_DATASET, LARGE_DATASET or EXTRALARGE_DATASET (LARGE when none is given).
 *  - The program initialises its data deterministically, calls bench_start() and
 *    bench_end() exactly once around the measured kernel, then prints checksums of its
 *    live-out data with the checksum_* helpers below and returns 0.
 *  - In wasm32-wasi builds bench_start/bench_end are the imports bench.start/bench.end
 *    ([] -> []); native builds link suites/common/bench_native.c instead.
 *  - Only IEEE-exact library math (sqrt, fabs) may be used: transcendental functions
 *    (exp, pow, sin, ...) differ between C libraries, and outputs must match bit for bit
 *    across every engine and native code. Programs that need them carry their own.
 */
#ifndef SUITES_COMMON_BENCH_H
#define SUITES_COMMON_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__wasm__)
__attribute__((import_module("bench"), import_name("start"))) void bench_start(void);
__attribute__((import_module("bench"), import_name("end"))) void bench_end(void);
#else
void bench_start(void);
void bench_end(void);
#endif

#if !defined(MINI_DATASET) && !defined(SMALL_DATASET) && !defined(MEDIUM_DATASET) && \
    !defined(LARGE_DATASET) && !defined(EXTRALARGE_DATASET)
#define LARGE_DATASET
#endif

/* Zero-initialised, 64-byte aligned allocation that never returns NULL. */
static inline void *bench_alloc(size_t bytes) {
  size_t rounded = (bytes + 63) & ~(size_t)63; /* C11 aligned_alloc wants a multiple of the alignment */
  if (rounded == 0) rounded = 64;
  void *memory = rounded < bytes ? NULL : aligned_alloc(64, rounded);
  if (memory == NULL) {
    fprintf(stderr, "bench_alloc: out of memory (%zu bytes)\n", bytes);
    exit(2);
  }
  memset(memory, 0, bytes);
  return memory;
}

/* FNV-1a, 64 bit, over raw bytes: the exact check of every bit of the results. */
static inline uint64_t bench_fnv1a(uint64_t hash, const void *data, size_t bytes) {
  const unsigned char *p = (const unsigned char *)data;
  for (size_t i = 0; i < bytes; i++) {
    hash ^= p[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}
#define BENCH_FNV_OFFSET 0xcbf29ce484222325ULL

/* Each checksum line: "<name>: n=<count> sum=<readable sum> fnv=<hash of the bits>". */
static inline void checksum_f64(const char *name, const double *values, size_t count) {
  double sum = 0.0;
  for (size_t i = 0; i < count; i++) sum += values[i];
  uint64_t hash = bench_fnv1a(BENCH_FNV_OFFSET, values, count * sizeof(double));
  printf("%s: n=%zu sum=%.12e fnv=%016llx\n", name, count, sum, (unsigned long long)hash);
}

static inline void checksum_f32(const char *name, const float *values, size_t count) {
  double sum = 0.0;
  for (size_t i = 0; i < count; i++) sum += (double)values[i];
  uint64_t hash = bench_fnv1a(BENCH_FNV_OFFSET, values, count * sizeof(float));
  printf("%s: n=%zu sum=%.9e fnv=%016llx\n", name, count, sum, (unsigned long long)hash);
}

static inline void checksum_i32(const char *name, const int32_t *values, size_t count) {
  int64_t sum = 0;
  for (size_t i = 0; i < count; i++) sum += values[i];
  uint64_t hash = bench_fnv1a(BENCH_FNV_OFFSET, values, count * sizeof(int32_t));
  printf("%s: n=%zu sum=%lld fnv=%016llx\n", name, count, (long long)sum, (unsigned long long)hash);
}

static inline void checksum_u64(const char *name, const uint64_t *values, size_t count) {
  uint64_t sum = 0;
  for (size_t i = 0; i < count; i++) sum += values[i];
  uint64_t hash = bench_fnv1a(BENCH_FNV_OFFSET, values, count * sizeof(uint64_t));
  printf("%s: n=%zu sum=%llu fnv=%016llx\n", name, count, (unsigned long long)sum, (unsigned long long)hash);
}

static inline void checksum_bytes(const char *name, const void *bytes, size_t count) {
  uint64_t hash = bench_fnv1a(BENCH_FNV_OFFSET, bytes, count);
  printf("%s: n=%zu fnv=%016llx\n", name, count, (unsigned long long)hash);
}

#endif /* SUITES_COMMON_BENCH_H */
