// Stage: compile (and start-up). The record kept beside the engine's one-file bundle
// (dist/engine/startup/engine.cjs, made by scripts/bundle-engine.mjs from the compiled
// dist/engine/): the bundle's SHA-256 and the size and modification time of every file it
// was made from. The bundle is used only while all of them still match
// (startup/bundled-engine.ts), so a build that changed any file without bundling again falls
// back to the files themselves instead of running old code; while they match, the bundle's
// hash also stands for the engine's code in the code cache's key (code-cache.ts).

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE_FILE = 'engine.cjs';
export const MANIFEST_FILE = 'engine.cjs.json';
/** The folder of the bundle and its manifest, under the engine's root (dist/engine). */
export const STARTUP_FOLDER = 'startup';
const FORMAT = 1;

/** [path relative to the engine's root (dist/engine), size in bytes, mtime in ms]. */
export type BundleInput = readonly [string, number, number];

export interface BundleManifest {
  readonly format: number;
  /** SHA-256 (hex) of the bundle's bytes. */
  readonly sha256: string;
  readonly inputs: readonly BundleInput[];
}

/** What the bundle's inputs are now, for a new manifest. */
export function describeInputs(engineRoot: string, relativePaths: readonly string[]): BundleInput[] {
  return [...relativePaths].sort().map((path) => {
    const stats = statSync(join(engineRoot, path));
    return [path, stats.size, stats.mtimeMs] as const;
  });
}

export function createManifest(sha256: string, inputs: readonly BundleInput[]): BundleManifest {
  return { format: FORMAT, sha256, inputs };
}

/**
 * The manifest in `startupDirectory` if the bundle it describes is current: every input
 * file has the size and mtime it had when bundled. Otherwise why not, as a string.
 */
export function currentManifest(startupDirectory: string, engineRoot: string): BundleManifest | string {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(startupDirectory, MANIFEST_FILE), 'utf8')) as BundleManifest;
  } catch {
    return 'no bundle manifest';
  }
  if (manifest.format !== FORMAT || typeof manifest.sha256 !== 'string' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) {
    return 'bundle manifest of another format';
  }
  for (const [path, size, mtimeMs] of manifest.inputs) {
    let stats;
    try {
      stats = statSync(join(engineRoot, path));
    } catch {
      return `${path} is gone`;
    }
    if (stats.size !== size || stats.mtimeMs !== mtimeMs) return `${path} changed after bundling`;
  }
  return manifest;
}
