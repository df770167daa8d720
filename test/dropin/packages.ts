// Stage: drop-in tier, manifest. The npm packages that ship wasm which the drop-in tier runs
// on Node's WebAssembly and on this engine (runner.ts), each with its pinned version (the
// same as package.json's devDependencies), the toolchain that built its wasm, the wasm files
// (or JavaScript files with embedded modules) and what scan-packages.ts computes for them:
// module count, total size and post-MVP features. manifest.test.ts checks all of it against
// node_modules. `tier: 'large'` packages (modules over 10 MB, minutes to compile at O0) run
// only in `npm run test:dropin:large`.

import type { WasmFeature } from './wasm-features.js';

export interface WasmSource {
  /** Path under node_modules/. */
  readonly file: string;
  /** True when `file` is JavaScript with the modules embedded (base64 or byte-array literals). */
  readonly embedded: boolean;
  readonly modules: number;
  /** Total size of the modules, bytes. */
  readonly bytes: number;
  readonly features: WasmFeature[];
}

export interface DropinPackage {
  /** The workload's name: dist/test/dropin/workloads/<id>.js. */
  readonly id: string;
  readonly npm: string;
  readonly version: string;
  /** Other packages the workload needs (grammars, ...), name → pinned version. */
  readonly companions?: Readonly<Record<string, string>>;
  readonly toolchain: string;
  readonly wasm: readonly WasmSource[];
  readonly tier: 'default' | 'large';
  /** Per side, milliseconds. */
  readonly timeoutMs: number;
  /** Extra environment for our side (WASM_LLVM_OPT_LEVEL is 0 unless set here). */
  readonly oursEnv?: Readonly<Record<string, string>>;
  /** Set when the package is known not to work on this engine: why. */
  readonly expectedFailure?: string;
  /** What the workload does, in a few words (README table). */
  readonly workload: string;
}

export const DROPIN_PACKAGES: readonly DropinPackage[] = [
  {
    id: 'sql-js', npm: 'sql.js', version: '1.17.0', toolchain: 'Emscripten (C)',
    wasm: [{ file: 'sql.js/dist/sql-wasm.wasm', embedded: false, modules: 0, bytes: 0, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '64k-row database, queries, 5 MB export and reopen',
  },
  {
    id: 'zstd-wasm', npm: '@bokuweb/zstd-wasm', version: '0.0.27', toolchain: 'Emscripten (C)',
    wasm: [{ file: '@bokuweb/zstd-wasm/dist/common/zstd.wasm', embedded: false, modules: 0, bytes: 0, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '6 MB at 3 levels, dictionary frames',
  },
  {
    id: 'brotli-wasm', npm: 'brotli-wasm', version: '3.0.1', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: 'brotli-wasm/pkg.node/brotli_wasm_bg.wasm', embedded: false, modules: 0, bytes: 0, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '3.5 MB at 3 qualities, streaming in 4 KiB buffers',
  },
  {
    id: 'lz4-wasm', npm: 'lz4-wasm-nodejs', version: '0.9.2', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: 'lz4-wasm-nodejs/lz4_wasm_nodejs_bg.wasm', embedded: false, modules: 0, bytes: 0, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '12 MB whole and in ~80 blocks',
  },
  {
    id: 'xxhash-wasm', npm: 'xxhash-wasm', version: '1.1.0', toolchain: 'hand-written wasm',
    wasm: [{ file: 'xxhash-wasm/esm/xxhash-wasm.js', embedded: true, modules: 0, bytes: 0, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '6 MB one-shot and streamed, 20k short strings',
  },
];
