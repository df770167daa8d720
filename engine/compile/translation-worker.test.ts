// Tests of the translation worker (translation-worker.ts, translation-worker-main.ts): the IR
// it makes is this thread's, byte for byte (every unit as a top-tier set, every OSR entry);
// its errors arrive with their name and message; the compile it hands the IR to
// (CompileBatch.handOff, submitHandedOffBatch) links from its thread; many modules and parts
// in flight at once all finish; a process that exits with parts in flight exits cleanly;
// and when the worker dies, the parts it had not answered are translated here. The last
// describe kills the process's worker, so it stays last in this file.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import { VmctxLayout } from '../abi/vmctx-layout.js';
import { createCompileBatch, submitHandedOffBatch, type CompileBatch, type CompiledCode } from '../native/addon.js';
import { partitionIntoUnits } from '../translate/code-units.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { BaselineModuleCompiler, directBaselineSupported } from '../baseline/baseline-unit.js';
import { binaryenModules } from '../../tools/fuzz/corpus.js';
import { TopTierTranslator, type TopTierPart, type TopTierTranslationOptions, type TranslatedPart } from './top-tier-translation.js';
import { ModuleTranslations, terminateTranslationWorkerForTesting, translationWorkerBroken, type PendingTranslation } from './translation-worker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPTIONS: TopTierTranslationOptions = { exactTraps: false, ssse3: true, guardPolicy: 'metrics' };
const workerBuilt = existsSync(join(root, 'dist', 'engine', 'compile', 'translation-worker-main.js'));
const skip = !workerBuilt ? 'the engine is not built (dist/)' : !directBaselineSupported() ? 'this CPU lacks a feature the baseline needs' : undefined;

/** Waits (this thread, as a program in a long call would) until `poll` gives a value; throws after `ms`. */
function waitFor<T>(poll: () => T | undefined, ms = 60_000): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + ms;
  for (;;) {
    const value = poll();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`nothing within ${ms} ms`);
    Atomics.wait(pause, 0, 0, 1);
  }
}

function programFiles(): string[] {
  return ['polybench', 'shootout'].flatMap((suite) => {
    const directory = join(root, 'suites', suite, 'wasm');
    return existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.medium.wasm')).map((name) => join(directory, name)) : [];
  });
}

function moduleOf(bytes: Uint8Array): ModuleInfo {
  const info = decodeModule(bytes);
  validateModuleStructure(info);
  return info;
}

/** Every unit of `info` as a top-tier set, and the OSR entry of every function with candidate loops from its first one. */
function partsOf(info: ModuleInfo, name: string): TopTierPart[] {
  const parts: TopTierPart[] = [];
  partitionIntoUnits(info).units.forEach((members, unit) => {
    if (members.length > 0) parts.push({ kind: 'set', members, moduleName: `${name}.top${unit}` });
  });
  const layout = new VmctxLayout(info, { lazyContexts: true, tierCounters: true });
  const firstLoop = new Map<number, number>();
  const baseline = new BaselineModuleCompiler(info, layout, true, (functionIndex, ordinal) => {
    if (!firstLoop.has(functionIndex)) firstLoop.set(functionIndex, ordinal);
  });
  for (let f = info.importedFunctionCount; f < info.functionTypeIndices.length; f++) {
    const unit = baseline.compileUnit(f, [f]);
    if (unit !== undefined) baseline.install(unit, [f]).code.release();
  }
  for (const [functionIndex, from] of firstLoop) parts.push({ kind: 'osr', functionIndex, from, moduleName: `${name}.osr${functionIndex}.${from}` });
  return parts;
}

function difference(expected: TranslatedPart, actual: TranslatedPart): string | undefined {
  if (expected.symbols.join() !== actual.symbols.join()) return `symbols ${expected.symbols.join()} vs ${actual.symbols.join()}`;
  if (expected.guardedSymbols.join() !== actual.guardedSymbols.join()) return `guarded ${expected.guardedSymbols.join()} vs ${actual.guardedSymbols.join()}`;
  if (expected.ir.length !== actual.ir.length) return `${expected.ir.length} bytes of IR vs ${actual.ir.length}`;
  for (let i = 0; i < expected.ir.length; i++) if (expected.ir[i] !== actual.ir[i]) return `first different byte of IR at ${i}`;
  return undefined;
}

function topTierBatch(name: string): CompileBatch {
  return createCompileBatch({ optLevel: 0, cpu: 'native', name });
}

