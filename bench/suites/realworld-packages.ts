// Suites: the drop-in packages' manifest. The npm packages that ship wasm which the drop-in
// tier (test/dropin/) runs on Node's WebAssembly and on this engine, and which the realworld
// suite runs through their JS glue (realworld.ts), each with its pinned version (the
// same as package.json's devDependencies), the toolchain that built its wasm, the wasm files
// (or JavaScript files with embedded modules) and what test/dropin/scan-packages.ts computes for them:
// module count, total size and post-MVP features. test/dropin/manifest.test.ts checks all of it against
// node_modules. `tier: 'large'` packages (15-46 MB modules, one to several minutes to compile
// at O0 on this 2-core machine) run only in `npm run test:dropin:large`; esbuild's 14 MB
// module (about 35 s) stays in the default tier so that npm test covers one over 10 MB.

/** Post-MVP features, named as the manifest and README table name them (test/dropin/wasm-features.ts finds them). */
export type WasmFeature =
  | 'sign-extension'
  | 'saturating-conversions'
  | 'bulk-memory'
  | 'reference-types'
  | 'multi-value'
  | 'mutable-globals'
  | 'simd';

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
    wasm: [{ file: 'sql.js/dist/sql-wasm.wasm', embedded: false, modules: 1, bytes: 688_280, features: ['sign-extension', 'saturating-conversions', 'bulk-memory'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '64k-row database, queries, 5 MB export and reopen',
  },
  {
    id: 'zstd-wasm', npm: '@bokuweb/zstd-wasm', version: '0.0.27', toolchain: 'Emscripten (C)',
    wasm: [{ file: '@bokuweb/zstd-wasm/dist/common/zstd.wasm', embedded: false, modules: 1, bytes: 251_806, features: ['sign-extension'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '6 MB at 3 levels, dictionary frames',
  },
  {
    id: 'brotli-wasm', npm: 'brotli-wasm', version: '3.0.1', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: 'brotli-wasm/pkg.node/brotli_wasm_bg.wasm', embedded: false, modules: 1, bytes: 1_057_070, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '3.5 MB at 3 qualities, streaming in 4 KiB buffers',
  },
  {
    id: 'lz4-wasm', npm: 'lz4-wasm-nodejs', version: '0.9.2', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: 'lz4-wasm-nodejs/lz4_wasm_nodejs_bg.wasm', embedded: false, modules: 1, bytes: 25_412, features: [] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '12 MB whole and in ~80 blocks',
  },
  {
    id: 'xxhash-wasm', npm: 'xxhash-wasm', version: '1.1.0', toolchain: 'hand-written wasm',
    wasm: [{ file: 'xxhash-wasm/esm/xxhash-wasm.js', embedded: true, modules: 1, bytes: 3_105, features: ['bulk-memory'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '6 MB one-shot and streamed, 20k short strings',
  },
  {
    id: 'tiktoken', npm: 'tiktoken', version: '1.0.22', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: 'tiktoken/tiktoken_bg.wasm', embedded: false, modules: 1, bytes: 5_593_287, features: ['sign-extension', 'bulk-memory'] }],
    tier: 'default', timeoutMs: 240_000,
    workload: '1 MB of prose with 3 encodings, 9k pieces',
  },
  {
    id: 'vscode-oniguruma', npm: 'vscode-oniguruma', version: '2.0.1', toolchain: 'Emscripten (C)',
    wasm: [{ file: 'vscode-oniguruma/release/onig.wasm', embedded: false, modules: 1, bytes: 473_151, features: ['sign-extension'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: 'tokenising 1 MB of source, line scanner',
  },
  {
    id: 'yoga-layout', npm: 'yoga-layout', version: '3.2.1', toolchain: 'Emscripten (C++, embind)',
    wasm: [{ file: 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js', embedded: true, modules: 1, bytes: 71_736, features: ['sign-extension'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: 'tree of ~20k nodes, JS measure functions, 3 widths',
  },
  {
    id: 'web-tree-sitter', npm: 'web-tree-sitter', version: '0.27.2',
    companions: { 'tree-sitter-javascript': '0.25.0', 'tree-sitter-python': '0.25.0' },
    toolchain: 'Emscripten (C), dynamic linking: grammars are SIDE_MODULEs',
    wasm: [
      { file: 'web-tree-sitter/web-tree-sitter.wasm', embedded: false, modules: 1, bytes: 210_688, features: ['sign-extension', 'saturating-conversions', 'bulk-memory', 'mutable-globals'] },
      { file: 'tree-sitter-javascript/tree-sitter-javascript.wasm', embedded: false, modules: 1, bytes: 411_770, features: ['mutable-globals'] },
      { file: 'tree-sitter-python/tree-sitter-python.wasm', embedded: false, modules: 1, bytes: 457_883, features: [] },
    ],
    tier: 'default', timeoutMs: 180_000,
    workload: '1.5 MB of JS and Python: walk, query, incremental reparse',
  },
  {
    id: 'resvg-wasm', npm: '@resvg/resvg-wasm', version: '2.6.2', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: '@resvg/resvg-wasm/index_bg.wasm', embedded: false, modules: 1, bytes: 2_478_606, features: ['sign-extension'] }],
    tier: 'default', timeoutMs: 240_000,
    workload: '3 SVGs, 5.8k shapes, up to 2048² RGBA and PNG',
  },
  {
    id: 'hash-wasm', npm: 'hash-wasm', version: '4.13.0', toolchain: 'clang (C), one module per algorithm',
    wasm: [{ file: 'hash-wasm/dist/index.umd.js', embedded: true, modules: 22, bytes: 138_511, features: ['sign-extension', 'mutable-globals'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: '23 hashes of 4 MB, streaming, argon2/bcrypt/scrypt/pbkdf2',
  },
  {
    id: 'meshoptimizer', npm: 'meshoptimizer', version: '1.3.0', toolchain: 'clang (C++, wasi-sdk), modules packed in the JS',
    wasm: [
      { file: 'meshoptimizer/meshopt_decoder.mjs', embedded: true, modules: 3, bytes: 20_723, features: ['bulk-memory', 'simd'] },
      { file: 'meshoptimizer/meshopt_encoder.js', embedded: true, modules: 1, bytes: 14_682, features: [] },
      { file: 'meshoptimizer/meshopt_simplifier.js', embedded: true, modules: 1, bytes: 40_919, features: [] },
    ],
    tier: 'default', timeoutMs: 180_000,
    workload: 'SIMD decoder (picked by validate on a v128 probe): 176k-vertex mesh simplified, encoded and decoded, 4 filters',
  },
  {
    id: 'tfjs-backend-wasm', npm: '@tensorflow/tfjs-backend-wasm', version: '4.22.0',
    companions: { '@tensorflow/tfjs-core': '4.22.0' },
    toolchain: 'Emscripten (C++, XNNPACK)',
    wasm: [{ file: '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', embedded: false, modules: 1, bytes: 424_594, features: ['simd'] }],
    tier: 'default', timeoutMs: 180_000,
    workload: 'SIMD build (picked by validate on a v128 probe): small CNN on 4×128² images, 384×512×384 matmul, 1M-element kernels',
  },
  {
    id: 'rapier3d-simd', npm: '@dimforge/rapier3d-simd-compat', version: '0.20.0', toolchain: 'Rust (wasm-bindgen, +simd128; embedded)',
    wasm: [{ file: '@dimforge/rapier3d-simd-compat/dist/rapier.mjs', embedded: true, modules: 1, bytes: 2_196_730, features: ['sign-extension', 'saturating-conversions', 'bulk-memory', 'simd'] }],
    tier: 'default', timeoutMs: 240_000,
    workload: 'SIMD package chosen explicitly (no scalar fallback): 1.1k bodies, 7 shapes, joints, 180 steps, queries, 4.7 MB snapshot',
  },
  {
    id: 'lightningcss-wasm', npm: 'lightningcss-wasm', version: '1.33.0', toolchain: 'Rust (napi-wasm)',
    wasm: [{ file: 'lightningcss-wasm/lightningcss_node.wasm', embedded: false, modules: 1, bytes: 15_844_785, features: ['sign-extension', 'saturating-conversions', 'bulk-memory'] }],
    tier: 'large', timeoutMs: 600_000,
    workload: '1 MB of CSS minified/lowered, CSS modules with a JS visitor',
  },
  {
    id: 'swc-wasm', npm: '@swc/wasm', version: '1.16.21', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: '@swc/wasm/wasm_bg.wasm', embedded: false, modules: 1, bytes: 18_030_908, features: ['sign-extension', 'saturating-conversions', 'bulk-memory'] }],
    tier: 'large', timeoutMs: 600_000,
    workload: '1 MB of TSX to ES5 and ES2020, minify, reparse',
  },
  {
    id: 'biome-wasm', npm: '@biomejs/wasm-nodejs', version: '2.5.14', toolchain: 'Rust (wasm-bindgen)',
    wasm: [{ file: '@biomejs/wasm-nodejs/biome_wasm_bg.wasm', embedded: false, modules: 1, bytes: 45_630_618, features: ['sign-extension', 'saturating-conversions', 'bulk-memory', 'reference-types', 'multi-value'] }],
    tier: 'large', timeoutMs: 900_000,
    workload: 'format, lint and fix 384 KB of JS and 150 KB of CSS',
  },
  {
    id: 'esbuild-wasm', npm: 'esbuild-wasm', version: '0.28.2', toolchain: 'Go (js/wasm)',
    wasm: [{ file: 'esbuild-wasm/esbuild.wasm', embedded: false, modules: 1, bytes: 13_978_850, features: ['sign-extension', 'saturating-conversions', 'bulk-memory'] }],
    tier: 'default', timeoutMs: 300_000,
    workload: 'bundle 400 generated TSX modules twice (plain, minified)',
  },
];
