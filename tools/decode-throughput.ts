// Stage: performance measurement (`npm run bench:decode`). Decode+validate throughput of
// `validate` against V8's WebAssembly.validate on the same bytes in the same tinybench run,
// in MB/s (module bytes / median time), and the ratio ours/V8. A third column measures the
// general read/step loop a translator drives (a no-op visitor, so no fast path). Inputs are code-heavy:
// Binaryen `--translate-to-fuzz` modules from large random inputs, a synthetic module, and
// the benchmark suites' .wasm files when present.
//
// V8 validates function bodies on background threads too; for a per-core comparison run
// `node --single-threaded dist/tools/decode-throughput.js`.
// Options: --time <ms per task> (default 2000), --quick (fewer, smaller inputs).

import { Bench } from 'tinybench';
import { validate } from '../engine/index.js';
import { decodeAndValidateModule } from '../engine/validate/validate-module.js';
import { binaryenModules, suiteModules } from './fuzz/corpus.js';
import { buildSyntheticModule } from './synthetic-module.js';

interface Input {
  name: string;
  modules: Uint8Array[];
  bytes: number;
}

export interface ThroughputRow {
  input: string;
  bytes: number;
  oursMBps: number;
  stepLoopMBps: number;
  v8MBps: number;
  ratio: number;
}

function visitNothing(): void {}

function collectInputs(quick: boolean): Input[] {
  const inputs: Input[] = [];
  const add = (name: string, modules: Uint8Array[]): void => {
    if (modules.length === 0) return;
    inputs.push({ name, modules, bytes: modules.reduce((sum, m) => sum + m.length, 0) });
  };
  const generated = binaryenModules(77, quick ? 1 : 3, quick ? 300_000 : 2_000_000);
  generated.forEach((module, i) => add(`binaryen-ttf-${i} (${Math.round(module.length / 1024)} KB)`, [module]));
  const synthetic = buildSyntheticModule(quick ? 200_000 : 2_000_000);
  add(`synthetic (${Math.round(synthetic.length / 1024)} KB)`, [synthetic]);
  const suites = suiteModules();
  add(`suites/**/wasm (${suites.length} files)`, suites);
  return inputs;
}

export async function measureDecodeThroughput(options: { time: number; quick: boolean }): Promise<ThroughputRow[]> {
  const inputs = collectInputs(options.quick);
  for (const input of inputs) {
    for (const module of input.modules) {
      if (!WebAssembly.validate(module as Uint8Array<ArrayBuffer>)) throw new Error(`${input.name}: V8 rejects an input`);
      if (!validate(module)) throw new Error(`${input.name}: our validate rejects an input V8 accepts`);
    }
  }
  const bench = new Bench({ time: options.time, warmupTime: Math.min(500, options.time / 2) });
  for (const input of inputs) {
    bench.add(`ours ${input.name}`, () => {
      for (const module of input.modules) validate(module);
    });
    bench.add(`step loop ${input.name}`, () => {
      for (const module of input.modules) decodeAndValidateModule(module, visitNothing);
    });
    bench.add(`v8 ${input.name}`, () => {
      for (const module of input.modules) WebAssembly.validate(module as Uint8Array<ArrayBuffer>);
    });
  }
  await bench.run();
  const medianMs = (name: string): number => {
    const task = bench.getTask(name);
    const result = task?.result as { latency?: { p50: number } } | undefined;
    if (!result?.latency) throw new Error(`no result for ${name}`);
    return result.latency.p50;
  };
  return inputs.map((input) => {
    const oursMBps = input.bytes / 1e6 / (medianMs(`ours ${input.name}`) / 1000);
    const stepLoopMBps = input.bytes / 1e6 / (medianMs(`step loop ${input.name}`) / 1000);
    const v8MBps = input.bytes / 1e6 / (medianMs(`v8 ${input.name}`) / 1000);
    return { input: input.name, bytes: input.bytes, oursMBps, stepLoopMBps, v8MBps, ratio: oursMBps / v8MBps };
  });
}

export function formatThroughput(rows: ThroughputRow[]): string {
  const header = ['input', 'bytes', 'ours MB/s', 'step loop MB/s', 'V8 MB/s', 'ours/V8'];
  const body = rows.map((r) => [r.input, String(r.bytes), r.oursMBps.toFixed(1), r.stepLoopMBps.toFixed(1), r.v8MBps.toFixed(1), `${r.ratio.toFixed(2)}x`]);
  const geomean = Math.exp(rows.reduce((sum, r) => sum + Math.log(r.ratio), 0) / rows.length);
  body.push(['geometric mean', '', '', '', '', `${geomean.toFixed(2)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const timeIndex = process.argv.indexOf('--time');
  const time = timeIndex >= 0 ? Number(process.argv[timeIndex + 1]) : 2000;
  const quick = process.argv.includes('--quick');
  console.log(`decode+validate throughput, ours vs V8 WebAssembly.validate (Node ${process.version}), ${time} ms per task`);
  const rows = await measureDecodeThroughput({ time, quick });
  console.log(formatThroughput(rows));
}
