// Regression gate preconditions: results from another machine or other suite binaries are
// refused; other differences are only noted. Derived from a committed real fixture.
import { describe, expect, test } from 'vitest';
import { readFixture } from '../../test/support/results-fixtures.js';
import { checkComparability } from './comparability.js';

describe('checkComparability', () => {
  const runA = readFixture('runA');
  const runB = readFixture('runB');

  test('two runs of the same build on the same machine are comparable', () => {
    expect(checkComparability(runA, runB).mismatches).toEqual([]);
  });

  test('another CPU model or core count is a mismatch', () => {
    const other = structuredClone(runB);
    other.fingerprint.machine.cpuModel = 'Intel(R) Xeon(R) Gold 6338';
    other.fingerprint.machine.cpuCount = 64;
    expect(checkComparability(runA, other).mismatches.map((m) => m.what)).toEqual(['CPU model', 'CPU count']);
  });

  test('a rebuilt .wasm of a compared benchmark is a mismatch', () => {
    const other = structuredClone(runB);
    other.benchmarks.find((b) => b.name === 'gemm')!.wasmSha256 = '0'.repeat(64);
    other.fingerprint.project.suiteManifestSha256 = '1'.repeat(64);
    const { mismatches, notes } = checkComparability(runA, other);
    expect(mismatches.map((m) => m.what)).toEqual(['gemm: wasm sha256']);
    expect(notes.map((n) => n.what)).not.toContain(expect.stringContaining('manifest'));
  });

  test('a new manifest with the compared binaries unchanged (a benchmark was added) is only a note', () => {
    const other = structuredClone(runB);
    other.fingerprint.project.suiteManifestSha256 = '1'.repeat(64);
    const { mismatches, notes } = checkComparability(runA, other);
    expect(mismatches).toEqual([]);
    expect(notes.some((n) => n.what.startsWith('suite manifest'))).toBe(true);
  });

  test('another dataset is a mismatch; a newer Node is a note', () => {
    const other = structuredClone(runB);
    other.config.dataset = 'small';
    other.fingerprint.software.node = 'v22.0.0';
    const { mismatches, notes } = checkComparability(runA, other);
    expect(mismatches.map((m) => m.what)).toEqual(['dataset']);
    expect(notes).toContainEqual({ what: 'node', baseline: runA.fingerprint.software.node, candidate: 'v22.0.0' });
  });
});
