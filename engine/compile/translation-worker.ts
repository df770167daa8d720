// Stage: translate, off the program's thread (docs/RATIONALE.md "Why translate the top tier
// on a worker thread?"). Tiered execution asks for top-tier parts (translate, then compile)
// from inside the program's own calls: a tier-up or OSR request arrives while wasm runs on
// this thread, and the first translations of a process are cold JavaScript (tens of
// milliseconds for a large function), which the program waited for. Here one worker thread
// per process (started at the first request, unref'd: it never keeps the process alive)
// translates them instead and hands each part's IR straight to the compile threads (the
// batch this thread handed off, CompileBatch.handOff), so that the compile starts whether
// or not this thread looks; this thread learns of it when it next polls its background work
// (receiveMessageOnPort: no turn of the event loop needed, as wasm may run for seconds
// without one).
//
// The IR is the same as this thread would make (top-tier-translation.ts; tested). If the
// worker cannot start or fails, the parts it did not answer are translated on this thread
// at their next poll, as without a worker. The worker is used with
// WASM_LLVM_TRANSLATION_WORKER=1; by default every part is translated on this thread, which
// measured faster on this project's 2-vCPU machines once the payoff gate (lazy-code.ts
// hotLongEnough) stopped the compiles that would not pay.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ModuleInfo } from '../binary/module-info.js';
import { submitHandedOffBatch } from '../native/addon.js';
import { TopTierTranslator, type TopTierPart, type TopTierTranslationOptions, type TranslatedPart } from './top-tier-translation.js';
import { WORKER_READY, type TranslationAnswer, type TranslationRequest } from './translation-worker-protocol.js';
import type { TranslationWorkerData } from './translation-worker-main.js';

/** A part asked for: poll() gives its symbols once its IR is with the compile threads (undefined before), and throws the translation's error. */
export interface PendingTranslation {
  poll(): readonly string[] | undefined;
}

/**
 * The worker's file, startup/translation-worker-entry.js (it loads the bundle with its code
 * cache): found from this file's folder (dist/engine/compile/) or the bundle's
 * (dist/engine/startup/), one folder below dist/engine either way; under vitest (TypeScript
 * sources), dist's. A path, not an import: the entry sits in the layer above this one.
 */
function workerFile(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'startup', 'translation-worker-entry.js')];
  for (let directory = here; dirname(directory) !== directory; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) {
      candidates.push(join(directory, 'dist', 'engine', 'startup', 'translation-worker-entry.js'));
      break;
    }
  }
  return candidates.find((file) => existsSync(file));
}

/**
 * How long a new worker may take to say it is listening before it is taken as failed (it
 * loads the engine's bundle: 60-75 ms on an idle machine of this project's kind).
 */
const WORKER_READY_MS = 5000;

/**
 * Whether top-tier parts go to the worker: WASM_LLVM_TRANSLATION_WORKER=1; 0, the default,
 * translates them on the program's thread, which measured faster on a 2-vCPU VM whose second
 * thread slows the first (docs/RATIONALE.md).
 */
export function translationWorkerEnabled(): boolean {
  const value = process.env.WASM_LLVM_TRANSLATION_WORKER;
  if (value === '1') return true;
  if (value === undefined || value === '' || value === '0') return false;
  throw new TypeError(`WASM_LLVM_TRANSLATION_WORKER must be 0 or 1 (got ${JSON.stringify(value)})`);
}

/** The process's translation worker: started at the first use; `broken` once it failed to start, erred or exited. */
class TranslationWorker {
  private worker: Worker | undefined;
  private answers: MessagePort | undefined;
  private readonly received = new Map<number, TranslationAnswer>();
  /** Jobs asked for and not taken, of modules not forgotten. */
  private readonly outstanding = new Set<number>();
  private nextJob = 1;
  private nextModule = 1;
  /** Whether the worker said it is listening; if it has not by `readyBy`, it is taken as failed. */
  private ready = false;
  private readyBy = 0;
  private brokenFlag = false;

