#!/usr/bin/env node
// Stage: drop-in tier, manifest scanner. For every package of the manifest (packages.ts),
// reads its installed wasm files (and modules embedded in its JavaScript) from node_modules
// and computes what the manifest records: module count, total size and post-MVP features
// (wasm-features.ts). manifest.test.ts compares these with the manifest; as a command it
// prints them, to update the manifest after a version change:
//
//   node dist/test/dropin/scan-packages.js [--filter re]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { DROPIN_PACKAGES, type WasmSource } from '../../bench/suites/realworld-packages.js';
import { embeddedModules, FEATURE_ORDER, scanModule, type WasmFeature } from './wasm-features.js';

export interface ScannedSource {
  readonly file: string;
  readonly embedded: boolean;
  readonly modules: number;
  readonly bytes: number;
  readonly largestBytes: number;
  readonly features: WasmFeature[];
  readonly undecodable: string[];
}

const root = repositoryRoot();

/** The modules a manifest source names, read from node_modules. */
export function modulesOf(source: Pick<WasmSource, 'file' | 'embedded'>): Uint8Array[] {
  const path = join(root, 'node_modules', source.file);
  if (!source.embedded) return [new Uint8Array(readFileSync(path))];
  return embeddedModules(readFileSync(path, 'utf8'));
}

export function scanSource(source: Pick<WasmSource, 'file' | 'embedded'>): ScannedSource {
  const modules = modulesOf(source);
  const features = new Set<WasmFeature>();
  const undecodable: string[] = [];
  let bytes = 0;
  let largestBytes = 0;
  for (const module of modules) {
    const scan = scanModule(module);
    bytes += scan.bytes;
    largestBytes = Math.max(largestBytes, scan.bytes);
    for (const feature of scan.features) features.add(feature);
    if (scan.undecodable !== undefined) undecodable.push(scan.undecodable);
  }
  return {
    file: source.file,
    embedded: source.embedded,
    modules: modules.length,
    bytes,
    largestBytes,
    features: FEATURE_ORDER.filter((f) => features.has(f)),
    undecodable,
  };
}

function main(): void {
  const filterIndex = process.argv.indexOf('--filter');
  const filter = filterIndex > 0 ? new RegExp(process.argv[filterIndex + 1]) : undefined;
  for (const entry of DROPIN_PACKAGES) {
    if (filter !== undefined && !filter.test(entry.id)) continue;
    for (const source of entry.wasm) {
      const scanned = scanSource(source);
      const { largestBytes: _largest, undecodable, ...recorded } = scanned;
      console.log(`${entry.id}: ${JSON.stringify(recorded)}${undecodable.length ? ` undecodable: ${undecodable.join('; ')}` : ''}`);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
