// Stage: translate, off the program's thread: the messages between the program's thread
// (translation-worker.ts) and the translation worker (translation-worker-main.ts).

import type { TopTierPart, TopTierTranslationOptions, TranslatedPart } from './top-tier-translation.js';

/** What the program's thread posts to the worker. */
export type TranslationRequest =
  | { readonly type: 'module'; readonly module: number; readonly bytes: Uint8Array; readonly options: TopTierTranslationOptions }
  /** `ticket` of the batch the IR goes to; 0: answer with the IR instead (tests compare it with this thread's). */
  | { readonly type: 'translate'; readonly module: number; readonly job: number; readonly part: TopTierPart; readonly ticket: number }
  | { readonly type: 'forget'; readonly module: number };

/** What the worker answers, per job: the part's symbols once its IR is with the compile threads (`submitted` false: its batch was dropped, or the process exits). */
export type TranslationAnswer =
  | { readonly job: number; readonly symbols: readonly string[]; readonly submitted: boolean; readonly translated?: TranslatedPart }
  | { readonly job: number; readonly error: { readonly name: string; readonly message: string } };

/** The worker's first message: it is listening. */
export const WORKER_READY = 'ready';
