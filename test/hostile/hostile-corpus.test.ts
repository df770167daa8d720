// Stage: denial-of-service tests (vitest; issue 9, item 5). Every module of the hostile
// corpus (hostile-modules.ts HOSTILE_MODULES) is compiled at the default options (O2) in a
// child process of its own: it must compile, or fail with the CompileError that names the
// limit, within a generous time limit (a guard against a hang, not a performance
// assertion: they take 0.1-6 s on the 2-core development machine) and with a bounded peak
// resident set (the child's VmHWM). Prints the table of stages, times and memory.
// Needs dist/ (npm test runs the set-up step first).

import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { HOSTILE_MODULES } from '../../tools/hostile/hostile-modules.js';
import { compiledScriptPath, format, measureCorpusModule, type Measurement } from '../../tools/hostile/measure-hostile.js';

/** Per module: past this the child is killed and the module fails (a hang or a bomb). */
const TIME_LIMIT_MS = 60_000;
/** Peak resident set of a child (Node itself is about 60 MiB; the largest measured was 1.2 GiB). */
const PEAK_RSS_LIMIT_MIB = 2_048;

const missing = existsSync(compiledScriptPath()) ? undefined : 'dist/ (run the set-up step)';

(missing ? describe.skip : describe)(`hostile modules at the default options${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const results: Measurement[] = [];
  test.each(HOSTILE_MODULES.map((module) => [module.name, module]))(
    '%s',
    async (_name, module) => {
      const result = await measureCorpusModule(module.name, TIME_LIMIT_MS);
      results.push(result);
      expect(result.outcome, `${module.description}: ${format(result)}`).not.toBe('timeout');
      expect(result.outcome, `${module.description}: ${format(result)}`).not.toBe('crash');
      if (module.rejectedWith === undefined) {
        expect(result.outcome, `${module.description}: ${result.message ?? ''}`).toBe('ok');
      } else {
        expect(result.errorClass).toBe('CompileError');
        expect(result.message).toMatch(module.rejectedWith);
      }
      expect(result.peakRssMiB).toBeLessThan(PEAK_RSS_LIMIT_MIB);
    },
    TIME_LIMIT_MS + 30_000,
  );

  test('table', () => {
    console.log(results.map(format).join('\n'));
    expect(results.length).toBe(HOSTILE_MODULES.length);
  });
});
