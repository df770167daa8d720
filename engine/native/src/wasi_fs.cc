// WASI path operations beneath a directory file descriptor (docs/RATIONALE.md, "Why WASI
// path operations go through directory file descriptors"). engine/wasi keeps one OS
// directory descriptor per WASI directory descriptor; this file resolves guest paths
// relative to it and performs the operation, so what a WASI descriptor reaches depends
// on the directory it opened, never on a host path that a rename may have changed.
//
// Resolution: openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux 5.6): the
// kernel follows links component by component and fails with EXDEV on an absolute path or
// link target, or on a `..` above the starting directory. Where the kernel has no openat2
// (ENOSYS, or EPERM from a seccomp filter), the same is done by a walk: one
// openat(O_PATH | O_DIRECTORY | O_NOFOLLOW) per component, readlinkat on what is not a
// directory, a stack of the directories descended into so that `..` returns to the
// previous one and never pops the root, 40 links at most (Linux's limit). Both give the
// same results except for concurrent renames by another process, which openat2 detects
// (EAGAIN, retried, then the walk) and the walk never lets climb above the root either.
//
// Operations on a final name (mkdirat, unlinkat, renameat, linkat, symlinkat, readlinkat,
// utimensat) take a directory descriptor that OpenBeneath returned and a single name that
// the kernel resolves without following a final link; engine/wasi/path-resolution.ts
// splits guest paths so that no name is `..`. Every function returns -errno on failure
// and never throws for an operating-system error (a wrong argument type is a TypeError:
// a bug in the caller).

#include "wasi_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#if __has_include(<linux/openat2.h>) && defined(SYS_openat2)
#include <linux/openat2.h>
#define WASM_NATIVE_HAVE_OPENAT2 1
#else
#define WASM_NATIVE_HAVE_OPENAT2 0
#endif

