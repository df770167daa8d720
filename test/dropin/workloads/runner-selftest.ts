// Stage: drop-in tier, the runner's own test workload (no package): compiles a tiny module
// and then behaves as DROPIN_SELFTEST says, so runner.test.ts can check that the runner
// reports each kind of failure with its reason: 'same' (equal digests), 'differ' (the
// digest names the engine), 'crash-ours' (throws on this engine), 'hang-ours' (never ends
// on this engine), 'no-module' (compiles nothing).

import { engineName, runWorkload } from './support.js';

// (module (func (export "answer") (result i32) i32.const 42))
const ANSWER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

const mode = process.env.DROPIN_SELFTEST ?? 'same';
const ours = engineName() !== 'node';

await runWorkload(async () => {
  let answer = 0;
  if (mode !== 'no-module') {
    const { instance } = await WebAssembly.instantiate(ANSWER);
    answer = (instance.exports.answer as () => number)();
  }
  if (mode === 'crash-ours' && ours) throw new Error('self-test crash on this engine');
  if (mode === 'hang-ours' && ours) await new Promise(() => setInterval(() => undefined, 1000));
  return { answer, ...(mode === 'differ' ? { engine: engineName() } : {}) };
});
