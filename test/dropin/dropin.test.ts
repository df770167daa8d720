// Drop-in tier (part of npm test): every default-tier package of packages.ts runs its
// workload on Node's own WebAssembly and on this engine (`--import wasm-llvm-jit/register`,
// WASM_LLVM_OPT_LEVEL=0), in child processes, and must print the same digest. A package
// with an expectedFailure must still fail (so the list stays honest). The large tier
// (modules over 10 MB, inputs scaled up) is `npm run test:dropin:large`. Node's digest must
// also equal the one recorded in suites/realworld/expected-digests.json (the workbench's expected output for
// the realworld suite's glue mode), so the record never goes stale unnoticed.
// Workloads run from dist/ (npm test builds first).

import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { readExpectedDigests } from '../../bench/suites/realworld-digests.js';
import { DROPIN_PACKAGES } from '../../bench/suites/realworld-packages.js';
import { runPackage, workloadPath, type PackageOutcome } from './runner.js';

const outcomes: PackageOutcome[] = [];
const defaultTier = DROPIN_PACKAGES.filter((entry) => entry.tier === 'default');

describe('drop-in tier: npm packages give the same results on Node and on this engine', () => {
  test.each(defaultTier.map((entry) => [entry.id, entry] as const))(
    '%s',
    // Both sides run at once, each with its own timeout; leave room for the kill.
    { timeout: Math.max(...defaultTier.map((entry) => entry.timeoutMs)) + 30_000 },
    async (_id, entry) => {
      expect(existsSync(workloadPath(entry)), `${workloadPath(entry)} (run tsc -b)`).toBe(true);
      const outcome = await runPackage(entry);
      outcomes.push(outcome);
      if (entry.expectedFailure !== undefined) {
        expect(outcome.status, `expected to fail: ${entry.expectedFailure}`).toBe('fail');
        return;
      }
      expect(outcome.reason).toBeUndefined();
      expect(outcome.status).toBe('pass');
      const recorded = readExpectedDigests().digests[entry.id];
      expect(recorded, `no recorded digest for ${entry.id} (node dist/test/dropin/runner.js --record-digests)`).toBeDefined();
      expect(outcome.node.result?.digest, 'Node no longer prints the recorded digest: re-record it if the workload changed').toEqual(recorded);
    },
  );

  afterAll(() => {
    const lines = outcomes.map((o) => `  ${o.status === 'pass' ? 'pass' : 'FAIL'}  ${o.id.padEnd(18)} Node ${(o.node.wallMs / 1000).toFixed(1).padStart(5)} s  ours ${(o.ours.wallMs / 1000).toFixed(1).padStart(5)} s${o.reason ? `  ${o.reason.slice(0, 200)}` : ''}${o.notes.length ? `  [${o.notes.join('; ')}]` : ''}`);
    console.log(`drop-in tier:\n${lines.join('\n')}`);
  });
});