namespace wasm_native {
namespace {

/** Links followed in one resolution (Linux's MAXSYMLINKS); one more is ELOOP. */
constexpr int kMaxSymlinkFollows = 40;

/** openat2 fails with EAGAIN when a rename or mount raced a `..`; retry, then walk. */
constexpr int kOpenat2Attempts = 4;

/** Which resolution OpenBeneath uses: the kernel's when it has openat2, or one forced (tests). */
enum ResolutionMode : int { kResolutionAuto = 0, kResolutionOpenat2 = 1, kResolutionWalk = 2 };
std::atomic<int> g_resolutionMode{kResolutionAuto};
/** -1 not probed yet, 0 no, 1 yes. */
std::atomic<int> g_kernelHasOpenat2{-1};

/** A descriptor closed when it goes out of scope. */
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { Reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_;
};

/** Appends `path`'s components to `pending` last first, so pop_back() yields them in order.
 *  Empty components (from `//` or a trailing `/`) are kept: they show that the component
 *  before them is not the final one, so it must be a directory. */
void PushComponentsReversed(const std::string& path, std::vector<std::string>* pending) {
  std::vector<std::string> components;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) {
      components.push_back(path.substr(start));
      break;
    }
    components.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  for (auto it = components.rbegin(); it != components.rend(); ++it) pending->push_back(std::move(*it));
}

/** readlinkat into `target`: 0, or -errno (-EINVAL when `name` is not a symbolic link). */
int ReadLink(int directoryFd, const char* name, std::string* target) {
  std::vector<char> buffer(256);
  for (;;) {
    ssize_t length = readlinkat(directoryFd, name, buffer.data(), buffer.size());
    if (length < 0) return -errno;
    if (static_cast<size_t>(length) < buffer.size()) {
      target->assign(buffer.data(), static_cast<size_t>(length));
      return 0;
    }
    if (buffer.size() >= (1u << 20)) return -ENAMETOOLONG;
    buffer.resize(buffer.size() * 2);
  }
}

/** If `name` in `directoryFd` is a symbolic link, puts its target's components next in
 *  `pending` and returns 0; otherwise -errno (-EINVAL: not a link). */
int SpliceSymlink(int directoryFd, const std::string& name, std::vector<std::string>* pending, int* follows) {
  std::string target;
  int read = ReadLink(directoryFd, name.c_str(), &target);
  if (read < 0) return read;
  if (++*follows > kMaxSymlinkFollows) return -ELOOP;
  if (target.empty()) return -ENOENT;
  if (target[0] == '/') return -EXDEV;  // RESOLVE_BENEATH refuses absolute targets too
  PushComponentsReversed(target, pending);
  return 0;
}

bool OnlyEmptyComponents(const std::vector<std::string>& pending) {
  for (const std::string& component : pending) {
    if (!component.empty()) return false;
  }
  return true;
}

bool IsSymlinkDescriptor(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 && S_ISLNK(status.st_mode);
}

/** OpenBeneath without openat2: the component walk described at the top of this file. */
int WalkBeneath(int rootFd, const std::string& path, int flags, mode_t mode) {
  // Directories descended into, innermost last; the root itself is not on the stack, so
  // a `..` with an empty stack would leave the root.
  std::vector<ScopedFd> stack;
  auto top = [&]() { return stack.empty() ? rootFd : stack.back().get(); };
  std::vector<std::string> pending;
  PushComponentsReversed(path, &pending);
  int follows = 0;
  // O_CREAT | O_EXCL never follows a final link (POSIX): the link itself exists.
  const bool followFinal = (flags & O_NOFOLLOW) == 0 && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);

  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      if (stack.empty()) return -EXDEV;
      stack.pop_back();
      continue;
    }
    if (!pending.empty()) {
      // The last name before trailing slashes cannot be created (the kernel says EISDIR
      // before looking it up).
      if ((flags & O_CREAT) != 0 && OnlyEmptyComponents(pending)) return -EISDIR;
      // Not the final component: it must be a directory, or a link to one.
      int fd = openat(top(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.emplace_back(fd);
        continue;
      }
      int error = errno;
      if (error != ENOTDIR && error != ELOOP) return -error;
      int spliced = SpliceSymlink(top(), name, &pending, &follows);
      if (spliced == 0) continue;
      return spliced == -EINVAL ? -error : spliced;
    }
    // The final component.
    if (followFinal) {
      int spliced = SpliceSymlink(top(), name, &pending, &follows);
      if (spliced == 0) continue;
      if (spliced != -EINVAL && spliced != -ENOENT) return spliced;
    }
    int fd = openat(top(), name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      // With O_PATH a link opens as itself; if one replaced the file since readlinkat
      // said it was none, look again.
      if (!followFinal || (flags & O_PATH) == 0 || !IsSymlinkDescriptor(fd)) return fd;
      close(fd);
      errno = ELOOP;
    }
    int error = errno;
    if (error == ELOOP && followFinal && follows++ < kMaxSymlinkFollows) {
      pending.push_back(name);
      continue;
    }
    return -error;
  }
  // The path ends with `.` or `..` (perhaps with slashes after it): open that directory,
  // with the errors the kernel gives for a final dot.
  if ((flags & O_CREAT) != 0) return (flags & O_EXCL) != 0 ? -EEXIST : -EISDIR;
  int fd = openat(top(), ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

#if WASM_NATIVE_HAVE_OPENAT2
bool KernelHasOpenat2() {
  int known = g_kernelHasOpenat2.load(std::memory_order_relaxed);
  if (known >= 0) return known == 1;
  struct open_how how = {};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH;
  long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  bool has = fd >= 0 || (errno != ENOSYS && errno != EPERM);
  if (fd >= 0) close(static_cast<int>(fd));
  g_kernelHasOpenat2.store(has ? 1 : 0, std::memory_order_relaxed);
  return has;
}

/** openat2 beneath `directoryFd`: a descriptor, -errno, or -EAGAIN after repeated races. */
int Openat2Beneath(int directoryFd, const std::string& path, int flags, mode_t mode) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < kOpenat2Attempts; ++attempt) {
    long fd = syscall(SYS_openat2, directoryFd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN) return -errno;
  }
  return -EAGAIN;
}
#else
bool KernelHasOpenat2() { return false; }
int Openat2Beneath(int, const std::string&, int, mode_t) { return -ENOSYS; }
#endif

