/*
 * noop.c — the harness-overhead benchmark (as Sightglass's noop): bench_start() and
 * bench_end() with nothing between them, so its execution time is the cost of two
 * import calls and the timer reads. Every suite runs it beside its programs.
 */
#include "bench.h"

int main(void) {
  bench_start();
  bench_end();
  printf("noop: ok\n");
  return 0;
}
