/*
 * bench_native.c — bench_start/bench_end for the native builds of the suites.
 * The execution time (CLOCK_MONOTONIC, ns) goes to stderr as one marker line that the
 * native engine adapter (bench/engines/native.ts) reads; stdout stays the program's own.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static struct timespec started;
static int state; /* 0: not started, 1: running, 2: ended */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void bench_start(void) {
  if (state != 0) {
    fprintf(stderr, "bench_start called twice\n");
    exit(3);
  }
  state = 1;
  clock_gettime(CLOCK_MONOTONIC, &started);
}

void bench_end(void) {
  long long end = now_ns();
  if (state != 1) {
    fprintf(stderr, "bench_end called without bench_start\n");
    exit(3);
  }
  state = 2;
  long long start = (long long)started.tv_sec * 1000000000LL + started.tv_nsec;
  fprintf(stderr, "__bench_execute_ns=%lld\n", end - start);
}
