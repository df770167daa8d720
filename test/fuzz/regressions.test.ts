// Stage: differential fuzzing, regression tier. Replays every input the fuzzer (or a
// hand-made V8 comparison) caught: test/fuzz/regressions/<what-it-caught>.<valid|invalid>.wasm,
// where the suffix is the right answer: V8's, except for the documented divergences of
// expected-divergences.ts, where it is the spec's (and the test checks that the divergence
// is recognised). `validate` must give that answer and never throw anything but CompileError.

import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '../../engine/index.js';
import { ourVerdict } from '../../tools/fuzz/fuzz-loop.js';
import { classifyExpectedDivergence } from '../../tools/fuzz/expected-divergences.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), 'regressions');
const files = readdirSync(directory).filter((name) => name.endsWith('.wasm')).sort();

describe('fuzz regressions', () => {
  test('the regression directory is not empty', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const name of files) {
    test(name, () => {
      const bytes = new Uint8Array(readFileSync(join(directory, name)));
      const expected = name.endsWith('.valid.wasm');
      const verdict = ourVerdict(bytes);
      expect('crash' in verdict ? String(verdict.crash) : 'no crash').toBe('no crash');
      expect(validate(bytes)).toBe(expected);
      if (!('crash' in verdict) && !verdict.valid && WebAssembly.validate(bytes)) {
        expect(classifyExpectedDivergence(bytes, verdict.error)).toBeDefined();
      }
    });
  }
});
