// Floor (used by binary/, validate/ and translate/): keeps one instance of each of the
// decoder's, validator's and translator's classes alive for the life of the process, so
// that V8 keeps the hidden classes (maps) their optimised code depends on.
//
// Why: V8's optimised code holds the maps it checks weakly. A class instance gets its fields
// one by one in its constructor, so its final map is reached only through transitions, which
// are weak too; when no instance is alive, a full collection frees the map and marks every
// optimised function that checked it for deoptimisation ("reason: weak objects" under
// --trace-deopt). A compile's readers, validators and translators die with the compile, so
// after each full collection the translator ran in the interpreter again and had to be
// re-optimised: compiling gemm at O0 with a full collection between compiles stayed at
// 60-75 ms (translation 25-45 ms) against 25-35 ms (6-9 ms) without those collections.
// docs/RATIONALE.md, "Why keep one instance of the translator's classes alive?".
//
// How: the constructors of those classes call keepShape(this); it keeps the instance only
// while anchorShapesOnce runs its exercise (compile/translator-shapes.ts translates a tiny
// module, once per process, while the first compile's LLVM work runs), so no module a user
// compiles is ever kept. WASM_LLVM_SHAPE_ANCHORS=0 turns it off (for measurements).

const anchors: object[] = [];
let state: 'pending' | 'collecting' | 'done' = 'pending';
let failure: unknown;

/** Called last in the constructors of the hot classes: keeps `instance` while anchoring. */
export function keepShape(instance: object): void {
  if (state === 'collecting') anchors.push(instance);
}

/** Whether anchors are made at all (WASM_LLVM_SHAPE_ANCHORS=0: no). */
export function shapeAnchorsEnabled(): boolean {
  return process.env.WASM_LLVM_SHAPE_ANCHORS !== '0';
}

/**
 * Runs `exercise` once per process (the first call; later calls return at once), keeping
 * every instance whose constructor calls keepShape meanwhile. The anchors are only an
 * optimisation: an exception is recorded (shapeAnchorState) and not thrown.
 */
export function anchorShapesOnce(exercise: () => void): void {
  if (state !== 'pending' || !shapeAnchorsEnabled()) return;
  state = 'collecting';
  try {
    exercise();
  } catch (error) {
    failure = error;
  } finally {
    state = 'done';
  }
}

/** For tests and measurements: whether anchoring ran, how many instances it keeps, its error. */
export function shapeAnchorState(): { readonly done: boolean; readonly kept: number; readonly failure: unknown } {
  return { done: state === 'done', kept: anchors.length, failure };
}
