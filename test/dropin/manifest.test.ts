// Drop-in tier: the manifest (packages.ts) against what is installed. Every package is pinned
// to the exact version package.json's devDependencies name and node_modules holds, and the
// module count, sizes and post-MVP features it records are the ones scan-packages.ts
// computes from the installed files with the engine's decoder. Also unit tests of the
// feature scanner on small modules, and of the embedded-module finder.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { wat, watUnavailableReason } from '../support/wat.js';
import { DROPIN_PACKAGES } from '../../bench/suites/realworld-packages.js';
import { scanSource } from './scan-packages.js';
import { embeddedModules, scanModule } from './wasm-features.js';

const root = repositoryRoot();
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('drop-in manifest', () => {
  test('at least 12 packages, with distinct ids, and at least one module over 10 MB', () => {
    expect(DROPIN_PACKAGES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(DROPIN_PACKAGES.map((entry) => entry.id)).size).toBe(DROPIN_PACKAGES.length);
    const largest = Math.max(...DROPIN_PACKAGES.flatMap((entry) => entry.wasm.map((source) => source.bytes / source.modules)));
    expect(largest).toBeGreaterThan(10 * 1024 * 1024);
  });

  test.each(DROPIN_PACKAGES.map((entry) => [entry.id, entry] as const))('%s: pinned exactly, installed, with a workload', (_id, entry) => {
    for (const [name, version] of [[entry.npm, entry.version], ...Object.entries(entry.companions ?? {})]) {
      expect(packageJson.devDependencies[name], `${name} in devDependencies`).toBe(version);
      expect(installedVersion(name), `${name} in node_modules`).toBe(version);
    }
    expect(existsSync(join(root, 'test', 'dropin', 'workloads', `${entry.id}.ts`))).toBe(true);
  });

  test.each(DROPIN_PACKAGES.flatMap((entry) => entry.wasm.map((source) => [entry.id, source.file, source] as const)))(
    '%s: %s has the recorded modules, size and features',
    (_id, _file, source) => {
      const scanned = scanSource(source);
      expect(scanned.undecodable).toEqual([]);
      expect({ modules: scanned.modules, bytes: scanned.bytes, features: scanned.features }).toEqual({
        modules: source.modules,
        bytes: source.bytes,
        features: source.features,
      });
    },
  );
});

describe.skipIf(watUnavailableReason() !== undefined)('feature scanner', () => {
  test('an MVP module uses no post-MVP feature', () => {
    expect(scanModule(wat('(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))')).features).toEqual([]);
  });

  test('finds each feature from operators and module structure', () => {
    const module = wat(`(module
      (type $pair (func (result i32 i32)))
      (import "env" "counter" (global (mut i32)))
      (memory 1)
      (table 1 externref)
      (data "passive")
      (func (type $pair) i32.const 1 i32.const 2)
      (func (param i32 f32) (result i32 i32)
        local.get 0 i32.extend8_s
        local.get 1 i32.trunc_sat_f32_s)
      (func (param i32) (result i32)
        i32.const 0 i32.const 0 i32.const 0 memory.copy
        local.get 0 local.get 0 (block (param i32) (result i32)) i32.add))`);
    expect(scanModule(module).features).toEqual(['sign-extension', 'saturating-conversions', 'bulk-memory', 'reference-types', 'multi-value', 'mutable-globals']);
  });

  test('finds SIMD from a v128 operator', () => {
    const scan = scanModule(wat('(module (func (result i32) v128.const i32x4 1 2 3 4 i32x4.extract_lane 2))'));
    expect(scan.features).toEqual(['simd']);
    expect(scan.undecodable).toBeUndefined();
  });

  test('finds modules embedded as base64 and as byte arrays in JavaScript', () => {
    const bytes = wat('(module (func (export "one") (result i32) i32.const 1))');
    const base64 = Buffer.from(bytes).toString('base64');
    const source = `const a = "${base64}"; const b = 'data:application/wasm;base64,${base64}'; const c = new Uint8Array([${[...bytes].join(', ')}]); const d = "AGFz";`;
    const found = embeddedModules(source);
    expect(found.length).toBe(3);
    for (const module of found) expect([...module]).toEqual([...bytes]);
  });

  test("finds modules in meshoptimizer's packed text, with a table that ends in a comma", () => {
    const bytes = wat('(module (memory 1) (func (export "f") (param v128) (result v128) local.get 0 local.get 0 i32x4.add))');
    // The 60 most common bytes go in the table; the others take two letters.
    const counts = new Map<number, number>();
    for (const byte of bytes) counts.set(byte, (counts.get(byte) ?? 0) + 1);
    const table = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a - b).slice(0, 60);
    const letter = (value: number): string => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:;'[value];
    let packed = '';
    for (const byte of bytes) packed += table.includes(byte) ? letter(table.indexOf(byte)) : letter(60 + (byte >> 6)) + letter(byte & 63);
    const source = `var wasm =\n\t'${packed}';\nvar other = 'notamodule1234567890';\nvar wasmpack = new Uint8Array([\n\t${table.join(', ')},\n]);`;
    const found = embeddedModules(source);
    expect(found.length).toBe(1);
    expect([...found[0]]).toEqual([...bytes]);
    expect(scanModule(found[0]).features).toEqual(['simd']);
    expect(embeddedModules(`var wasm = '${packed}';`)).toEqual([]);
  });
});
