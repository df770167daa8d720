// Stage: link (perf_map.h). V8's --perf-basic-prof writes the same file through its own
// file position, so the two switches should not be on together: V8 would write over lines
// appended here.

#include "perf_map.h"

#include <fcntl.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace wasm_native {
namespace {

std::once_flag g_openOnce;
int g_fd = -1;

void Open() {
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/perf-%d.map", static_cast<int>(getpid()));
  g_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

bool PerfMapEnabled() {
  static const bool enabled = [] {
    const char* setting = std::getenv("WASM_LLVM_PERF_MAP");
    return setting != nullptr && std::strcmp(setting, "1") == 0;
  }();
  return enabled;
}

void AddPerfMapEntry(uint64_t start, uint64_t size, const std::string& name) {
  std::call_once(g_openOnce, Open);
  if (g_fd < 0) return;
  std::string line(32 + name.size(), '\0');
  int length = std::snprintf(line.data(), line.size(), "%" PRIx64 " %" PRIx64 " ", start, size);
  line.resize(static_cast<size_t>(length));
  line += name;
  line += '\n';
  // One write per line: O_APPEND keeps lines from several threads whole.
  ssize_t written = write(g_fd, line.data(), line.size());
  (void)written;
}

}  // namespace wasm_native