bool UsesOpenat2() {
  int mode = g_resolutionMode.load(std::memory_order_relaxed);
  if (mode == kResolutionWalk) return false;
  if (mode == kResolutionOpenat2) return true;
  return KernelHasOpenat2();
}

// ---------------------------------------------------------------- operations on a final name

/** A struct timespec for utimensat from a WASI timestamp (ns) or UTIME_NOW / UTIME_OMIT. */
struct timespec TimeSpec(uint64_t nanoseconds, bool now, bool omit) {
  struct timespec time = {};
  if (now) {
    time.tv_nsec = UTIME_NOW;
  } else if (omit) {
    time.tv_nsec = UTIME_OMIT;
  } else {
    time.tv_sec = static_cast<time_t>(nanoseconds / 1'000'000'000u);
    time.tv_nsec = static_cast<long>(nanoseconds % 1'000'000'000u);
  }
  return time;
}

/** utimensat on `name` in `directoryFd`, or on `directoryFd` itself when `name` is empty
 *  (AT_EMPTY_PATH, Linux 5.8; before it, futimens or the descriptor's /proc link). */
int SetTimes(int directoryFd, const std::string& name, const struct timespec times[2], bool noFollow) {
  if (!name.empty()) {
    return utimensat(directoryFd, name.c_str(), times, noFollow ? AT_SYMLINK_NOFOLLOW : 0) == 0 ? 0 : -errno;
  }
  if (utimensat(directoryFd, "", times, AT_EMPTY_PATH) == 0) return 0;
  if (errno != EINVAL) return -errno;
  if (futimens(directoryFd, times) == 0) return 0;
  if (errno != EBADF) return -errno;  // EBADF: an O_PATH descriptor
  std::string link = "/proc/self/fd/" + std::to_string(directoryFd);
  return utimensat(AT_FDCWD, link.c_str(), times, 0) == 0 ? 0 : -errno;
}

// ---------------------------------------------------------------- JavaScript arguments

bool IntArgument(const Napi::CallbackInfo& info, size_t index, int* out) {
  if (!info[index].IsNumber()) {
    Napi::TypeError::New(info.Env(), "wasiFs: argument " + std::to_string(index) + " must be a number")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = info[index].As<Napi::Number>().Int32Value();
  return true;
}

/** A path or name as UTF-8; a NUL byte in it makes it invalid (the caller checks first). */
bool StringArgument(const Napi::CallbackInfo& info, size_t index, std::string* out) {
  if (!info[index].IsString()) {
    Napi::TypeError::New(info.Env(), "wasiFs: argument " + std::to_string(index) + " must be a string")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = info[index].As<Napi::String>().Utf8Value();
  return true;
}

bool HasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

Napi::Value Result(Napi::Env env, int value) { return Napi::Number::New(env, value); }

/** openBeneath(directoryFd, path, flags, mode) → descriptor or -errno. */
Napi::Value OpenBeneathBinding(const Napi::CallbackInfo& info) {
  int directoryFd, flags, mode;
  std::string path;
  if (!IntArgument(info, 0, &directoryFd) || !StringArgument(info, 1, &path) || !IntArgument(info, 2, &flags) ||
      !IntArgument(info, 3, &mode)) {
    return Napi::Value();
  }
  if (HasNul(path)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), OpenBeneath(directoryFd, path, flags, static_cast<mode_t>(mode)));
}

/** mkdirAt(directoryFd, name, mode) → 0 or -errno. */
Napi::Value MkdirAt(const Napi::CallbackInfo& info) {
  int directoryFd, mode;
  std::string name;
  if (!IntArgument(info, 0, &directoryFd) || !StringArgument(info, 1, &name) || !IntArgument(info, 2, &mode)) {
    return Napi::Value();
  }
  if (HasNul(name)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), mkdirat(directoryFd, name.c_str(), static_cast<mode_t>(mode)) == 0 ? 0 : -errno);
}

/** unlinkAt(directoryFd, name, removeDirectory) → 0 or -errno. */
Napi::Value UnlinkAt(const Napi::CallbackInfo& info) {
  int directoryFd;
  std::string name;
  if (!IntArgument(info, 0, &directoryFd) || !StringArgument(info, 1, &name)) return Napi::Value();
  // A boolean read, not coerced: coercion is a Node-API call that fails on a thread being
  // terminated, and node-addon-api's answer to that is fatal (napi_checked.h).
  int flags = info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value() ? AT_REMOVEDIR : 0;
  if (HasNul(name)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), unlinkat(directoryFd, name.c_str(), flags) == 0 ? 0 : -errno);
}

/** renameAt(oldDirectoryFd, oldName, newDirectoryFd, newName) → 0 or -errno. */
Napi::Value RenameAt(const Napi::CallbackInfo& info) {
  int oldFd, newFd;
  std::string oldName, newName;
  if (!IntArgument(info, 0, &oldFd) || !StringArgument(info, 1, &oldName) || !IntArgument(info, 2, &newFd) ||
      !StringArgument(info, 3, &newName)) {
    return Napi::Value();
  }
  if (HasNul(oldName) || HasNul(newName)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), renameat(oldFd, oldName.c_str(), newFd, newName.c_str()) == 0 ? 0 : -errno);
}

