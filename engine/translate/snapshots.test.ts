// Stage: translation tests. Expected-IR snapshots (STYLE.md §8, as Wasmtime's tests/disas):
// each snapshots/<name>.wat is translated with our runtime's environment and compared with
// snapshots/<name>.ll beside it. The expected files change only through `npm run bless:ir`
// (BLESS_IR=1), never by hand; review their diff like code. Each expected file must also be
// valid IR for opt-19.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translateModuleBytes } from './index.js';
import { checkIrWithOpt, missingTools, watToWasm } from '../../test/translate/llvm-tools.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');
const inputs = readdirSync(directory).filter((name) => name.endsWith('.wat')).sort();
const bless = process.env.BLESS_IR === '1';

describe.skipIf(missingTools('wat2wasm') !== undefined)('expected IR', () => {
  for (const input of inputs) {
    it(input, async () => {
      const ir = translateModuleBytes(watToWasm(readFileSync(join(directory, input), 'utf8'))).ir;
      const expectedPath = join(directory, input.replace(/\.wat$/, '.ll'));
      if (bless) {
        writeFileSync(expectedPath, ir);
      } else {
        if (!existsSync(expectedPath)) throw new Error(`${expectedPath} is missing: run npm run bless:ir`);
        expect(ir, 'translator output differs from the snapshot (npm run bless:ir if intended)').toBe(readFileSync(expectedPath, 'utf8'));
      }
      if (missingTools('opt') === undefined) expect(await checkIrWithOpt(ir)).toBeUndefined();
    });
  }
});
