/* Differential test program: ways a program ends, chosen by argv[1]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "return0";
  printf("mode %s\n", mode); /* buffered: visible only if the C library flushes at exit */
  fprintf(stderr, "stderr before ending\n");
  if (strcmp(mode, "exit3") == 0) exit(3);
  if (strcmp(mode, "return7") == 0) return 7;
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "trap") == 0) __builtin_trap();
  if (strcmp(mode, "proc_exit") == 0) __wasi_proc_exit(42); /* no flush */
  if (strcmp(mode, "exit255") == 0) exit(255);
  return 0;
}
