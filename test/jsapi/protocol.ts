// Stage: conformance tests (JS API). What the child process that runs one test file
// (run-one.ts) tells the runner (runner.ts): one line per record, `@@jsapi {json}`, on its
// standard output, among whatever else the test prints.

export const RESULT_MARKER = '@@jsapi ';

/** The harness's subtest statuses (testharness.js Test.statuses), by number. */
export const TEST_STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'] as const;
/** The harness's own statuses (TestsStatus.statuses), by number. */
export const HARNESS_STATUSES = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'] as const;

export type ChildRecord =
  /** Which namespace the tests see: `ours` is true when it is this engine's (it has Module.timings). */
  | { type: 'start'; engine: string; ours: boolean }
  /** A subtest finished. */
  | { type: 'result'; name: string; status: string; message: string | null }
  /** The harness completed: its status, and the child's peak resident set size. */
  | { type: 'complete'; status: string; message: string | null; maxRssKiB: number }
  /** An exception no test caught (loading a script, or later in a callback). */
  | { type: 'error'; message: string }
  /** A promise rejected with no handler (reported, as a browser does, not fatal). */
  | { type: 'unhandled-rejection'; message: string }
  /** Nothing was left to run, but the harness had not completed. */
  | { type: 'incomplete'; message: string };
