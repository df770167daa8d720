/* Test program: prints the size and field offsets of every preview1 struct as wasi-libc's
 * <wasi/api.h> (generated from the witx) lays them out, as JSON, for layouts.test.ts to
 * compare with layouts.ts. */
#include <stddef.h>
#include <stdio.h>
#include <wasi/api.h>

#define FIELD(type, field) printf("\"%s\": %zu, ", #field, offsetof(type, field))

int main(void) {
  printf("{\"iovec\": {\"byteSize\": %zu, ", sizeof(__wasi_iovec_t));
  FIELD(__wasi_iovec_t, buf);
  printf("\"bufLen\": %zu}, ", offsetof(__wasi_iovec_t, buf_len));

  printf("\"fdstat\": {\"byteSize\": %zu, ", sizeof(__wasi_fdstat_t));
  printf("\"filetype\": %zu, \"flags\": %zu, \"rightsBase\": %zu, \"rightsInheriting\": %zu}, ",
         offsetof(__wasi_fdstat_t, fs_filetype), offsetof(__wasi_fdstat_t, fs_flags),
         offsetof(__wasi_fdstat_t, fs_rights_base), offsetof(__wasi_fdstat_t, fs_rights_inheriting));

  printf("\"filestat\": {\"byteSize\": %zu, ", sizeof(__wasi_filestat_t));
  FIELD(__wasi_filestat_t, dev);
  FIELD(__wasi_filestat_t, ino);
  FIELD(__wasi_filestat_t, filetype);
  FIELD(__wasi_filestat_t, nlink);
  FIELD(__wasi_filestat_t, size);
  FIELD(__wasi_filestat_t, atim);
  FIELD(__wasi_filestat_t, mtim);
  printf("\"ctim\": %zu}, ", offsetof(__wasi_filestat_t, ctim));

  printf("\"prestat\": {\"byteSize\": %zu, \"tag\": %zu, \"nameLength\": %zu}, ", sizeof(__wasi_prestat_t),
         offsetof(__wasi_prestat_t, tag), offsetof(__wasi_prestat_t, u) + offsetof(__wasi_prestat_dir_t, pr_name_len));

  printf("\"dirent\": {\"byteSize\": %zu, \"next\": %zu, \"ino\": %zu, \"nameLength\": %zu, \"type\": %zu}, ",
         sizeof(__wasi_dirent_t), offsetof(__wasi_dirent_t, d_next), offsetof(__wasi_dirent_t, d_ino),
         offsetof(__wasi_dirent_t, d_namlen), offsetof(__wasi_dirent_t, d_type));

  size_t payload = offsetof(__wasi_subscription_t, u) + offsetof(__wasi_subscription_u_t, u);
  printf("\"subscription\": {\"byteSize\": %zu, \"userdata\": %zu, \"tag\": %zu, \"clockId\": %zu, "
         "\"clockTimeout\": %zu, \"clockPrecision\": %zu, \"clockFlags\": %zu, \"fileDescriptor\": %zu}, ",
         sizeof(__wasi_subscription_t), offsetof(__wasi_subscription_t, userdata),
         offsetof(__wasi_subscription_t, u) + offsetof(__wasi_subscription_u_t, tag),
         payload + offsetof(__wasi_subscription_clock_t, id), payload + offsetof(__wasi_subscription_clock_t, timeout),
         payload + offsetof(__wasi_subscription_clock_t, precision), payload + offsetof(__wasi_subscription_clock_t, flags),
         payload + offsetof(__wasi_subscription_fd_readwrite_t, file_descriptor));

  printf("\"event\": {\"byteSize\": %zu, \"userdata\": %zu, \"error\": %zu, \"type\": %zu, \"nbytes\": %zu, \"flags\": %zu}}\n",
         sizeof(__wasi_event_t), offsetof(__wasi_event_t, userdata), offsetof(__wasi_event_t, error),
         offsetof(__wasi_event_t, type), offsetof(__wasi_event_t, fd_readwrite) + offsetof(__wasi_event_fd_readwrite_t, nbytes),
         offsetof(__wasi_event_t, fd_readwrite) + offsetof(__wasi_event_fd_readwrite_t, flags));
  return 0;
}