describe.skipIf(skip !== undefined)('the translation worker', () => {
  test('its IR is this thread\'s, byte for byte: every unit as a top-tier set and every OSR entry of the PolyBench and shootout programs and of Binaryen-generated modules', () => {
    const modules = [
      ...programFiles().map((file) => ({ name: file.slice(root.length + 1), bytes: new Uint8Array(readFileSync(file)) })),
      ...binaryenModules(4242, 12).map((bytes, i) => ({ name: `binaryen module ${i} (seed 4242)`, bytes })),
    ];
    expect(modules.length).toBeGreaterThan(40);
    const mismatches: string[] = [];
    let sets = 0;
    let entries = 0;
    for (const { name, bytes } of modules) {
      let info: ModuleInfo;
      try {
        info = moduleOf(bytes);
      } catch {
        continue;
      }
      const here = new TopTierTranslator(info, OPTIONS);
      const translations = new ModuleTranslations(bytes, info, OPTIONS, true);
      const parts = partsOf(info, 'm');
      // All asked for at once (the worker queues them), then taken in order.
      const pending = parts.map((part) => translations.translateOnWorkerForTesting(part)!);
      parts.forEach((part, i) => {
        const expected = here.translate(part);
        const actual = waitFor(() => pending[i].poll());
        const different = difference(expected, actual);
        if (different !== undefined) mismatches.push(`${name} ${JSON.stringify(part)}: ${different}`);
        if (part.kind === 'set') sets++;
        else entries++;
      });
    }
    expect(mismatches).toEqual([]);
    expect(sets).toBeGreaterThan(100);
    expect(entries).toBeGreaterThan(100);
    expect(translationWorkerBroken()).toBe(false);
  }, 600_000);

  test('a translation error on the worker is thrown by poll with the name and message it has here', () => {
    const bytes = new Uint8Array(readFileSync(programFiles()[0]));
    const info = moduleOf(bytes);
    const part: TopTierPart = { kind: 'osr', functionIndex: info.functionTypeIndices.length + 5, from: 0, moduleName: 'bad' };
    let here: Error | undefined;
    try {
      new TopTierTranslator(info, OPTIONS).translate(part);
    } catch (error) {
      here = error as Error;
    }
    expect(here).toBeInstanceOf(RangeError);
    const pending = new ModuleTranslations(bytes, info, OPTIONS, true).translateOnWorkerForTesting(part)!;
    let thrown: Error | undefined;
    waitFor(() => {
      try {
        return pending.poll() === undefined ? undefined : 'answered';
      } catch (error) {
        thrown = error as Error;
        return 'thrown';
      }
    });
    expect(thrown?.name).toBe('RangeError');
    expect(thrown?.message).toBe(here!.message);
  });

  test('a handed-off batch compiles the IR the worker submits from its thread; a ticket is taken once, and bad tickets are refused', () => {
    const file = programFiles()[0];
    const bytes = new Uint8Array(readFileSync(file));
    const info = moduleOf(bytes);
    const translations = new ModuleTranslations(bytes, info, OPTIONS, true);
    const part = partsOf(info, 'handoff').find((candidate) => candidate.kind === 'set')!;
    const batch = topTierBatch('handoff');
    const ticket = batch.handOff();
    const translation = translations.request(part, ticket);
    const symbols = waitFor(() => translation.poll());
    expect(translations.translatedOnWorker).toBe(1);
    const code = waitFor(() => batch.poll());
    expect(code.addresses.length).toBe(symbols.length);
    for (const address of code.addresses) expect(address).not.toBe(0n);
    code.release();
    // Taken by the worker's submit: a second submit of the same ticket is refused.
    const translated = new TopTierTranslator(info, OPTIONS).translate(part);
    expect(submitHandedOffBatch(ticket, translated.ir, translated.guardedSymbols, translated.symbols)).toBe(false);
    expect(() => submitHandedOffBatch(0, translated.ir, [], [])).toThrow(TypeError);
    expect(() => submitHandedOffBatch(1.5, translated.ir, [], [])).toThrow(TypeError);
    expect(() => submitHandedOffBatch(ticket, 42 as unknown as Uint8Array, [], [])).toThrow(TypeError);
    // A handed-off batch cannot also be given units here.
    expect(() => batch.add(translated.ir)).toThrow(/finished/);
  });

  test('stress: the parts of 10 modules in flight at once, polled in a shuffled order, all compile and link', () => {
    const files = programFiles().slice(0, 10);
    let seed = 12345;
    const random = (below: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % below;
    };
    const inFlight: { translation: PendingTranslation; batch: CompileBatch; symbols?: readonly string[]; code?: CompiledCode }[] = [];
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const info = moduleOf(bytes);
      const translations = new ModuleTranslations(bytes, info, OPTIONS, true);
      for (const part of partsOf(info, `stress${inFlight.length}`).slice(0, 5)) {
        const batch = topTierBatch(part.moduleName);
        inFlight.push({ translation: translations.request(part, batch.handOff()), batch });
      }
    }
    expect(inFlight.length).toBeGreaterThan(30);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const deadline = performance.now() + 300_000;
    let open = inFlight.length;
    while (open > 0) {
      expect(performance.now()).toBeLessThan(deadline);
      const entry = inFlight[random(inFlight.length)];
      if (entry.code !== undefined) continue;
      entry.symbols ??= entry.translation.poll();
      if (entry.symbols === undefined) {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      const code = entry.batch.poll();
      if (code === undefined) continue;
      expect(code.addresses.length).toBe(entry.symbols.length);
      entry.code = code;
      open--;
    }
    for (const entry of inFlight) entry.code!.release();
    expect(translationWorkerBroken()).toBe(false);
  }, 600_000);

  test('a process that exits while the worker translates and LLVM compiles exits cleanly, with the right result', () => {
    // Every function tiers up at its first count; the program exits at once, 5 times.
    const file = programFiles().find((path) => path.includes('gemm.medium'))!;
    const script = `
      const { WASI, Module, Instance } = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
      const { readFileSync } = await import('node:fs');
      const module = new Module(readFileSync(${JSON.stringify(file)}), { tiering: 'tiered' });
      const wasi = new WASI({ version: 'preview1', args: ['gemm'], env: {}, returnOnExit: true });
      const instance = new Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, bench: { start() {}, end() {} } });
      const code = wasi.start(instance);
      const stats = Module.timings(module).lazy;
      process.stderr.write(JSON.stringify({ code, requested: stats.topTierRequested + stats.osrRequested, onWorker: stats.translatedOnWorker, here: stats.translatedHere }) + '\\n');
      process.exit(code);`;
    const expected = readFileSync(join(root, 'suites', 'polybench', 'expected', 'gemm.medium.txt'), 'utf8');
    for (let run = 0; run < 5; run++) {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, WASM_LLVM_TIER_UP_THRESHOLD: '0', WASM_LLVM_UNIT_BYTES: '1', WASM_LLVM_TRANSLATION_WORKER: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected);
      const stats = JSON.parse(result.stderr.trim().split('\n').pop()!) as { requested: number; onWorker: number; here: number };
      expect(stats.requested).toBeGreaterThan(0);
      expect(stats.here).toBe(0); // every part answered went through the worker (those in flight at exit are not counted)
    }
  }, 300_000);

  test('WASM_LLVM_TRANSLATION_WORKER=0 (and unset, the default): parts are translated on this thread', () => {
    const bytes = new Uint8Array(readFileSync(programFiles()[0]));
    const info = moduleOf(bytes);
    const part = partsOf(info, 'here').find((candidate) => candidate.kind === 'set')!;
    process.env.WASM_LLVM_TRANSLATION_WORKER = '0';
    let translations: ModuleTranslations;
    try {
      translations = new ModuleTranslations(bytes, info, OPTIONS);
    } finally {
      delete process.env.WASM_LLVM_TRANSLATION_WORKER;
    }
    const batch = topTierBatch('here');
    const symbols = translations.request(part, batch.handOff()).poll();
    expect(symbols).toBeDefined();
    expect(translations.translatedHere).toBe(1);
    expect(translations.translatedOnWorker).toBe(0);
    waitFor(() => batch.poll()).release();
    const byDefault = new ModuleTranslations(bytes, info, OPTIONS);
    const second = topTierBatch('default');
    expect(byDefault.request(part, second.handOff()).poll()).toEqual(symbols);
    expect(byDefault.translatedHere).toBe(1);
    waitFor(() => second.poll()).release();
    process.env.WASM_LLVM_TRANSLATION_WORKER = 'yes';
    try {
      expect(() => new ModuleTranslations(bytes, info, OPTIONS)).toThrow(/WASM_LLVM_TRANSLATION_WORKER must be 0 or 1/);
    } finally {
      delete process.env.WASM_LLVM_TRANSLATION_WORKER;
    }
  }, 120_000);
});

