/* Differential test program: stdout and stderr (buffered printf, unbuffered stderr, raw
 * write(2)), interleaving, large and binary output. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  printf("hello from stdout\n");
  fprintf(stderr, "hello from stderr\n");
  for (int i = 0; i < 2000; i++) printf("line %d: %s\n", i, (i % 7 == 0) ? "seven" : "plain");
  fflush(stdout);
  const char raw[] = "raw write(1)\n";
  if (write(1, raw, strlen(raw)) != (ssize_t)strlen(raw)) return 10;
  const char binary[] = {0, 1, 2, (char)255, '\n'};
  fwrite(binary, 1, sizeof binary, stdout);
  for (int i = 0; i < 50; i++) fputc('a' + i % 26, stderr);
  fputc('\n', stderr);
  printf("%s %d %.3f %x %s\n", "format", -42, 3.14159, 0xbeef, "end");
  return 0;
}