/** linkAt(oldDirectoryFd, oldName, newDirectoryFd, newName) → 0 or -errno (never follows). */
Napi::Value LinkAt(const Napi::CallbackInfo& info) {
  int oldFd, newFd;
  std::string oldName, newName;
  if (!IntArgument(info, 0, &oldFd) || !StringArgument(info, 1, &oldName) || !IntArgument(info, 2, &newFd) ||
      !StringArgument(info, 3, &newName)) {
    return Napi::Value();
  }
  if (HasNul(oldName) || HasNul(newName)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), linkat(oldFd, oldName.c_str(), newFd, newName.c_str(), 0) == 0 ? 0 : -errno);
}

/** symlinkAt(target, directoryFd, name) → 0 or -errno. */
Napi::Value SymlinkAt(const Napi::CallbackInfo& info) {
  int directoryFd;
  std::string target, name;
  if (!StringArgument(info, 0, &target) || !IntArgument(info, 1, &directoryFd) || !StringArgument(info, 2, &name)) {
    return Napi::Value();
  }
  if (HasNul(target) || HasNul(name)) return Result(info.Env(), -EINVAL);
  return Result(info.Env(), symlinkat(target.c_str(), directoryFd, name.c_str()) == 0 ? 0 : -errno);
}

/** readlinkAt(directoryFd, name) → Buffer with the target, or -errno. An empty name reads
 *  the link that `directoryFd` itself is (opened with O_PATH | O_NOFOLLOW). */
Napi::Value ReadlinkAt(const Napi::CallbackInfo& info) {
  int directoryFd;
  std::string name;
  if (!IntArgument(info, 0, &directoryFd) || !StringArgument(info, 1, &name)) return Napi::Value();
  if (HasNul(name)) return Result(info.Env(), -EINVAL);
  std::string target;
  int read = ReadLink(directoryFd, name.c_str(), &target);
  if (read < 0) return Result(info.Env(), read);
  return Napi::Buffer<char>::Copy(info.Env(), target.data(), target.size());
}

