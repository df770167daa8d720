/* Differential test program: getentropy (random_get directly) and arc4random (seeded from
 * random_get) return varied bytes. Values differ between runs; only verdicts are printed.
 * (wasi-libc has no getrandom(); getentropy is its equivalent, 256 bytes at most.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  unsigned char a[256], b[256];
  printf("getentropy: %s\n", getentropy(a, sizeof a) == 0 ? "ok" : "FAIL");
  getentropy(b, sizeof b);
  int all_zero = 1;
  for (size_t i = 0; i < sizeof a; i++) all_zero &= a[i] == 0;
  printf("not all zero: %s\n", all_zero ? "FAIL" : "ok");
  printf("two calls differ: %s\n", memcmp(a, b, sizeof a) != 0 ? "ok" : "FAIL");
  uint32_t first = arc4random(), same = 1;
  for (int i = 0; i < 16; i++) same &= arc4random() == first;
  printf("arc4random varies: %s\n", same ? "FAIL" : "ok");
  printf("arc4random_uniform in range: %s\n", arc4random_uniform(10) < 10 ? "ok" : "FAIL");
  static unsigned char big[100000];
  arc4random_buf(big, sizeof big);
  printf("random_get 100000 bytes: %s\n", __wasi_random_get(big, sizeof big) == 0 ? "ok" : "FAIL");
  printf("random_get zero bytes: %s\n", __wasi_random_get(big, 0) == 0 ? "ok" : "FAIL");
  return 0;
}