// Kills the process's worker: stays the last describe of this file.
describe.skipIf(skip !== undefined)('when the translation worker dies', () => {
  test('the parts it had not answered are translated on this thread, and their compiles finish', async () => {
    const files = programFiles().slice(0, 4);
    const inFlight: { translation: PendingTranslation; batch: CompileBatch; translations: ModuleTranslations }[] = [];
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const info = moduleOf(bytes);
      const translations = new ModuleTranslations(bytes, info, OPTIONS, true);
      for (const part of partsOf(info, 'dies').slice(0, 8)) {
        const batch = topTierBatch(part.moduleName);
        inFlight.push({ translation: translations.request(part, batch.handOff()), batch, translations });
      }
    }
    await terminateTranslationWorkerForTesting();
    expect(translationWorkerBroken()).toBe(true);
    for (const entry of inFlight) {
      const symbols = waitFor(() => entry.translation.poll());
      const code = waitFor(() => entry.batch.poll());
      expect(code.addresses.length).toBe(symbols.length);
      code.release();
    }
    // Some were answered before the end (or not): together, every part was translated once.
    const modules = new Set(inFlight.map((entry) => entry.translations));
    const translated = [...modules].reduce((sum, translations) => sum + translations.translatedHere + translations.translatedOnWorker, 0);
    expect(translated).toBe(inFlight.length);
    // Later requests go straight to this thread.
    const bytes = new Uint8Array(readFileSync(files[0]));
    const info = moduleOf(bytes);
    const later = new ModuleTranslations(bytes, info, OPTIONS, true);
    const batch = topTierBatch('later');
    expect(later.request(partsOf(info, 'later')[0], batch.handOff()).poll()).toBeDefined();
    expect(later.translatedHere).toBe(1);
    waitFor(() => batch.poll()).release();
  }, 300_000);
});
