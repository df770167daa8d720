# The engine's native addon (engine/native/src), linked against Debian's shared
# libLLVM-19.so through llvm-config-19. Built by scripts/setup.mjs with `node-gyp rebuild`.
{
  'targets': [
    {
      'target_name': 'wasm_llvm_native',
      'sources': [
        'src/addon.cc',
        'src/baseline_binding.cc',
        'src/baseline_compiler.cc',
        'src/body_validator.cc',
        'src/cache_lookup.cc',
        'src/compile_batch.cc',
        'src/compile_binding.cc',
        'src/compile_pool.cc',
        'src/execution_limits.cc',
        'src/fast_host_calls.cc',
        'src/guarded_pipeline.cc',
        'src/index_versioning.cc',
        'src/instance_builder.cc',
        'src/invoke.cc',
        'src/llvm_compiler.cc',
        'src/machine_code.cc',
        'src/memory.cc',
        'src/object_loader.cc',
        'src/perf_map.cc',
        'src/raw_block.cc',
        'src/runtime_checks.cc',
        'src/running_extremes.cc',
        'src/signals.cc',
        'src/table.cc',
        'src/type_registry.cc',
        'src/vector_copy_merging.cc',
        'src/vector_widening.cc',
        'src/wasi_fs.cc',
      ],
      'include_dirs': [
        "<!(node -p \"require('node-addon-api').include_dir\")",
      ],
      'defines': [
        # Basic (GC-time) finalizers: memories are unmapped during a forced GC (memory.cc).
        'NAPI_EXPERIMENTAL',
        # No C++ exceptions, like LLVM; JavaScript exceptions are thrown explicitly.
        'NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS',
        # A worker thread being terminated (process.exit with the translation worker mid-call)
        # cannot take a JavaScript exception: the throw is dropped instead of aborting the process.
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
        '_GNU_SOURCE',
        '__STDC_CONSTANT_MACROS',
        '__STDC_FORMAT_MACROS',
        '__STDC_LIMIT_MACROS',
      ],
      'cflags!': ['-O3', '-fno-omit-frame-pointer'],
      'cflags_cc!': ['-O3', '-std=gnu++17', '-std=gnu++20'],
      'cflags': ['-O2'],
      # LLVM's headers as system headers: their warnings are not ours.
      'cflags_cc': ['-std=c++17', '-O2', '-fno-exceptions', '-Wall', '-Wno-unused-parameter',
                    '-isystem', '<!(llvm-config-19 --includedir)'],
      'libraries': [
        '-L<!(llvm-config-19 --libdir)',
        '-lLLVM-19',
        '-Wl,-rpath,<!(llvm-config-19 --libdir)',
      ],
    },
  ],
}
