// Stress test of the translation worker's failure path (translation-worker.ts): in each of
// several child processes, many top-tier parts are in flight on the worker when it is
// terminated, each time at another moment (at once; or after it answered 1 to 20 parts,
// then 0-3 ms later), so that the termination lands before, during and after the worker's
// translations and its submissions to the compile threads. Every part must still compile,
// once, with exactly its symbols' code: the parts the worker had not answered are translated
// on the program's thread. (A worker terminated inside submitHandedOffBatch once linked a
// batch with no symbols: node-addon-api read the symbol array of a thread that could no
// longer run JavaScript as empty.) Child processes: the worker is one per process, and
// terminating it is for good.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { directBaselineSupported } from '../baseline/baseline-unit.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();
const dist = join(root, 'dist', 'engine');
const skip = !existsSync(join(dist, 'compile', 'translation-worker-main.js')) ? 'the engine is not built (dist/)' : !directBaselineSupported() ? 'this CPU lacks a feature the baseline needs' : undefined;

const PROGRAMS = ['polybench/wasm/2mm.medium.wasm', 'polybench/wasm/lu.medium.wasm', 'shootout/wasm/hashmap.medium.wasm', 'shootout/wasm/chacha20.medium.wasm'];

/** The child: every unit of each program as a top-tier part on the worker, the worker terminated after `delayMs`, then every part polled to the end. */
const CHILD = `
  const { readFileSync } = await import('node:fs');
  const dist = ${JSON.stringify(dist)};
  const { decodeModule } = await import(dist + '/binary/decode-module.js');
  const { validateModuleStructure } = await import(dist + '/validate/module-validator.js');
  const { partitionIntoUnits } = await import(dist + '/translate/code-units.js');
  const { createCompileBatch } = await import(dist + '/native/addon.js');
  const { ModuleTranslations, terminateTranslationWorkerForTesting } = await import(dist + '/compile/translation-worker.js');
  const [afterAnswers, delayMs] = process.argv[1].split(':').map(Number);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const waitFor = (poll) => {
    const deadline = performance.now() + 120000;
    for (;;) {
      const value = poll();
      if (value !== undefined) return value;
      if (performance.now() > deadline) throw new Error('a part did not finish within 120 s');
      Atomics.wait(pause, 0, 0, 1);
    }
  };
  const inFlight = [];
  const modules = [];
  for (const file of ${JSON.stringify(PROGRAMS.map((program) => join(root, 'suites', program)))}) {
    const bytes = new Uint8Array(readFileSync(file));
    const info = decodeModule(bytes);
    validateModuleStructure(info);
    const translations = new ModuleTranslations(bytes, info, { exactTraps: false, ssse3: true, guardPolicy: 'metrics' }, true);
    modules.push(translations);
    // Every unit, four times over: enough parts in flight for the worker to be busy throughout.
    for (let round = 0; round < 4; round++) {
      partitionIntoUnits(info).units.forEach((members, unit) => {
        if (members.length === 0) return;
        const name = 'stress' + round + '.top' + unit;
        const batch = createCompileBatch({ optLevel: 0, cpu: 'native', name });
        inFlight.push({ translation: translations.request({ kind: 'set', members, moduleName: name }, batch.handOff()), batch });
      });
    }
  }
  // Until the worker has answered afterAnswers parts (poll takes its answers), then delayMs more.
  const answered = () => modules.reduce((sum, m) => sum + m.translatedOnWorker, 0);
  const deadline = performance.now() + 120000;
  while (answered() < Math.min(afterAnswers, inFlight.length) && performance.now() < deadline) {
    for (const entry of inFlight) entry.translation.poll();
    Atomics.wait(pause, 0, 0, 1);
  }
  if (delayMs > 0) Atomics.wait(pause, 0, 0, delayMs);
  await terminateTranslationWorkerForTesting();
  let mismatched = 0;
  for (const entry of inFlight) {
    const symbols = waitFor(() => entry.translation.poll());
    const code = waitFor(() => entry.batch.poll());
    if (code.addresses.length !== symbols.length || symbols.length === 0) mismatched++;
    code.release();
  }
  const translated = modules.reduce((sum, m) => sum + m.translatedHere + m.translatedOnWorker, 0);
  const onWorker = modules.reduce((sum, m) => sum + m.translatedOnWorker, 0);
  process.stdout.write(JSON.stringify({ parts: inFlight.length, translated, onWorker, mismatched }));
`;

describe.skipIf(skip !== undefined)('the translation worker terminated at any moment', () => {
  test('every part in flight compiles once, with exactly its symbols, whenever the worker dies', () => {
    const outcomes: { schedule: string; parts: number; translated: number; onWorker: number; mismatched: number }[] = [];
    for (const schedule of ['0:0', '1:0', '1:1', '2:0', '4:2', '7:0', '12:1', '20:3']) {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, schedule], { encoding: 'utf8', timeout: 240_000 });
      expect(child.status, `schedule ${schedule}: ${child.stderr}`).toBe(0);
      outcomes.push({ schedule, ...JSON.parse(child.stdout) });
    }
    const summary = JSON.stringify(outcomes);
    for (const outcome of outcomes) {
      expect(outcome.parts, summary).toBeGreaterThan(20);
      expect(outcome.mismatched, summary).toBe(0);
      expect(outcome.translated, summary).toBe(outcome.parts);
    }
    // The schedule did reach both sides: the worker had answered parts in some runs, and
    // left parts to this thread in some.
    expect(outcomes.some((outcome) => outcome.onWorker > 0), summary).toBe(true);
    expect(outcomes.some((outcome) => outcome.onWorker < outcome.parts), summary).toBe(true);
  }, 600_000);
});
