// Stage: start-up, of the translation worker (compile/translation-worker.ts starts a worker
// thread on this file; docs/RATIONALE.md "Why translate the top tier on a worker thread?").
// Loads the engine as the program's thread does — from its one-file bundle with a V8 code
// cache, else as modules — and serves the translation requests. The worker's cache file is
// its own (role `translation-worker`: it runs the translator, which the program's thread of
// a tiered process no longer runs), written after the worker's 1st, 8th and 64th part, as a
// worker's 'exit' event does not come when the process ends.

import { parentPort, workerData } from 'node:worker_threads';
import type * as Bundle from './bundle-entry.js';
import type { TranslationWorkerData } from '../compile/translation-worker-main.js';
import { loadBundledEngine } from './bundled-engine.js';

/** After how many translated parts the worker saves its start-up cache. */
const SAVE_CACHE_AFTER = new Set([1, 8, 64]);

const data = workerData as TranslationWorkerData | undefined;
if (parentPort !== null && data?.role === 'wasm-llvm-translation-worker') {
  const bundled = loadBundledEngine<typeof Bundle>(undefined, { role: 'translation-worker', saveAtExit: false });
  const serve = bundled?.exports.serveTranslationWorker ?? (await import('../compile/translation-worker-main.js')).serveTranslationWorker;
  serve(parentPort, data, (count) => {
    if (SAVE_CACHE_AFTER.has(count)) bundled?.saveCache();
  });
}
