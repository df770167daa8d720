/* Test program: the rename escape of issue 9, as a guest does it through wasi-libc. It
 * opens a directory, makes a link to `..` one level down (where it stays inside), moves
 * the link to the top (where it escapes), renames the directory away and the link into
 * its place; then reads, creates and makes a directory through the old descriptor and
 * through the link's name. Each line says what one attempt gave; nothing may reach the
 * fixture's outside.txt, beside the preopened /sandbox. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void step(const char *what, int result) {
  printf("%s: %s\n", what, result < 0 ? strerror(errno) : "ok");
}

static void read_through(const char *what, int directory, const char *path) {
  int fd = openat(directory, path, O_RDONLY);
  if (fd < 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  char text[128] = {0};
  ssize_t got = read(fd, text, sizeof text - 1);
  close(fd);
  printf("%s: read %zd bytes%s\n", what, got, strstr(text, "secret") ? " OF THE SECRET" : "");
}

int main(void) {
  step("mkdir d", mkdir("/sandbox/d", 0755));
  step("mkdir a", mkdir("/sandbox/a", 0755));
  int d = open("/sandbox/d", O_RDONLY | O_DIRECTORY);
  step("open d", d);
  step("symlink a/L -> ..", symlink("..", "/sandbox/a/L"));
  step("rename a/L to L", rename("/sandbox/a/L", "/sandbox/L"));
  step("rename d to d_old", rename("/sandbox/d", "/sandbox/d_old"));
  step("rename L to d", rename("/sandbox/L", "/sandbox/d"));

  read_through("read outside.txt through the old descriptor", d, "outside.txt");
  read_through("read ../outside.txt through the old descriptor", d, "../outside.txt");
  int created = openat(d, "created.txt", O_WRONLY | O_CREAT, 0644);
  step("create created.txt through the old descriptor", created);
  if (created >= 0) close(created);
  step("mkdir made through the old descriptor", mkdirat(d, "made", 0755));

  read_through("read d/outside.txt", AT_FDCWD, "/sandbox/d/outside.txt");
  step("create d/created.txt", open("/sandbox/d/created.txt", O_WRONLY | O_CREAT, 0644));
  step("mkdir d/made", mkdir("/sandbox/d/made", 0755));
  struct stat info;
  step("stat d/outside.txt", stat("/sandbox/d/outside.txt", &info));
  return 0;
}
