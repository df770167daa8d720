/* Differential test program: files and directories in the preopened directory /sandbox:
 * stdio streams (fopen/fread/fwrite/fseek/ftell, append), POSIX descriptors (open, pread,
 * pwrite, lseek, ftruncate, fstat, fsync, posix_fallocate), stat, mkdir, opendir/readdir,
 * rename, unlink, rmdir, symlink/readlink, utimensat, and error numbers of failures.
 * The test also compares the directory's final contents. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(expression) report(#expression, (expression) == 0)

static void report(const char *what, int ok) { printf("%s: %s (errno %d)\n", what, ok ? "ok" : "failed", ok ? 0 : errno); }

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list_directory(const char *path) {
  DIR *directory = opendir(path);
  if (directory == NULL) {
    printf("opendir %s failed: errno %d\n", path, errno);
    return;
  }
  char *names[64];
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(directory)) != NULL && count < 64) {
    char buffer[300];
    snprintf(buffer, sizeof buffer, "%s (type %d)", entry->d_name, entry->d_type);
    names[count++] = strdup(buffer);
  }
  closedir(directory);
  qsort(names, count, sizeof names[0], compare_names); /* host readdir order varies */
  printf("%s has %d entries:\n", path, count);
  for (int i = 0; i < count; i++) {
    printf("  %s\n", names[i]);
    free(names[i]);
  }
}

