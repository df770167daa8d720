/* Performance test program: many small unbuffered writes (stderr is unbuffered, so every
 * fputc is one fd_write), then one checksum line on stdout. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 100000;
  for (int i = 0; i < count; i++) fputc('a' + i % 26, stderr);
  printf("wrote %d\n", count);
  return 0;
}