/** setTimesAt(directoryFd, name, atimeNs, mtimeNs, which, noFollow) → 0 or -errno.
 *  `which`: bit 0 atime now, bit 1 keep atime, bit 2 mtime now, bit 3 keep mtime. An
 *  empty name sets the times of `directoryFd` itself (any descriptor, O_PATH included). */
Napi::Value SetTimesAt(const Napi::CallbackInfo& info) {
  int directoryFd, which;
  std::string name;
  if (!IntArgument(info, 0, &directoryFd) || !StringArgument(info, 1, &name) || !IntArgument(info, 4, &which)) {
    return Napi::Value();
  }
  if (!info[2].IsBigInt() || !info[3].IsBigInt()) {
    Napi::TypeError::New(info.Env(), "wasiFs.setTimesAt: times are bigints").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  bool lossless = false;
  uint64_t atime = info[2].As<Napi::BigInt>().Uint64Value(&lossless);
  uint64_t mtime = info[3].As<Napi::BigInt>().Uint64Value(&lossless);
  bool noFollow = info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();  // read, not coerced (as in unlinkAt)
  if (HasNul(name)) return Result(info.Env(), -EINVAL);
  struct timespec times[2] = {TimeSpec(atime, (which & 1) != 0, (which & 2) != 0),
                              TimeSpec(mtime, (which & 4) != 0, (which & 8) != 0)};
  return Result(info.Env(), SetTimes(directoryFd, name, times, noFollow));
}

/** readDirectory(directoryFd) → { names: Buffer[], inodes: bigint[], types: number[] } in
 *  readdir order without `.` and `..`, or -errno. Types are DT_* values; DT_UNKNOWN is
 *  resolved with fstatat when the file system does not fill d_type. */
Napi::Value ReadDirectory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int directoryFd;
  if (!IntArgument(info, 0, &directoryFd)) return Napi::Value();
  // A descriptor of its own, so that readdir's offset is not the WASI descriptor's.
  int fd = openat(directoryFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Result(env, -errno);
  DIR* directory = fdopendir(fd);
  if (directory == nullptr) {
    int error = errno;
    close(fd);
    return Result(env, -error);
  }
  Napi::Array names = Napi::Array::New(env);
  Napi::Array inodes = Napi::Array::New(env);
  Napi::Array types = Napi::Array::New(env);
  uint32_t count = 0;
  for (;;) {
    errno = 0;
    struct dirent* entry = readdir(directory);
    if (entry == nullptr) break;
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat status;
      if (fstatat(dirfd(directory), name, &status, AT_SYMLINK_NOFOLLOW) == 0) type = IFTODT(status.st_mode);
    }
    names.Set(count, Napi::Buffer<char>::Copy(env, name, std::char_traits<char>::length(name)));
    inodes.Set(count, Napi::BigInt::New(env, static_cast<uint64_t>(entry->d_ino)));
    types.Set(count, Napi::Number::New(env, type));
    ++count;
  }
  int error = errno;
  closedir(directory);
  if (error != 0) return Result(env, -error);
  Napi::Object listing = Napi::Object::New(env);
  listing.Set("names", names);
  listing.Set("inodes", inodes);
  listing.Set("types", types);
  return listing;
}

/** setResolution('auto' | 'openat2' | 'walk'): which resolution openBeneath uses (tests). */
Napi::Value SetResolution(const Napi::CallbackInfo& info) {
  std::string mode;
  if (!StringArgument(info, 0, &mode)) return Napi::Value();
  if (mode == "auto") {
    g_resolutionMode.store(kResolutionAuto);
  } else if (mode == "openat2") {
    g_resolutionMode.store(kResolutionOpenat2);
  } else if (mode == "walk") {
    g_resolutionMode.store(kResolutionWalk);
  } else {
    Napi::TypeError::New(info.Env(), "wasiFs.setResolution: 'auto', 'openat2' or 'walk'").ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

/** resolution() → 'openat2' or 'walk': what openBeneath uses now. */
Napi::Value Resolution(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), UsesOpenat2() ? "openat2" : "walk");
}

