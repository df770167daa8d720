// Stage: translation tests. The reference side of a differential test: runs modules in the
// host's V8 (Node's WebAssembly) the way buildExportHarness runs them under lli — function
// imports print their first argument's bits, every exported function is called in export
// order with zero arguments after `hangLimitInitializer` — and puts both outputs in one form
// (traps compared as traps: the two engines word them differently).

import { decodeModule } from '../../engine/binary/decode-module.js';
import { ExternalKind } from '../../engine/binary/module-info.js';
import { ValType } from '../../engine/wasm/value-types.js';

const view = new DataView(new ArrayBuffer(8));

function bits(type: ValType, value: unknown): string {
  switch (type) {
    case ValType.I32: return String((value as number) >>> 0);
    case ValType.I64: return BigInt.asUintN(64, value as bigint).toString();
    case ValType.F32: view.setFloat32(0, value as number, true); return String(view.getUint32(0, true));
    case ValType.F64: view.setFloat64(0, value as number, true); return view.getBigUint64(0, true).toString();
    default: return String(value);
  }
}

const TYPE_NAMES: Partial<Record<number, string>> = { [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64' };

/** The lines V8 produces for `modules`, normalised as normaliseLliOutput does. */
export function runInV8(modules: readonly { name: string; bytes: Uint8Array }[]): string[] {
  const lines: string[] = [];
  modules.forEach(({ bytes }, index) => {
    lines.push(`instance ${index}`);
    const info = decodeModule(bytes);
    const imports: Record<string, Record<string, (...args: unknown[]) => void>> = {};
    info.imports.forEach((entry, f) => {
      if (entry.kind !== ExternalKind.Function) return;
      const type = info.types[entry.typeIndex];
      (imports[entry.module] ??= {})[entry.name] = (...args: unknown[]) => {
        lines.push(`host ${f} ${type.params.length === 0 ? '0' : bits(type.params[0], args[0])}`);
      };
    });
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports);
    } catch {
      lines.push('init failed');
      return;
    }
    const initializer = info.exports.find((entry) => entry.name === 'hangLimitInitializer' && entry.kind === ExternalKind.Function);
    for (const exported of info.exports) {
      if (exported.kind !== ExternalKind.Function || exported === initializer) continue;
      const type = info.types[info.functionTypeIndices[exported.index]];
      if ([...type.params, ...type.results].some((value) => TYPE_NAMES[value] === undefined)) continue;
      const exports = instance.exports as Record<string, (...args: unknown[]) => unknown>;
      try {
        if (initializer !== undefined) exports[initializer.name]();
        const result = exports[exported.name](...type.params.map((param) => (param === ValType.I64 ? 0n : 0)));
        const results = type.results.length === 1 ? [result] : type.results.length === 0 ? [] : (result as unknown[]);
        type.results.forEach((resultType, i) => lines.push(`${TYPE_NAMES[resultType]} ${bits(resultType, results[i])}`));
      } catch (error) {
        if (!(error instanceof WebAssembly.RuntimeError) && !(error instanceof RangeError)) throw error;
        lines.push('trap');
      }
    }
  });
  return lines;
}

/** lli harness output without case ids: results as `<type> <bits>`, traps as `trap`. */
export function normaliseLliOutput(stdout: string): string[] {
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('host ') || line.startsWith('instance ')) {
      lines.push(line);
    } else if (line.startsWith('module ')) {
      lines.push('init failed');
    } else {
      const rest = line.slice(line.indexOf(' ') + 1);
      if (rest === 'done') continue;
      lines.push(rest.startsWith('trap') ? 'trap' : rest);
    }
  }
  return lines;
}

/**
 * Differences between two normalised outputs, per module (`instance <n>` lines split them):
 * one message per module whose lines differ. With `skipTrapping`, modules during which the
 * reference trapped are not compared (LLVM may delete a load whose value is unused, and with
 * it an out-of-bounds trap: a documented limitation of optimised code).
 */
export function compareOutputs(ours: readonly string[], reference: readonly string[], names: readonly string[], skipTrapping: boolean): string[] {
  const split = (lines: readonly string[]): Map<number, string[]> => {
    const chunks = new Map<number, string[]>();
    let current: string[] = [];
    for (const line of lines) {
      if (line.startsWith('instance ')) chunks.set(Number(line.slice(9)), (current = []));
      else current.push(line);
    }
    return chunks;
  };
  const ourChunks = split(ours);
  const referenceChunks = split(reference);
  const problems: string[] = [];
  for (const [index, expected] of referenceChunks) {
    if (skipTrapping && expected.includes('trap')) continue;
    const actual = ourChunks.get(index) ?? [];
    const at = expected.findIndex((line, i) => actual[i] !== line);
    if (at >= 0 || actual.length !== expected.length) {
      const line = at >= 0 ? at : expected.length;
      problems.push(`${names[index]}: line ${line}: ours ${JSON.stringify(actual.slice(line, line + 3))}, V8 ${JSON.stringify(expected.slice(line, line + 3))}`);
    }
  }
  return problems;
}