int main(void) {
  /* A fixture file the test put there. */
  FILE *input = fopen("/sandbox/input.txt", "r");
  char text[128] = {0};
  size_t got = input ? fread(text, 1, sizeof text - 1, input) : 0;
  printf("input.txt: %zu bytes: %s", got, text);
  if (input) fclose(input);

  /* Write, read back, seek, tell. */
  FILE *file = fopen("/sandbox/data.txt", "w");
  report("fopen w", file != NULL);
  for (int i = 0; i < 100; i++) fprintf(file, "record %03d\n", i);
  printf("ftell after writing: %ld\n", ftell(file));
  fclose(file);
  file = fopen("/sandbox/data.txt", "r+");
  char record[32];
  fseek(file, 11 * 42, SEEK_SET);
  fgets(record, sizeof record, file);
  printf("record at 42: %s", record);
  fseek(file, -11, SEEK_END);
  fgets(record, sizeof record, file);
  printf("last record: %s", record);
  fseek(file, 0, SEEK_SET);
  fputs("RECORD", file);
  printf("ftell after overwrite: %ld\n", ftell(file));
  fclose(file);
  file = fopen("/sandbox/data.txt", "a");
  fputs("appended\n", file);
  fclose(file);

  struct stat info;
  CHECK(stat("/sandbox/data.txt", &info));
  printf("size %lld regular %d directory %d\n", (long long)info.st_size, S_ISREG(info.st_mode), S_ISDIR(info.st_mode));

  /* POSIX descriptors. */
  int fd = open("/sandbox/blocks.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  report("open blocks.bin", fd >= 0);
  char block[64];
  memset(block, 'x', sizeof block);
  printf("write %zd\n", write(fd, block, sizeof block));
  printf("pwrite %zd\n", pwrite(fd, "PQRS", 4, 10));
  printf("lseek end %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("lseek cur %lld\n", (long long)lseek(fd, -60, SEEK_CUR));
  char small[8] = {0};
  printf("read %zd: %.4s\n", read(fd, small, 4), small);
  printf("pread %zd: %.4s\n", pread(fd, small, 4, 10), small);
  CHECK(ftruncate(fd, 20));
  CHECK(fstat(fd, &info));
  printf("size after ftruncate %lld\n", (long long)info.st_size);
  CHECK(fsync(fd));
  CHECK(fdatasync(fd));
  CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
  printf("posix_fallocate %d\n", posix_fallocate(fd, 0, 100));
  CHECK(fstat(fd, &info));
  printf("size after fallocate %lld\n", (long long)info.st_size);
  printf("lseek negative %lld errno %d\n", (long long)lseek(fd, -1000, SEEK_SET), errno);
  close(fd);
  printf("read after close %zd errno %d\n", read(fd, small, 1), errno);

  /* O_APPEND descriptor and O_EXCL. */
  fd = open("/sandbox/log.txt", O_WRONLY | O_CREAT | O_APPEND, 0644);
  write(fd, "one\n", 4);
  lseek(fd, 0, SEEK_SET);
  write(fd, "two\n", 4);
  close(fd);
  printf("O_EXCL on existing: %d errno %d\n", open("/sandbox/log.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), errno);
  printf("write to read-only: ");
  fd = open("/sandbox/log.txt", O_RDONLY);
  printf("%zd errno %d\n", write(fd, "x", 1), errno);
  close(fd);

  /* Access modes as fcntl(F_GETFL) derives them from rights; isatty() from type and rights. */
  const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR};
  for (int i = 0; i < 3; i++) {
    fd = open("/sandbox/log.txt", modes[i]);
    printf("open mode %d: F_GETFL access mode %d, isatty %d\n", modes[i], fcntl(fd, F_GETFL) & O_ACCMODE, isatty(fd));
    close(fd);
  }
  printf("isatty(stdout) %d\n", isatty(1));

  /* Directories. */
  CHECK(mkdir("/sandbox/dir", 0755));
  printf("mkdir existing: %d errno %d\n", mkdir("/sandbox/dir", 0755), errno);
  CHECK(mkdir("/sandbox/dir/nested", 0755));
  for (int i = 0; i < 5; i++) {
    char name[64];
    snprintf(name, sizeof name, "/sandbox/dir/file%d.txt", i);
    FILE *entry = fopen(name, "w");
    fprintf(entry, "entry %d\n", i);
    fclose(entry);
  }
  list_directory("/sandbox/dir");
  CHECK(rename("/sandbox/dir/file0.txt", "/sandbox/dir/nested/moved.txt"));
  CHECK(unlink("/sandbox/dir/file1.txt"));
  printf("unlink missing: %d errno %d\n", unlink("/sandbox/dir/file1.txt"), errno);
  printf("rmdir non-empty: %d errno %d\n", rmdir("/sandbox/dir"), errno);
  CHECK(mkdir("/sandbox/empty", 0755));
  CHECK(rmdir("/sandbox/empty"));
  printf("stat removed: %d errno %d\n", stat("/sandbox/empty", &info), errno);
  list_directory("/sandbox/dir");
  list_directory("/sandbox");

  /* A directory too large for one fd_readdir buffer: cookies, telldir/seekdir. */
  CHECK(mkdir("/sandbox/many", 0755));
  for (int i = 0; i < 150; i++) {
    char name[128];
    snprintf(name, sizeof name, "/sandbox/many/a-rather-long-file-name-to-fill-buffers-%03d", i);
    close(open(name, O_WRONLY | O_CREAT, 0644));
  }
  DIR *many = opendir("/sandbox/many");
  int seen = 0, checksum = 0;
  long middle = -1;
  char after_middle[256] = "";
  struct dirent *entry;
  while ((entry = readdir(many)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    seen++;
    checksum += atoi(entry->d_name + strlen(entry->d_name) - 3);
    if (seen == 75) middle = telldir(many);
    if (seen == 76) snprintf(after_middle, sizeof after_middle, "%s", entry->d_name);
  }
  seekdir(many, middle);
  entry = readdir(many);
  printf("many: %d entries, checksum %d, seekdir back finds the same entry: %s\n", seen, checksum,
         entry != NULL && strcmp(entry->d_name, after_middle) == 0 ? "yes" : "no");
  rewinddir(many);
  int again = 0;
  while ((entry = readdir(many)) != NULL) again += entry->d_name[0] != '.';
  printf("after rewinddir: %d entries\n", again);
  closedir(many);

  /* Symbolic links inside the sandbox. */
  CHECK(symlink("data.txt", "/sandbox/link-to-data"));
  char target[64] = {0};
  printf("readlink %zd: %s\n", readlink("/sandbox/link-to-data", target, sizeof target), target);
  CHECK(lstat("/sandbox/link-to-data", &info));
  printf("lstat is link %d\n", S_ISLNK(info.st_mode));
  CHECK(stat("/sandbox/link-to-data", &info));
  printf("stat through link size %lld\n", (long long)info.st_size);
  file = fopen("/sandbox/link-to-data", "r");
  printf("first line through link: %s", fgets(record, sizeof record, file));
  fclose(file);

  /* Timestamps. */
  struct timespec times[2] = {{1000000000, 0}, {1234567890, 0}};
  CHECK(utimensat(AT_FDCWD, "/sandbox/log.txt", times, 0));
  CHECK(stat("/sandbox/log.txt", &info));
  printf("mtime %lld atime %lld\n", (long long)info.st_mtim.tv_sec, (long long)info.st_atim.tv_sec);

  /* Failures. */
  printf("fopen missing: %p errno %d\n", (void *)fopen("/sandbox/missing.txt", "r"), errno);
  printf("opendir file: %p errno %d\n", (void *)opendir("/sandbox/data.txt"), errno);
  printf("open file as dir: %d errno %d\n", open("/sandbox/data.txt/x", O_RDONLY), errno);
  printf("open dir for writing: %d errno %d\n", open("/sandbox/dir", O_WRONLY), errno);
  return 0;
}
