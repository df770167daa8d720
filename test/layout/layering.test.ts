// Layout tests: the engine stacks one way (docs/ARCHITECTURE.md). From the import graph of
// every product file (tests excluded: unit tests sit beside their code and may import test
// support), each folder of engine/ imports only folders below it, no file cycle exists, and
// engine/ imports nothing from the workbench, the tests or the tools; the workbench imports
// nothing from the tests or the tools.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** engine/'s folders, lowest first; a folder may import those before it (and itself). */
const ENGINE_LAYERS = ['wasm', 'binary', 'validate', 'abi', 'native', 'translate', 'baseline', 'compile', 'runtime', 'api', 'wasi', '.', 'startup'];

function productFiles(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (name === 'node_modules' || name === 'build' || name === 'dist') continue;
    if (statSync(path).isDirectory()) files.push(...productFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Relative specifiers of static imports, re-exports and dynamic imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) specifiers.push(match[1]);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) specifiers.push(match[1]);
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]);
  return specifiers.filter((specifier) => specifier.startsWith('.'));
}

/** The repository path a specifier of `file` names (.js → .ts). */
function target(file: string, specifier: string): string {
  return relative(root, resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

function engineLayer(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? parts[1] : '.';
}

describe('layout', () => {
  const engineFiles = productFiles(join(root, 'engine'));

  test('engine/ has the layers the test knows, and nothing else', () => {
    const folders = new Set(engineFiles.map((file) => engineLayer(relative(root, file))));
    expect([...folders].filter((folder) => !ENGINE_LAYERS.includes(folder))).toEqual([]);
  });

  test('each engine folder imports only itself and the folders below it', () => {
    const violations: string[] = [];
    for (const file of engineFiles) {
      const from = relative(root, file);
      for (const specifier of importsOf(file)) {
        const to = target(file, specifier);
        if (!to.startsWith('engine/')) {
          violations.push(`${from} imports ${to}, outside engine/`);
          continue;
        }
        const fromLayer = ENGINE_LAYERS.indexOf(engineLayer(from));
        const toLayer = ENGINE_LAYERS.indexOf(engineLayer(to));
        if (toLayer > fromLayer) violations.push(`${from} (${engineLayer(from)}) imports ${to} (${engineLayer(to)}), a layer above`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('no import cycle between engine files', () => {
    const graph = new Map<string, string[]>();
    for (const file of engineFiles) {
      graph.set(relative(root, file), importsOf(file).map((specifier) => target(file, specifier)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  test('the workbench imports nothing from the tests or the tools; the suites hold no code', () => {
    const violations: string[] = [];
    for (const file of [...productFiles(join(root, 'bench')), ...productFiles(join(root, 'web'))]) {
      for (const specifier of importsOf(file)) {
        const to = target(file, specifier);
        if (to.startsWith('test/') || to.startsWith('tools/')) violations.push(`${relative(root, file)} imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
    expect(productFiles(join(root, 'suites'))).toEqual([]);
  });
});
