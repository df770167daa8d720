// Stage: differential execution fuzzing, regression tier. Replays every module the execution
// differential caught (test/fuzz/regressions/execution/<what-it-caught>.wasm): on V8 and on
// this engine at O0 and O2, exports called with zero arguments, NaNs compared by class, the
// transcripts must be identical. Needs the compiled worker (dist/).

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runModules, workerScriptPath, type ModuleOutcome } from '../../tools/fuzz/execution/execution-pool.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), 'regressions', 'execution');
const files = existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.wasm')).sort() : [];
const missing = existsSync(workerScriptPath()) ? undefined : 'dist/ (run the set-up step)';

describe.skipIf(missing !== undefined)('execution regressions (V8 against O0 and O2)', () => {
  test('the regression directory is not empty', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test('every module: identical transcripts', async () => {
    const outcomes: ModuleOutcome[] = [];
    const jobs = files.map((name, id) => ({ id, source: { wasmPath: join(directory, name) }, engines: ['v8' as const, 'O0' as const, 'O2' as const] }));
    await runModules(jobs, { parallel: 2, stepTimeoutMs: 60_000 }, (outcome) => outcomes.push(outcome));
    const problems: string[] = [];
    for (const outcome of outcomes.sort((a, b) => a.job.id - b.job.id)) {
      const name = files[outcome.job.id];
      const reference = outcome.transcripts.v8;
      if (reference === undefined) {
        problems.push(`${name}: no V8 transcript (${outcome.moduleError ?? JSON.stringify({ timedOut: outcome.timedOut, crashed: outcome.crashed })})`);
        continue;
      }
      for (const engine of ['O0', 'O2'] as const) {
        const ours = outcome.transcripts[engine];
        if (ours === undefined) {
          problems.push(`${name} on ${engine}: no transcript (${JSON.stringify({ timedOut: outcome.timedOut, crashed: outcome.crashed })})`);
          continue;
        }
        const line = ours.findIndex((text, i) => text !== reference[i]);
        if (line >= 0 || ours.length !== reference.length) {
          const at = line >= 0 ? line : Math.min(ours.length, reference.length);
          problems.push(`${name} on ${engine}, line ${at}: ours ${JSON.stringify(ours.slice(at, at + 2))}, V8 ${JSON.stringify(reference.slice(at, at + 2))}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(outcomes.length).toBe(files.length);
  }, 300_000);
});
