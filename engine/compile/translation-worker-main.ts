// Stage: translate, on the translation worker (translation-worker.ts starts a worker thread
// on startup/translation-worker-entry.ts, which loads the engine's bundle and calls
// serveTranslationWorker; docs/RATIONALE.md "Why translate the top tier on a worker thread?"). Keeps
// each module's bytes and top-tier translator, translates the parts the program's thread
// asks for, in the order asked, hands each part's IR to the compile threads itself (the
// batch the program's thread handed off under the request's ticket), and answers on the
// port it was given: the part's symbols, or the error's name and message.

import type { MessagePort } from 'node:worker_threads';
import { submitHandedOffBatch } from '../native/addon.js';
import { TopTierTranslator, type TopTierTranslationOptions } from './top-tier-translation.js';
import { WORKER_READY, type TranslationAnswer, type TranslationRequest } from './translation-worker-protocol.js';

interface ModuleEntry {
  readonly bytes: Uint8Array;
  readonly options: TopTierTranslationOptions;
  translator: TopTierTranslator | undefined;
}

/** The worker's workerData (translation-worker.ts). */
export interface TranslationWorkerData {
  readonly role: 'wasm-llvm-translation-worker';
  /** Where the worker posts its answers (the program's thread reads them with receiveMessageOnPort). */
  readonly answers: MessagePort;
}

/**
 * Serves the requests that arrive on `requests` (the worker's parentPort), answering on
 * `data.answers`; `afterTranslation(count)` runs after each part (the entry saves its
 * start-up cache after some).
 */
export function serveTranslationWorker(requests: MessagePort, data: TranslationWorkerData, afterTranslation?: (count: number) => void): void {
  const { answers } = data;
  const modules = new Map<number, ModuleEntry>();
  let translated = 0;
  answers.postMessage(WORKER_READY);
  requests.on('message', (request: TranslationRequest) => {
    switch (request.type) {
      case 'module':
        modules.set(request.module, { bytes: request.bytes, options: request.options, translator: undefined });
        return;
      case 'forget':
        modules.delete(request.module);
        return;
      case 'translate': {
        let answer: TranslationAnswer;
        try {
          const entry = modules.get(request.module);
          if (entry === undefined) throw new Error(`internal error: translation worker has no module ${request.module}`);
          entry.translator ??= TopTierTranslator.forValidatedBytes(entry.bytes, entry.options);
          const part = entry.translator.translate(request.part);
          if (request.ticket === 0) {
            answer = { job: request.job, symbols: part.symbols, submitted: false, translated: part };
          } else {
            const submitted = submitHandedOffBatch(request.ticket, part.ir, part.guardedSymbols, part.symbols);
            answer = { job: request.job, symbols: part.symbols, submitted };
          }
        } catch (error) {
          const { name, message } = error instanceof Error ? error : new Error(String(error));
          answer = { job: request.job, error: { name, message } };
        }
        answers.postMessage(answer);
        afterTranslation?.(++translated);
        return;
      }
    }
  });
}
