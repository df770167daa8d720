/* Differential test program: reads standard input (a host file descriptor) line by line,
 * then reports counts and a checksum; echoes the first lines upper-cased. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[256];
  unsigned lines = 0, bytes = 0;
  uint32_t checksum = 2166136261u;
  while (fgets(line, sizeof line, stdin) != NULL) {
    size_t length = strlen(line);
    bytes += (unsigned)length;
    for (size_t i = 0; i < length; i++) checksum = (checksum ^ (unsigned char)line[i]) * 16777619u;
    if (lines < 5) {
      for (size_t i = 0; i < length; i++) line[i] = (char)toupper((unsigned char)line[i]);
      fputs(line, stdout);
    }
    lines++;
  }
  printf("eof=%d error=%d lines=%u bytes=%u checksum=%08x\n", feof(stdin) != 0, ferror(stdin) != 0, lines, bytes,
         checksum);
  return 0;
}
