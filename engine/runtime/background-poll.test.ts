// The background poll of tiered execution (runtime/lazy-calls.ts installFinishedBackgroundWork,
// native setBackgroundPoll and CompileBatch.handOff(true)): when a top-tier or OSR compile
// finishes, the addon makes the program's thread fail its next check, and that check
// installs the code — while wasm keeps running in a loop whose next tier-up call is far off.
// In a child process each (the thresholds are read from the environment): `run`'s loop and
// `$step` become hot together; `run`'s OSR entry compiles first, then `$step`'s top tier.
// With the poll, both arrive and are used before the loop's second round of tier-up calls
// (installed by one poll or two, as the compiles' timing falls);
// without it (WASM_LLVM_DISABLE=background-poll), nothing is installed before that round.
// The results stay V8's, also with thresholds so low that compiles and OSR never stop.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const skip = watUnavailableReason();

/**
 * `run(n)` calls `$step` (its own unit: through its FuncRef) n times and reports to `probe`
 * every 4096 iterations; `$step` is straight-line code, so only its entries count.
 */
const PROGRAM = `(module
  (import "env" "probe" (func $probe (param i32)))
  (func $step (param i32) (result i32)
    ${Array.from({ length: 24 }, (_, k) => `(local.set 0 (i32.xor (i32.mul (local.get 0) (i32.const ${Math.imul(k + 1, 0x9e3779b1)})) (i32.const ${k * 7 + 1})))`).join('\n    ')}
    (local.get 0))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $h i32)
    (loop $next
      (local.set $h (call $step (i32.add (local.get $h) (local.get $i))))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 4095))) (then (call $probe (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $h)))`;

/** The child: runs PROGRAM tiered and prints its result, V8's, and the lazy counters as JSON. */
const CHILD = `
import { readFileSync } from 'node:fs';
const engine = await import(process.argv[2] + '/dist/engine/index.js');
const bytes = new Uint8Array(readFileSync(process.argv[3]));
const n = Number(process.argv[4]);
const module = new engine.Module(bytes, { optLevel: 2, tiering: 'tiered' });
const probes = [];
let lazy = () => engine.Module.timings(module).lazy;
const instance = new engine.Instance(module, { env: { probe: (i) => { const l = lazy(); probes.push([i, l.topTierInstalled, l.tierUpCalls]); } } });
const ours = instance.exports.run(n) >>> 0;
const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { probe() {} } }).exports.run(n) >>> 0;
const l = lazy();
process.stdout.write(JSON.stringify({ ours, v8, installsByPoll: l.installsByPoll, topTierInstalled: l.topTierInstalled, tierUpCalls: l.tierUpCalls, osrTransfers: l.osrTransfers,
  firstInstalledAt: probes.find((p) => p[1] > 0) ?? null }));
`;

interface ChildResult {
  ours: number;
  v8: number;
  installsByPoll: number;
  topTierInstalled: number;
  tierUpCalls: number;
  osrTransfers: number;
  firstInstalledAt: [number, number, number] | null;
}

function runChild(env: Record<string, string>, n: number): ChildResult {
  const directory = mkdtempSync(join(tmpdir(), 'background-poll-'));
  try {
    const script = join(directory, 'child.mjs');
    const wasm = join(directory, 'program.wasm');
    writeFileSync(script, CHILD);
    writeFileSync(wasm, wat(PROGRAM));
    const result = spawnSync(process.execPath, [script, repositoryRoot(), wasm, String(n)], {
      encoding: 'utf8',
      env: { ...process.env, WASM_LLVM_UNIT_BYTES: '1', WASM_LLVM_TIER_UP_PAYOFF: '0', ...env },
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ChildResult;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe.skipIf(skip !== undefined)('the background poll of tiered execution', () => {
  // The loop's first round of tier-up calls comes after THRESHOLD iterations, its second
  // THRESHOLD iterations later: most of a second of this loop, far longer than both compiles.
  const THRESHOLD = 40_000_000;

  test("the OSR entry and $step's top tier are used before the loop's second round of tier-up calls; V8's result", () => {
    const result = runChild({ WASM_LLVM_TIER_UP_THRESHOLD: String(THRESHOLD) }, 3 * THRESHOLD);
    expect(result.ours).toBe(result.v8);
    // The OSR entry, then $step's top tier: two polls, or one when both compiles finished
    // before the program's next check (seen once in CI, 2026-12-08), so at least one.
    expect(result.installsByPoll).toBeGreaterThanOrEqual(1);
    expect(result.osrTransfers).toBeGreaterThan(0);
    expect(result.firstInstalledAt).not.toBeNull();
    expect(result.firstInstalledAt![0]).toBeGreaterThanOrEqual(THRESHOLD - 4096);
    expect(result.firstInstalledAt![0]).toBeLessThan(2 * THRESHOLD);
  });

  test('without it (WASM_LLVM_DISABLE=background-poll), nothing is installed before that round', () => {
    const result = runChild({ WASM_LLVM_TIER_UP_THRESHOLD: String(THRESHOLD), WASM_LLVM_DISABLE: 'background-poll' }, 3 * THRESHOLD);
    expect(result.ours).toBe(result.v8);
    expect(result.installsByPoll).toBe(0);
    if (result.firstInstalledAt !== null) expect(result.firstInstalledAt[0]).toBeGreaterThanOrEqual(2 * THRESHOLD - 4096);
  });

  test('low thresholds (tier-up and OSR all the time): the poll and the tier-up calls together give V8\'s result', () => {
    for (const threshold of ['1', '10', '1000']) {
      const result = runChild({ WASM_LLVM_TIER_UP_THRESHOLD: threshold }, 200_000);
      expect(result.ours, `threshold ${threshold}`).toBe(result.v8);
    }
  });
});
