// Stage: drop-in tier (large), workload for esbuild-wasm (the esbuild bundler, Go compiled
// to wasm with Go's js/wasm port, a 14 MB module). esbuild's own JS API runs the module in a
// child `node` process, which would not inherit `--import`, so the workload runs the Go
// program in this process through the package's wasm_exec.js runtime (as its bin/esbuild
// does), twice on one compiled module: bundling a generated project of a few hundred
// TypeScript/JSX modules (Go's file system calls go through Node's fs), minified and not.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';

interface GoRuntime {
  argv: string[];
  env: Record<string, string>;
  exit: (code: number) => void;
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

const require = createRequire(import.meta.url);
// wasm_exec.js expects what Go's Node launcher provides.
Object.assign(globalThis, { fs, path, require });
require('esbuild-wasm/wasm_exec.js');
const Go = (globalThis as unknown as { Go: new () => GoRuntime }).Go;

function writeProject(random: SeededRandom, directory: string, modules: number): number {
  let bytes = 0;
  fs.mkdirSync(path.join(directory, 'src'), { recursive: true });
  for (let i = 0; i < modules; i++) {
    const imports: string[] = [];
    const targets = new Set<number>();
    for (let k = 0; k < 3 && i + 1 < modules; k++) targets.add(i + 1 + random.below(Math.min(40, modules - i - 1)));
    for (const target of targets) imports.push(`import { value${target}, render${target} } from './m${target}';`);
    const body: string[] = [...imports, `export interface Props${i} { label: string; count?: number }`];
    for (let k = 0; k < 8; k++) {
      body.push(`export const value${i}_${k}: number = ${random.below(1000)} * ${random.below(10)} + (${random.below(2) === 0 ? 'Math.PI' : String(random.below(99))});`);
      body.push(`function unused${i}_${k}(x: number): string { return \`\${x}-${random.below(1000)}\`.repeat(${random.below(3) + 1}); }`);
    }
    const own = Array.from({ length: 8 }, (_, k) => `value${i}_${k}`);
    const used = [...targets];
    body.push(`export const value${i} = [${[...own, ...used.map((t) => `value${t}`)].join(', ')}].reduce((a, b) => a + b, 0);`);
    const children = used.map((t) => `{render${t}({ label: '${t}' })}`).join('');
    body.push(`export function render${i}(props: Props${i}) { return <section id="m${i}" data-count={props.count ?? ${random.below(50)}}>{props.label}${children}{String(value${i})}</section>; }`);
    body.push(`export class Store${i} { #items = new Map<string, number>(); add(key: string, v = ${random.below(9)}) { this.#items.set(key, (this.#items.get(key) ?? 0) + v); return this; } }`);
    const text = body.join('\n');
    fs.writeFileSync(path.join(directory, 'src', `m${i}.tsx`), text);
    bytes += text.length;
  }
  fs.writeFileSync(path.join(directory, 'src', 'entry.tsx'), `import { value0, render0 } from './m0';\nexport const total = value0;\nexport const view = render0({ label: 'root' });\n`);
  return bytes;
}

async function runEsbuild(module: WebAssembly.Module, args: string[]): Promise<number> {
  const go = new Go();
  let exitCode = -1;
  go.argv = ['esbuild', ...args];
  go.env = { TMPDIR: tmpdir(), NO_COLOR: '1' };
  go.exit = (code) => {
    exitCode = code;
  };
  const instance = await WebAssembly.instantiate(module, go.importObject);
  await go.run(instance);
  return exitCode;
}

await runWorkload(async () => {
  const random = new SeededRandom(0x5eed_000f);
  const directory = fs.mkdtempSync(path.join(tmpdir(), 'dropin-esbuild-'));
  const start = process.cwd();
  try {
    const sourceBytes = writeProject(random, directory, 400 * inputScale());
    process.chdir(directory); // output names paths relative to the working directory
    const module = await WebAssembly.compile(fs.readFileSync(require.resolve('esbuild-wasm/esbuild.wasm')));
    const common = ['src/entry.tsx', '--bundle', '--jsx=transform', '--log-level=warning', '--color=false', '--charset=utf8'];
    const plain = await runEsbuild(module, [...common, '--format=esm', '--outfile=out/plain.js', '--metafile=out/meta.json']);
    const minified = await runEsbuild(module, [...common, '--format=iife', '--global-name=app', '--minify', '--target=es2017', '--outfile=out/min.js']);
    const read = (name: string): string => fs.readFileSync(path.join(directory, 'out', name), 'utf8');
    const meta = JSON.parse(read('meta.json')) as { inputs: Record<string, unknown>; outputs: Record<string, { bytes: number }> };
    const outputs = new Digest();
    for (const name of ['plain.js', 'min.js']) outputs.add(name).add(sha256(read(name)));
    return {
      sourceBytes,
      exitCodes: [plain, minified],
      inputs: Object.keys(meta.inputs).length,
      outputBytes: Object.values(meta.outputs).map((output) => output.bytes),
      plain: sha256(read('plain.js')),
      minified: sha256(read('min.js')),
      outputs: outputs.hex(),
    };
  } finally {
    process.chdir(start);
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
