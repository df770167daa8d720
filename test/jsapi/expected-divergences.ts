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

export const EXPECTED_DIVERGENCES: readonly ExpectedDivergence[] = [];

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
