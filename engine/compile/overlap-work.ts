// Stage: compilation. Work a higher layer hands down to be done once per process while the
// main thread would otherwise wait for the compile threads (after a compile's IR is handed to
// them; compiled-module.ts calls runOverlapWork there, next to the translator's shape
// anchors): api/instance-shapes.ts registers its anchor instance here, since this layer
// cannot instantiate.

let pending: (() => void) | undefined;

/** Registers `work` to run at the next such moment (replacing work registered before and not yet run). */
export function registerOverlapWork(work: () => void): void {
  pending = work;
}

/** Runs the registered work, if any, and forgets it (so it runs once; an exception is the work's own to handle). */
export function runOverlapWork(): void {
  const work = pending;
  if (work === undefined) return;
  pending = undefined;
  work();
}
