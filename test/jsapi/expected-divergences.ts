// Stage: conformance tests (JS API). The subtests of the WebAssembly JS API tests that pass
// on Node's `WebAssembly` and are expected to fail on ours, each with the reason that is
// right for a Node embedding or a documented limit of this engine. conformance.test.ts fails
// on any other subtest that passes on Node and not on ours, and on any entry here that no
// longer diverges (so the list stays true).

import type { FileComparison } from './runner.js';

export interface ExpectedDivergence {
  /** Test file, relative to js-api/. */
  readonly file: string;
  /** Subtest name as the harness reports it. */
  readonly subtest: string;
  readonly reason: string;
}

/**
 * The threads proposal's shared memories are not implemented (README, "JS API conformance").
 * limits.any.js builds its memories with wasm-module-builder.js's addMemory(1, 1, false,
 * false) and addImportedMemory("", "", 1, 1, false): the builder marks a memory shared
 * whenever the `shared` argument is present, even `false`, so these modules declare shared
 * memories (limits flags 0x03), which Node's V8 accepts and our decoder rejects as malformed
 * ("malformed limits flags 0x3"). The limits themselves (data segments, memories) are
 * enforced as the tests want, as the same tests with unshared memories show.
 */
const SHARED_MEMORY_MODULE =
  'declares a shared memory (the test builder sets the shared flag for shared=false); shared memories (threads proposal) are not implemented, so the module does not decode';

export const EXPECTED_DIVERGENCES: readonly ExpectedDivergence[] = [
  ...[
    'Validate data segments minimum',
    'Validate data segments limit',
    'Compile data segments minimum',
    'Compile data segments limit',
    'Async compile data segments minimum',
    'Async compile data segments limit',
    'Validate memories limit',
    'Compile memories limit',
    'Async compile memories limit',
  ].map((subtest) => ({ file: 'limits.any.js', subtest, reason: SHARED_MEMORY_MODULE })),
  {
    file: 'memory/grow.any.js',
    subtest: 'Growing shared memory does not detach old buffer',
    reason:
      'new Memory({ shared: true, ... }) is a TypeError saying shared memories are not supported: the threads proposal is not implemented, and a silently unshared memory would be wrong',
  },
];

function key(file: string, subtest: string): string {
  return `${file}\u0000${subtest}`;
}

export interface DivergenceReport {
  /** Pass on Node, fail on ours, and not in the list. */
  readonly unexpected: { readonly file: string; readonly subtest: string; readonly status: string; readonly message: string | null }[];
  /** In the list, but no longer diverging (pass on ours, or fail on Node too). */
  readonly stale: ExpectedDivergence[];
  /** In the list and diverging, as expected. */
  readonly expected: ExpectedDivergence[];
}

/**
 * Sorts the divergences of `comparisons` against the list. Entries for files not in
 * `comparisons` (a filtered run) are neither stale nor expected.
 */
export function classifyDivergences(comparisons: readonly FileComparison[], list: readonly ExpectedDivergence[] = EXPECTED_DIVERGENCES): DivergenceReport {
  const listed = new Map(list.map((entry) => [key(entry.file, entry.subtest), entry]));
  const files = new Set(comparisons.map((c) => c.file));
  const seen = new Set<string>();
  const unexpected: DivergenceReport['unexpected'] = [];
  const expected: ExpectedDivergence[] = [];
  for (const comparison of comparisons) {
    for (const divergence of comparison.divergences) {
      const entry = listed.get(key(comparison.file, divergence.name));
      if (entry === undefined) unexpected.push({ file: comparison.file, subtest: divergence.name, status: divergence.status, message: divergence.message });
      else {
        expected.push(entry);
        seen.add(key(entry.file, entry.subtest));
      }
    }
  }
  const stale = list.filter((entry) => files.has(entry.file) && !seen.has(key(entry.file, entry.subtest)));
  return { unexpected, stale, expected };
}
