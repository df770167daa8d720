// Regression tests: call_indirect's signature check is exact structural type identity
// (Core spec §4.4.8; type-registry.ts), not a comparison of 64-bit hashes. The two types of
// sandbox-modules.ts had colliding hashes, so a module could call a function as another
// type and forge or leak pointers (Node died with SIGSEGV). Each scenario runs in a child
// process, so that a regression is a failed test rather than a crashed test runner.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { liveSignatureCount } from '../native/addon.js';
import { TYPE_COLLISION_IMPORTER, TYPE_COLLISION_MODULE } from '../../test/support/sandbox-modules.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { signatureKey } from './type-registry.js';

const skip = watUnavailableReason();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = join(root, 'dist', 'test', 'support', 'sandbox-child.js');

/** Runs a sandbox-child.ts scenario; returns its JSON report (or the way it died). */
function runScenario(scenario: string, env: Record<string, string> = {}): { status: number | null; signal: string | null; report: unknown } {
  const result = spawnSync(process.execPath, [child, scenario], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  const line = result.stdout.split('\n').find((text) => text.startsWith('{'));
  return { status: result.status, signal: result.signal, report: line === undefined ? result.stderr : JSON.parse(line) };
}

describe.skipIf(skip !== undefined)('function-type identity', () => {
  test('the colliding pair: calling a type-A function as type B traps at every level, in one instance and across instances (V8 agrees)', () => {
    const { status, signal, report } = runScenario('type-collision');
    expect({ status, signal }).toEqual({ status: 0, signal: null });
    const outcomes = report as Record<string, string>;
    for (const optLevel of [0, 1, 2, 3]) {
      expect(outcomes[`O${optLevel} callAsA`]).toBe('returned');
      expect(outcomes[`O${optLevel} callAsB`]).toBe('RuntimeError: indirect call type mismatch');
      expect(outcomes[`O${optLevel} importer callAsA`]).toBe('returned');
      expect(outcomes[`O${optLevel} importer callAsB`]).toBe('RuntimeError: indirect call type mismatch');
    }
    expect(outcomes['V8 callAsA']).toBe('returned');
    expect(outcomes['V8 callAsB']).toMatch(/^RuntimeError: .*signature mismatch/);
  });

  test('equal types of different modules share an id; different types never do', () => {
    const victim = new ours.Instance(new ours.Module(wat(TYPE_COLLISION_MODULE), { optLevel: 0 }));
    const importer = new ours.Instance(new ours.Module(wat(TYPE_COLLISION_IMPORTER), { optLevel: 2 }), { victim: victim.exports });
    expect((importer.exports.callAsA as () => unknown)()).toBeUndefined();
    expect(() => (importer.exports.callAsB as () => unknown)()).toThrow('indirect call type mismatch');
    // Keys are injective: a parameter moved into the results is another type.
    expect(signatureKey({ params: [0x7f], results: [] })).not.toBe(signatureKey({ params: [], results: [0x7f] }));
    expect(signatureKey({ params: [0x7f, 0x7e], results: [] })).not.toBe(signatureKey({ params: [0x7e, 0x7f], results: [] }));
  });

  test('registry entries are released when no module uses them any more', async () => {
    const before = liveSignatureCount();
    // 200 modules, each with a type no other module has.
    for (let i = 0; i < 200; i++) {
      const params = Array.from({ length: 40 }, (_, bit) => ((i >> (bit % 8)) & 1 ? 'i64' : 'i32')).join(' ') + ` ${'f32 '.repeat(i % 7)}`;
      new ours.Module(wat(`(module (type (func (param ${params}))) (func (type 0)))`), { optLevel: 0 });
    }
    expect(liveSignatureCount()).toBeGreaterThan(before);
    for (let attempt = 0; attempt < 20 && liveSignatureCount() > before + 20; attempt++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { forceGarbageCollection } = await import('../native/addon.js');
      forceGarbageCollection();
    }
    expect(liveSignatureCount()).toBeLessThanOrEqual(before + 20);
  });
});
