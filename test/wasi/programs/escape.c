/* Differential test program: attempts to leave the preopened directory /sandbox, each of
 * which must fail (node:wasi and our WASI agree on all of these). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define ALL_RIGHTS 0x0fffffffULL

static void attempt(const char *what, int result) {
  printf("%s: %s (errno %d)\n", what, result < 0 ? "refused" : "SUCCEEDED", result < 0 ? errno : 0);
}

static void attempt_wasi(const char *what, const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t error = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, ALL_RIGHTS, 0, 0, &fd);
  printf("%s: %s (wasi errno %d)\n", what, error != 0 ? "refused" : "SUCCEEDED", error);
}

int main(void) {
  struct stat info;
  attempt("open ../outside.txt", open("/sandbox/../outside.txt", O_RDONLY));
  attempt("open /etc/passwd", open("/etc/passwd", O_RDONLY));
  attempt("open via file symlink to outside", open("/sandbox/link-out", O_RDONLY));
  attempt("stat via file symlink to outside", stat("/sandbox/link-out", &info));
  attempt("lstat of the link itself", lstat("/sandbox/link-out", &info) == 0 ? -1 : 0);
  attempt("open sub/../../outside.txt", open("/sandbox/sub/../../outside.txt", O_RDONLY));
  attempt("mkdir ../made-outside", mkdir("/sandbox/../made-outside", 0755));
  attempt("rename into ..", rename("/sandbox/inside.txt", "/sandbox/../moved-outside.txt"));
  attempt("unlink ../outside.txt", unlink("/sandbox/../outside.txt"));
  attempt("create via symlink to outside file", open("/sandbox/link-out", O_WRONLY | O_TRUNC));
  attempt("symlink escaping", symlink("../../outside.txt", "/sandbox/new-link"));
  attempt_wasi("path_open ../outside.txt", "../outside.txt");
  attempt_wasi("path_open absolute /etc/passwd", "/etc/passwd");
  attempt_wasi("path_open link-out", "link-out");
  attempt_wasi("path_open sub/../../outside.txt", "sub/../../outside.txt");
  return 0;
}
