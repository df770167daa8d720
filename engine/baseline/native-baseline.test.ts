// Tests of the C++ baseline compiler (native/src/baseline_compiler.cc) against the TypeScript
// reference (baseline-function.ts): for every code unit of the benchmark programs (scalar and
// SIMD builds), of npm packages' modules, of the spec suite's modules, of Binaryen-generated
// modules and of the hostile corpus, both give the same bytes, function offsets, runtime
// table offset and OSR candidates, or both decline the unit — tiered and not. The behaviour
// of the code itself is tested once, on the TypeScript side's bytes (baseline.test.ts, the
// spec suite and the fuzzer run with the C++ compiler, the default).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { decodeModule } from '../binary/decode-module.js';
import { decodeAndValidateModule } from '../validate/validate-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import { VmctxLayout } from '../abi/vmctx-layout.js';
import { partitionIntoUnits } from '../translate/code-units.js';
import { BaselineModuleCompiler, directBaselineSupported, type BaselineUnitCode } from './baseline-unit.js';
import { compileBaselineUnit, createBaselineModule } from '../native/addon.js';
import { describeForNativeBaseline } from './native-baseline.js';
import { binaryenModules, specModules } from '../../tools/fuzz/corpus.js';
import { HOSTILE_MODULES } from '../../tools/hostile/hostile-modules.js';
import { REALWORLD_MODULES } from '../../bench/suites/realworld.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = directBaselineSupported() ? undefined : 'this CPU lacks a feature the baseline needs';

interface Tally {
  units: number;
  compiled: number;
  declined: number;
  bytes: number;
  mismatches: string[];
}

function sameUnit(a: BaselineUnitCode | undefined, b: BaselineUnitCode | undefined): string | undefined {
  if (a === undefined || b === undefined) return a === b ? undefined : `declined by ${a === undefined ? 'TypeScript' : 'C++'} only`;
  if (a.tableOffset !== b.tableOffset) return `table offset ${a.tableOffset} (TypeScript) vs ${b.tableOffset} (C++)`;
  if (a.offsets.join() !== b.offsets.join()) return `function offsets ${a.offsets.join()} vs ${b.offsets.join()}`;
  if (a.osrCandidates.join() !== b.osrCandidates.join()) return `OSR candidates ${a.osrCandidates.join()} vs ${b.osrCandidates.join()}`;
  if (a.bytes.length !== b.bytes.length) return `${a.bytes.length} bytes vs ${b.bytes.length}`;
  for (let i = 0; i < a.bytes.length; i++) {
    if (a.bytes[i] !== b.bytes[i]) return `first different byte at ${i}: ${a.bytes[i].toString(16)} vs ${b.bytes[i].toString(16)}`;
  }
  return undefined;
}

/** Compiles every unit of `info` (the lazy partition, and each function alone) with both compilers. */
function compareModule(name: string, info: ModuleInfo, tally: Tally, options: { singles: boolean }): void {
  for (const tiered of [false, true]) {
    const layout = new VmctxLayout(info, { lazyContexts: true, tierCounters: tiered });
    const reference = new BaselineModuleCompiler(info, layout, tiered, undefined, 'typescript');
    const native = new BaselineModuleCompiler(info, layout, tiered, undefined, 'cpp');
    const units = [...partitionIntoUnits(info).units];
    if (options.singles) for (let f = info.importedFunctionCount; f < info.functionTypeIndices.length; f++) units.push([f]);
    units.forEach((functions, unitIndex) => {
      if (functions.length === 0) return;
      const expected = reference.compileUnit(unitIndex, functions);
      const actual = native.compileUnit(unitIndex, functions);
      tally.units++;
      if (expected === undefined) tally.declined++;
      else {
        tally.compiled++;
        tally.bytes += expected.bytes.length;
      }
      const difference = sameUnit(expected, actual);
      if (difference !== undefined && tally.mismatches.length < 20) tally.mismatches.push(`${name}${tiered ? ' (tiered)' : ''} unit [${functions.join(' ')}]: ${difference}`);
    });
  }
}

