/* Differential test program: sleeping (poll_oneoff clock subscriptions) lasts at least as
 * long as asked and not absurdly longer. Prints only verdicts. With argv[1] "absolute",
 * also sleeps to absolute deadlines (clock_nanosleep TIMER_ABSTIME), which node:wasi
 * mishandles: it treats every absolute deadline as realtime (so a monotonic one waits for
 * decades) and rounds the wait down to whole milliseconds (so it wakes early). Only our
 * WASI runs that part. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void report(const char *what, int64_t started, int64_t wanted_ns) {
  int64_t elapsed = now_ns() - started;
  printf("%s: %s\n", what, elapsed >= wanted_ns && elapsed < wanted_ns + 2000000000 ? "ok" : "FAIL");
}

static void sleep_until(clockid_t clock, const char *what) {
  int64_t start = now_ns();
  struct timespec deadline;
  clock_gettime(clock, &deadline);
  deadline.tv_nsec += 10 * 1000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  int result = clock_nanosleep(clock, TIMER_ABSTIME, &deadline, NULL);
  report(result == 0 ? what : "clock_nanosleep failed", start, 10 * 1000000);
}

int main(int argc, char **argv) {
  int64_t start = now_ns();
  struct timespec request = {0, 20 * 1000000};
  int result = nanosleep(&request, NULL);
  report(result == 0 ? "nanosleep 20ms" : "nanosleep failed", start, 20 * 1000000);

  start = now_ns();
  usleep(15000);
  report("usleep 15ms", start, 15 * 1000000);

  if (argc > 1 && strcmp(argv[1], "absolute") == 0) {
    sleep_until(CLOCK_REALTIME, "clock_nanosleep realtime absolute 10ms");
    sleep_until(CLOCK_MONOTONIC, "clock_nanosleep monotonic absolute 10ms");
  }

  start = now_ns();
  sleep(0);
  report("sleep(0)", start, 0);
  return 0;
}
