#!/usr/bin/env node
// Build step, after `tsc -b`: bundles the compiled engine (dist/engine/startup/bundle-entry.js:
// index.js, registration.js and everything they import) into one CommonJS file,
// dist/engine/startup/engine.cjs, with a manifest of the files it was made from
// (engine/compile/bundle-manifest.ts). The package
// entry loads the bundle with a V8 code cache (engine/startup/bundled-engine.ts); a build
// that changes any input without bundling again is noticed there and the modules are used.
//
// `import.meta.url` has no meaning in CommonJS: it becomes the bundle's own file URL. The
// two engine files that read it (native/addon.ts, compile/code-cache.ts) only go up from
// their folder, and the bundle sits one folder below dist/engine as they do, so they find
// the same addon and the same manifest (the code cache's key) either way.
//
// Usage: node scripts/bundle-engine.mjs [--quiet]   (setup.mjs calls ensureEngineBundle)

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engineRoot = join(root, 'dist', 'engine');

async function manifestModule() {
  return import(pathToFileURL(join(engineRoot, 'compile', 'bundle-manifest.js')).href);
}

/** Bundles the engine unless the bundle is current; returns whether it bundled. */
export async function ensureEngineBundle() {
  const { BUNDLE_FILE, MANIFEST_FILE, STARTUP_FOLDER, createManifest, currentManifest, describeInputs } = await manifestModule();
  const startupDirectory = join(engineRoot, STARTUP_FOLDER);
  if (typeof currentManifest(startupDirectory, engineRoot) !== 'string') return false;
  const esbuild = createRequire(import.meta.url)('esbuild-wasm');
  const bundlePath = join(startupDirectory, BUNDLE_FILE);
  const result = await esbuild.build({
    absWorkingDir: engineRoot,
    entryPoints: [`${STARTUP_FOLDER}/bundle-entry.js`],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: `${bundlePath}.tmp`,
    define: { 'import.meta.url': '__engineModuleUrl' },
    banner: { js: 'var __engineModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    metafile: true,
    logLevel: 'silent',
  });
  if (result.errors.length > 0 || result.warnings.length > 0) {
    const messages = [...result.errors, ...result.warnings].map((message) => message.text).join('; ');
    throw new Error(`bundling the engine: ${messages}`);
  }
  renameSync(`${bundlePath}.tmp`, bundlePath);
  const sha256 = createHash('sha256').update(readFileSync(bundlePath)).digest('hex');
  const inputs = describeInputs(engineRoot, Object.keys(result.metafile.inputs));
  const manifestPath = join(startupDirectory, MANIFEST_FILE);
  writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(createManifest(sha256, inputs))}\n`);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundled = await ensureEngineBundle();
  if (!process.argv.includes('--quiet')) console.log(bundled ? `bundled the engine into ${join('dist', 'engine', 'startup', 'engine.cjs')}` : 'engine bundle: up to date');
}
