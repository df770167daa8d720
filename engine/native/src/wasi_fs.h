// WASI path operations beneath a directory file descriptor (engine/wasi, preview1 `path_*`):
// resolving a path beneath a directory with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
// or by a component walk with the same guarantees where the kernel has no openat2, and the
// *at system calls on a final name in an already resolved directory.
#pragma once

#include <napi.h>
#include <sys/types.h>

#include <string>

namespace wasm_native {

/**
 * Opens `path` (relative) beneath the directory `directoryFd` with open(2) `flags` (O_CLOEXEC
 * is added) and `mode` (used with O_CREAT): every symbolic link on the way is followed
 * beneath the directory (the final one unless O_NOFOLLOW), and nothing above it is ever
 * reached. Returns the new descriptor, or -errno: -EXDEV for an absolute path, an absolute
 * link target, or a `..` that would climb above the directory.
 */
int OpenBeneath(int directoryFd, const std::string& path, int flags, mode_t mode);

/** Exports the `wasiFs` object: openBeneath, the *at operations, readDirectory, constants. */
void InitWasiFsBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
