"""Workbench harness (Wasmtime side of the measured process).

Speaks the same protocol as node-harness.ts (bench/harness/protocol.ts): one JSON request
on stdin, N iterations of fresh compile + instantiate + execute on the pinned `wasmtime`
Python package, one JSON response on stdout. The program's stdout goes to a file per
iteration through WASI and comes back inline.

Timings: compile = wasmtime.Module(engine, bytes); instantiate = Linker.instantiate
(WASI and bench imports defined beforehand, outside the timing); execute =
bench.start → bench.end, taken with time.perf_counter_ns inside the host functions;
total = compile + instantiate + the whole run of _start.

Module mode (request "mode": "module", the realworld suite): compile, then instantiate
against stub imports made from the module's import types (functions that raise if called),
no execution; the output is the export list, as bench/suites/realworld.ts expects.

SIMD (the suites' simd variant) is enabled explicitly (Config.wasm_simd).

Strategies: "cranelift" (Config.strategy) and "winch" (the C API's
WASMTIME_STRATEGY_WINCH = 2, which the Python wrapper does not name, set through its
ffi module). Run with --version to print the wasmtime package version.
"""

import json
import os
import sys
import time

STDOUT_LIMIT_BYTES = 1 << 20
WASMTIME_STRATEGY_WINCH = 2


def package_version():
    from importlib.metadata import version

    return version("wasmtime")


def make_engine(options):
    import wasmtime
    from wasmtime import _ffi as ffi

    config = wasmtime.Config()
    # Fixed-width SIMD, which the suites' simd variant uses: on by default in Wasmtime,
    # set here so that a change of default cannot turn it into a compile error.
    config.wasm_simd = True
    strategy = options.get("strategy", "cranelift")
    if strategy == "cranelift":
        config.strategy = "cranelift"
    elif strategy == "winch":
        ffi.wasmtime_config_strategy_set(config.ptr(), WASMTIME_STRATEGY_WINCH)
    else:
        raise ValueError("unknown wasmtime strategy: %s" % strategy)
    if "optLevel" in options:
        config.cranelift_opt_level = options["optLevel"]
    if "parallelCompilation" in options:
        config.parallel_compilation = bool(options["parallelCompilation"])
    return wasmtime.Engine(config)


class BenchTimer:
    def __init__(self):
        self.started = None
        self.ended = None
        self.calls = 0

    def start(self):
        self.calls += 1
        self.started = time.perf_counter_ns()

    def end(self):
        self.ended = time.perf_counter_ns()
        self.calls += 1

    def elapsed_ns(self):
        if self.calls != 2 or self.started is None or self.ended is None:
            return None
        return self.ended - self.started


def read_capped(path):
    with open(path, "rb") as handle:
        return handle.read(STDOUT_LIMIT_BYTES).decode("utf-8", errors="replace")


def run_iteration(wasmtime, engine, wasm_bytes, request, iteration):
    stdout_path = os.path.join(request["workDirectory"], "stdout-%d.txt" % iteration)
    compile_start = time.perf_counter_ns()
    module = wasmtime.Module(engine, wasm_bytes)
    compile_end = time.perf_counter_ns()

    timer = BenchTimer()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    empty = wasmtime.FuncType([], [])
    linker.define_func("bench", "start", empty, timer.start)
    linker.define_func("bench", "end", empty, timer.end)
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [request["programName"]]
    wasi.stdout_file = stdout_path
    wasi.inherit_stderr()
    store.set_wasi(wasi)

    instantiate_start = time.perf_counter_ns()
    instance = linker.instantiate(store, module)
    instantiate_end = time.perf_counter_ns()

    exit_code = 0
    start = instance.exports(store)["_start"]
    run_start = time.perf_counter_ns()
    try:
        start(store)
    except wasmtime.ExitTrap as exit_trap:
        exit_code = exit_trap.code
    run_end = time.perf_counter_ns()
    return {
        "compileNs": compile_end - compile_start,
        "instantiateNs": instantiate_end - instantiate_start,
        "executeNs": timer.elapsed_ns(),
        "totalNs": (compile_end - compile_start) + (instantiate_end - instantiate_start) + (run_end - run_start),
        "exitCode": exit_code,
        "stdout": read_capped(stdout_path),
    }


def stub_imports(wasmtime, store, module):
    """Module mode: one stub per import, made from its type (functions raise if called)."""
    values = []
    for entry in module.imports:
        kind = entry.type
        if isinstance(kind, wasmtime.FuncType):
            where = "%s.%s" % (entry.module, entry.name)

            def stub(*_args, where=where):
                raise RuntimeError("stub import %s called" % where)

            values.append(wasmtime.Func(store, kind, stub))
        elif isinstance(kind, wasmtime.MemoryType):
            values.append(wasmtime.Memory(store, kind))
        elif isinstance(kind, wasmtime.TableType):
            values.append(wasmtime.Table(store, kind, None))
        elif isinstance(kind, wasmtime.GlobalType):
            content = str(kind.content)
            zero = None if content in ("funcref", "externref") else (0.0 if content in ("f32", "f64") else 0)
            values.append(wasmtime.Global(store, kind, zero))
        else:
            raise TypeError("cannot make a stub for import %s.%s of type %r" % (entry.module, entry.name, kind))
    return values


def kind_name(wasmtime, value):
    for cls, name in ((wasmtime.Func, "function"), (wasmtime.Memory, "memory"), (wasmtime.Table, "table"), (wasmtime.Global, "global")):
        if isinstance(value, cls):
            return name
    return "unknown"


def run_module_iteration(wasmtime, engine, wasm_bytes):
    """Module mode (the realworld suite): compile, instantiate against stub imports, list exports."""
    compile_start = time.perf_counter_ns()
    module = wasmtime.Module(engine, wasm_bytes)
    compile_end = time.perf_counter_ns()
    store = wasmtime.Store(engine)
    imports = stub_imports(wasmtime, store, module)
    instantiate_start = time.perf_counter_ns()
    instance = wasmtime.Instance(store, module, imports)
    instantiate_end = time.perf_counter_ns()
    exports = instance.exports(store)
    lines = sorted("%s %s" % (kind_name(wasmtime, exports[name]), name) for name in exports)
    return {
        "compileNs": compile_end - compile_start,
        "instantiateNs": instantiate_end - instantiate_start,
        "executeNs": None,
        "totalNs": (compile_end - compile_start) + (instantiate_end - instantiate_start),
        "exitCode": 0,
        "stdout": "exports %d\n%s\n" % (len(lines), "\n".join(lines)),
    }


def main():
    if "--version" in sys.argv[1:]:
        print(package_version())
        return 0
    import wasmtime

    request = json.loads(sys.stdin.read())
    options = request.get("engineOptions") or {}
    engine = make_engine(options)
    with open(request["wasmPath"], "rb") as handle:
        wasm_bytes = handle.read()
    response = {"engineVersion": package_version(), "iterations": [], "failure": None}
    for iteration in range(request["iterations"]):
        try:
            if request.get("mode") == "module":
                response["iterations"].append(run_module_iteration(wasmtime, engine, wasm_bytes))
            else:
                response["iterations"].append(run_iteration(wasmtime, engine, wasm_bytes, request, iteration))
        except wasmtime.Trap as trap:
            response["failure"] = {"kind": "trap", "message": "Trap: %s" % trap.message, "iteration": iteration}
            break
        except Exception as error:  # compile errors, link errors, harness errors: all reported, never lost
            response["failure"] = {"kind": "error", "message": "%s: %s" % (type(error).__name__, error), "iteration": iteration}
            break
    sys.stdout.write(json.dumps(response) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