/** kernelHasOpenat2() → whether this kernel (and seccomp policy) offers openat2. */
Napi::Value KernelHasOpenat2Binding(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), KernelHasOpenat2());
}

Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
#define WASM_NATIVE_CONSTANT(name) constants.Set(#name, Napi::Number::New(env, name));
  WASM_NATIVE_CONSTANT(O_RDONLY)
  WASM_NATIVE_CONSTANT(O_WRONLY)
  WASM_NATIVE_CONSTANT(O_RDWR)
  WASM_NATIVE_CONSTANT(O_CREAT)
  WASM_NATIVE_CONSTANT(O_EXCL)
  WASM_NATIVE_CONSTANT(O_TRUNC)
  WASM_NATIVE_CONSTANT(O_DIRECTORY)
  WASM_NATIVE_CONSTANT(O_NOFOLLOW)
  WASM_NATIVE_CONSTANT(O_PATH)
  WASM_NATIVE_CONSTANT(O_NONBLOCK)
  WASM_NATIVE_CONSTANT(O_DSYNC)
  WASM_NATIVE_CONSTANT(O_SYNC)
  WASM_NATIVE_CONSTANT(DT_UNKNOWN)
  WASM_NATIVE_CONSTANT(DT_FIFO)
  WASM_NATIVE_CONSTANT(DT_CHR)
  WASM_NATIVE_CONSTANT(DT_DIR)
  WASM_NATIVE_CONSTANT(DT_BLK)
  WASM_NATIVE_CONSTANT(DT_REG)
  WASM_NATIVE_CONSTANT(DT_LNK)
  WASM_NATIVE_CONSTANT(DT_SOCK)
#undef WASM_NATIVE_CONSTANT
  return constants;
}

}  // namespace

int OpenBeneath(int directoryFd, const std::string& path, int flags, mode_t mode) {
  if (path.empty()) return -ENOENT;
  if (path[0] == '/') return -EXDEV;
  if (UsesOpenat2()) {
    int fd = Openat2Beneath(directoryFd, path, flags, mode);
    if (fd != -EAGAIN) return fd;
  }
  return WalkBeneath(directoryFd, path, flags, mode);
}

void InitWasiFsBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object wasiFs = Napi::Object::New(env);
  wasiFs.Set("openBeneath", Napi::Function::New(env, OpenBeneathBinding, "openBeneath"));
  wasiFs.Set("mkdirAt", Napi::Function::New(env, MkdirAt, "mkdirAt"));
  wasiFs.Set("unlinkAt", Napi::Function::New(env, UnlinkAt, "unlinkAt"));
  wasiFs.Set("renameAt", Napi::Function::New(env, RenameAt, "renameAt"));
  wasiFs.Set("linkAt", Napi::Function::New(env, LinkAt, "linkAt"));
  wasiFs.Set("symlinkAt", Napi::Function::New(env, SymlinkAt, "symlinkAt"));
  wasiFs.Set("readlinkAt", Napi::Function::New(env, ReadlinkAt, "readlinkAt"));
  wasiFs.Set("setTimesAt", Napi::Function::New(env, SetTimesAt, "setTimesAt"));
  wasiFs.Set("readDirectory", Napi::Function::New(env, ReadDirectory, "readDirectory"));
  wasiFs.Set("setResolution", Napi::Function::New(env, SetResolution, "setResolution"));
  wasiFs.Set("resolution", Napi::Function::New(env, Resolution, "resolution"));
  wasiFs.Set("kernelHasOpenat2", Napi::Function::New(env, KernelHasOpenat2Binding, "kernelHasOpenat2"));
  wasiFs.Set("constants", Constants(env));
  exports.Set("wasiFs", wasiFs);
}

}  // namespace wasm_native
