/* Differential test program: command-line arguments and the environment. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\"\n", i, argv[i]);
  int count = 0;
  for (char **entry = environ; *entry != NULL; entry++, count++) printf("environ[%d]=\"%s\"\n", count, *entry);
  printf("environ count=%d\n", count);
  const char *greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  printf("MISSING=%s\n", getenv("MISSING") ? "set" : "(unset)");
  return 0;
}
