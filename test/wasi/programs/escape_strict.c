/* Test program for our WASI only: escapes that node:wasi (uvwasi) lets through, because it
 * checks paths as text and lets the host follow symbolic links in the middle of a path,
 * or a final link when asked not to follow. Ours refuses every one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <wasi/api.h>

#define ALL_RIGHTS 0x0fffffffULL

static void attempt(const char *what, int result) {
  printf("%s: %s (errno %d)\n", what, result < 0 ? "refused" : "SUCCEEDED", result < 0 ? errno : 0);
}

int main(void) {
  struct stat info;
  attempt("open through directory symlink to outside", open("/sandbox/dir-out/outside.txt", O_RDONLY));
  attempt("stat through directory symlink to outside", stat("/sandbox/dir-out/outside.txt", &info));
  attempt("create through directory symlink", open("/sandbox/dir-out/created.txt", O_WRONLY | O_CREAT, 0644));
  attempt("mkdir through directory symlink", mkdir("/sandbox/dir-out/newdir", 0755));
  __wasi_fd_t fd;
  __wasi_errno_t error = __wasi_path_open(3, 0, "link-out", 0, ALL_RIGHTS, 0, 0, &fd);
  printf("path_open link-out without symlink_follow: %s (wasi errno %d)\n", error ? "refused" : "SUCCEEDED", error);
  attempt("open O_NOFOLLOW of link to outside", open("/sandbox/link-out", O_RDONLY | O_NOFOLLOW));
  return 0;
}
