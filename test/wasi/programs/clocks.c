/* Differential test program: clocks are sane (not equal between runs): monotonic never goes
 * back, realtime is near the host's time (argv[1], seconds since the epoch), CPU time
 * advances with work, resolutions are non-zero. Prints only verdicts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t ns(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *verdict(int ok) { return ok ? "ok" : "FAIL"; }

int main(int argc, char **argv) {
  long long host_seconds = argc > 1 ? atoll(argv[1]) : 0;
  int64_t previous = ns(CLOCK_MONOTONIC);
  int monotonic_ok = previous >= 0;
  for (int i = 0; i < 1000; i++) {
    int64_t now = ns(CLOCK_MONOTONIC);
    if (now < previous) monotonic_ok = 0;
    previous = now;
  }
  printf("monotonic nondecreasing: %s\n", verdict(monotonic_ok));

  int64_t realtime = ns(CLOCK_REALTIME);
  long long difference = realtime / 1000000000 - host_seconds;
  printf("realtime near host time: %s\n", verdict(difference > -60 && difference < 60));
  time_t t = time(NULL);
  printf("time() near host time: %s\n", verdict(t - host_seconds > -60 && t - host_seconds < 60));

  int64_t cpu_before = ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t sink = 0;
  for (uint64_t i = 0; i < 30000000; i++) sink += i * i;
  int64_t cpu_after = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("process cputime advances: %s\n", verdict(cpu_before >= 0 && cpu_after > cpu_before));
  printf("thread cputime readable: %s\n", verdict(ns(CLOCK_THREAD_CPUTIME_ID) >= 0));

  clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  for (int i = 0; i < 4; i++) {
    struct timespec resolution;
    int ok = clock_getres(clocks[i], &resolution) == 0 && (resolution.tv_sec > 0 || resolution.tv_nsec > 0);
    printf("clock_getres %d non-zero: %s\n", i, verdict(ok));
  }
  return 0;
}