  /**
   * Whether the worker failed: it could not start, erred or exited (events, seen when the
   * event loop turns), or it did not say it is listening within WORKER_READY_MS (seen at any
   * poll: a worker that failed to start must not hold parts back while wasm runs for long).
   */
  get broken(): boolean {
    if (!this.brokenFlag && this.worker !== undefined && !this.ready) {
      this.drain();
      if (!this.ready && performance.now() > this.readyBy) this.brokenFlag = true;
    }
    return this.brokenFlag;
  }

  private ensureStarted(): boolean {
    if (this.broken) return false;
    if (this.worker !== undefined) return true;
    const file = workerFile();
    if (file === undefined) {
      this.brokenFlag = true;
      return false;
    }
    try {
      const channel = new MessageChannel();
      const worker = new Worker(file, {
        workerData: { role: 'wasm-llvm-translation-worker', answers: channel.port1 } satisfies TranslationWorkerData,
        transferList: [channel.port1],
        // Not the process's flags: some refuse a worker file (--input-type, with -e scripts).
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.unref();
      channel.port2.unref();
      const fail = (): void => {
        this.brokenFlag = true;
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.worker = worker;
      this.answers = channel.port2;
      this.readyBy = performance.now() + WORKER_READY_MS;
    } catch {
      this.brokenFlag = true;
      return false;
    }
    return true;
  }

  /** A new module's number, its bytes posted; undefined if the worker is not there. */
  addModule(bytes: Uint8Array, options: TopTierTranslationOptions): number | undefined {
    if (!this.ensureStarted()) return undefined;
    const module = this.nextModule++;
    const copy = bytes.slice();
    if (!this.post({ type: 'module', module, bytes: copy, options }, [copy.buffer])) return undefined;
    return module;
  }

  /** Asks for `part` of `module` for the batch handed off under `ticket` (0: the IR comes back); the job's number, or undefined if the worker is not there. */
  translate(module: number, part: TopTierPart, ticket: number): number | undefined {
    const job = this.nextJob++;
    if (!this.post({ type: 'translate', module, job, part, ticket })) return undefined;
    this.outstanding.add(job);
    return job;
  }

  /** Forgets `module` and the answers to its jobs (`jobs`: those not taken). */
  forget(module: number, jobs: ReadonlySet<number>): void {
    for (const job of jobs) {
      this.outstanding.delete(job);
      this.received.delete(job);
    }
    this.post({ type: 'forget', module });
  }

  /** Takes the messages that arrived: the worker's greeting, answers. */
  private drain(): void {
    const port = this.answers;
    if (port === undefined) return;
    for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
      const answer = message.message as TranslationAnswer | typeof WORKER_READY;
      if (answer === WORKER_READY) {
        this.ready = true;
        continue;
      }
      // Answers for the jobs of a module forgotten since are dropped.
      if (this.outstanding.has(answer.job)) this.received.set(answer.job, answer);
    }
  }

  /** The answer to `job` if it arrived (taken). */
  take(job: number): TranslationAnswer | undefined {
    this.drain();
    const answer = this.received.get(job);
    if (answer !== undefined) {
      this.received.delete(job);
      this.outstanding.delete(job);
    }
    return answer;
  }

  private post(request: TranslationRequest, transfer: ArrayBuffer[] = []): boolean {
    if (this.broken || this.worker === undefined) return false;
    try {
      this.worker.postMessage(request, transfer);
      return true;
    } catch {
      this.brokenFlag = true;
      return false;
    }
  }

  /** For tests: ends the worker as if it had failed (its pending parts fall back to the program's thread). */
  terminateForTesting(): Promise<number> | undefined {
    const worker = this.worker;
    if (worker === undefined) return undefined;
    this.brokenFlag = true;
    return worker.terminate();
  }
}

const processWorker = new TranslationWorker();

/** For tests: fails the process's translation worker (see TranslationWorker.terminateForTesting). */
export function terminateTranslationWorkerForTesting(): Promise<number> | undefined {
  return processWorker.terminateForTesting();
}

/** Whether the process's translation worker failed (parts then translate on the program's thread). */
export function translationWorkerBroken(): boolean {
  return processWorker.broken;
}

/** The worker's error as thrown here: same name and message. */
function translationError(error: { readonly name: string; readonly message: string }): Error {
  const thrown = new Error(error.message);
  thrown.name = error.name;
  return thrown;
}

/** The module's worker entry (and its answers not taken) is forgotten when its translations are collected. */
const forgetModule = new FinalizationRegistry<{ readonly module: number; readonly jobs: Set<number> }>(({ module, jobs }) => processWorker.forget(module, jobs));

/**
 * The top-tier translations of one module: on the worker when it is there, else (or when it
 * fails before answering) on this thread, with a translator made from `info` at first need.
 */
export class ModuleTranslations {
  private module: number | undefined;
  /** The worker's jobs of this module not taken yet. */
  private readonly jobs = new Set<number>();
  private local: TopTierTranslator | undefined;
  /** Parts the worker translated, and parts this thread translated (for tests and measurements). */
  translatedOnWorker = 0;
  translatedHere = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly info: ModuleInfo,
    private readonly options: TopTierTranslationOptions,
    private readonly useWorker: boolean = translationWorkerEnabled(),
  ) {}

  /** Milliseconds this thread spent translating parts. */
  translateMsHere = 0;

  /** Translates `part` on this thread now. */
  translateHere(part: TopTierPart): TranslatedPart {
    const start = performance.now();
    try {
      this.local ??= new TopTierTranslator(this.info, this.options);
      const translated = this.local.translate(part);
      this.translatedHere++;
      return translated;
    } finally {
      this.translateMsHere += performance.now() - start;
    }
  }

  /** Translates `part` here and submits it under `ticket`; its symbols. */
  private submitHere(part: TopTierPart, ticket: number): readonly string[] {
    const translated = this.translateHere(part);
    // False if the worker submitted it before it failed: the compile runs all the same.
    submitHandedOffBatch(ticket, translated.ir, translated.guardedSymbols, translated.symbols);
    return translated.symbols;
  }

  /**
   * Translates `part` for the batch handed off under `ticket` (CompileBatch.handOff): on the
   * worker if it is there, else now (a throw is the translation's error).
   */
  request(part: TopTierPart, ticket: number): PendingTranslation {
    const job = this.useWorker ? this.post(part, ticket) : undefined;
    if (job === undefined) {
      const symbols = this.submitHere(part, ticket);
      return { poll: () => symbols };
    }
    let symbols: readonly string[] | undefined;
    return {
      poll: () => {
        if (symbols !== undefined) return symbols;
        const answer = processWorker.take(job);
        if (answer === undefined) {
          if (!processWorker.broken) return undefined;
          // The worker failed before answering: this thread translates the part.
          this.jobs.delete(job);
          symbols = this.submitHere(part, ticket);
          return symbols;
        }
        this.jobs.delete(job);
        if ('error' in answer) throw translationError(answer.error);
        this.translatedOnWorker++;
        symbols = answer.symbols;
        return symbols;
      },
    };
  }

  /** For tests: `part` translated on the worker, its IR given back (undefined: no worker); poll until it is there. */
  translateOnWorkerForTesting(part: TopTierPart): { poll(): TranslatedPart | undefined } | undefined {
    const job = this.post(part, 0);
    if (job === undefined) return undefined;
    return {
      poll: () => {
        const answer = processWorker.take(job);
        if (answer === undefined) return undefined;
        this.jobs.delete(job);
        if ('error' in answer) throw translationError(answer.error);
        if (answer.translated === undefined) throw new Error('internal error: the worker kept the IR of a part asked for with ticket 0');
        return answer.translated;
      },
    };
  }

  private addToWorker(): boolean {
    if (this.module !== undefined) return true;
    this.module = processWorker.addModule(this.bytes, this.options);
    if (this.module === undefined) return false;
    forgetModule.register(this, { module: this.module, jobs: this.jobs });
    return true;
  }

  private post(part: TopTierPart, ticket: number): number | undefined {
    if (!this.addToWorker()) return undefined;
    const job = processWorker.translate(this.module!, part, ticket);
    if (job !== undefined) this.jobs.add(job);
    return job;
  }
}