function newTally(): Tally {
  return { units: 0, compiled: 0, declined: 0, bytes: 0, mismatches: [] };
}

function wasmFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).filter((name) => name.endsWith('.medium.wasm')).map((name) => join(directory, name));
}

describe.skipIf(skip !== undefined)('the C++ baseline compiler gives the TypeScript one\'s bytes', () => {
  test('every unit and every function of the PolyBench and shootout programs, scalar and SIMD builds', () => {
    const tally = newTally();
    const files = ['polybench', 'shootout'].flatMap((suite) => [...wasmFiles(join(root, 'suites', suite, 'wasm')), ...wasmFiles(join(root, 'suites', suite, 'wasm-simd'))]);
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) compareModule(file.slice(root.length + 1), decodeModule(new Uint8Array(readFileSync(file))), tally, { singles: true });
    expect(tally.mismatches).toEqual([]);
    expect(tally.compiled).toBeGreaterThan(1000);
    expect(tally.declined).toBeGreaterThan(0); // the SIMD builds' vector functions
  }, 300_000);

  test('every unit of the npm packages\' modules up to 2 MB', () => {
    const tally = newTally();
    let modules = 0;
    for (const entry of REALWORLD_MODULES) {
      const path = join(root, 'node_modules', entry.file);
      if (!existsSync(path)) continue;
      const bytes = new Uint8Array(readFileSync(path));
      if (bytes.length > 2 << 20) continue;
      modules++;
      compareModule(entry.name, decodeModule(bytes), tally, { singles: false });
    }
    expect(modules).toBeGreaterThan(3);
    expect(tally.mismatches).toEqual([]);
    expect(tally.compiled).toBeGreaterThan(100);
  }, 600_000);

  test('every unit of the spec suite\'s modules, of Binaryen-generated modules and of the hostile corpus', () => {
    const tally = newTally();
    const modules = [
      ...specModules().map((bytes, i) => ({ name: `spec module ${i}`, bytes })),
      ...binaryenModules(8080, 40).map((bytes, i) => ({ name: `binaryen module ${i} (seed 8080)`, bytes })),
      ...HOSTILE_MODULES.map((hostile) => ({ name: `hostile ${hostile.name}`, bytes: hostile.make() })),
    ];
    for (const { name, bytes } of modules) {
      let info: ModuleInfo;
      try {
        info = decodeAndValidateModule(bytes); // the baseline compiles validated bodies only
      } catch {
        continue; // malformed or invalid on purpose (the spec's assert_malformed and assert_invalid modules)
      }
      if (info.functionBodies.length === 0) continue;
      compareModule(name, info, tally, { singles: false });
    }
    expect(tally.mismatches).toEqual([]);
    expect(tally.compiled).toBeGreaterThan(1000);
  }, 600_000);

  test('a description that does not fit the module is refused with an error, not read past', () => {
    const info = decodeModule(new Uint8Array(readFileSync(wasmFiles(join(root, 'suites', 'polybench', 'wasm'))[0])));
    const description = describeForNativeBaseline(info, new VmctxLayout(info, { lazyContexts: true }), false, 0);
    const bodies = description.bodies.slice();
    bodies[1] = description.bytes.length + 1; // a body ending past the bytes
    expect(() => createBaselineModule({ ...description, bodies })).toThrow(/malformed description/);
    expect(() => createBaselineModule({ ...description, offsets: new Int32Array(3) })).toThrow(/malformed description/);
    const handle = createBaselineModule(description);
    expect(() => compileBaselineUnit(handle, Uint32Array.of(info.functionTypeIndices.length))).toThrow(/not a defined function/);
    expect(() => compileBaselineUnit({} as never, Uint32Array.of(0))).toThrow(TypeError);
  });
});
