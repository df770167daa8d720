// Stage: drop-in tier (large), workload for @biomejs/wasm-nodejs (the Biome formatter and
// linter's workspace, Rust through wasm-bindgen, a 45 MB module). Opens a project and
// generated JavaScript and CSS files in the workspace, formats them, pulls lint diagnostics,
// applies the safe fixes, and digests the outputs and the diagnostic categories.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface Diagnostic {
  category?: string;
  severity: string;
  location: { span?: [number, number] | null };
}
interface Workspace {
  openProject(params: { path: string; openUninitialized: boolean }): { projectKey: number };
  openFile(params: { projectKey: number; path: string; content: { type: 'fromClient'; content: string; version: number } }): unknown;
  formatFile(params: { projectKey: number; path: string }): { code: string };
  pullDiagnostics(params: { projectKey: number; path: string; categories: string[]; maxDiagnostics?: number }): { diagnostics: Diagnostic[]; errors: number; warnings: number; infos: number; parseErrors: number; skippedDiagnostics: number };
  fixFile(params: { projectKey: number; path: string; fixFileMode: string; shouldFormat: boolean; ruleCategories: string[] }): { code: string; actions: unknown[]; errors: number };
  closeFile(params: { projectKey: number; path: string }): void;
  free(): void;
}

const require = createRequire(import.meta.url);
const biome = require('@biomejs/wasm-nodejs') as { Workspace: new () => Workspace };

function name(random: SeededRandom): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'pe', 'da'];
  let out = '';
  for (let i = 1 + random.below(3); i > 0; i--) out += syllables[random.below(syllables.length)];
  return out + random.below(50);
}

function javascript(random: SeededRandom, length: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < length) {
    const lines = [
      `function ${name(random)}(${name(random)},${name(random)}){`,
      `var ${name(random)}=${random.below(100)}`,
      `if(${name(random)}==${random.below(10)}){return ${name(random)}+"${name(random)}"}`,
      random.below(10) === 0 ? 'debugger;' : `let ${name(random)} = [${random.below(9)},${random.below(9)},   ${random.below(9)}]`,
      `for(var i=0;i<${random.below(50)};i++){${name(random)}.push( i*${random.below(7)} )}`,
      `const ${name(random)} = {${name(random)}:${random.below(100)}, "${name(random)}": '${name(random)}'}`,
      `return ${name(random)} ? ${name(random)} : ${random.below(5)}`,
      '}',
    ];
    const text = lines.join('\n');
    out.push(text);
    size += text.length;
  }
  return out.join('\n');
}

function css(random: SeededRandom, rules: number): string {
  const out: string[] = [];
  for (let i = 0; i < rules; i++) {
    out.push(`.${name(random)} > a:hover{color:#${(random.nextU32() & 0xfff).toString(16).padStart(3, '0')};margin:${random.below(20)}px  ${random.below(20)}px;${random.below(5) === 0 ? 'color:red;' : ''}}`);
  }
  return out.join('\n');
}

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_000e);
  const workspace = new biome.Workspace();
  const { projectKey } = workspace.openProject({ path: '/project', openUninitialized: true });
  const files = [
    ['/project/src/generated.js', javascript(random, 384 * 1024 * inputScale())],
    ['/project/src/styles.css', css(random, 3000)],
  ] as const;
  const results: Record<string, unknown> = {};
  for (const [path, content] of files) {
    workspace.openFile({ projectKey, path, content: { type: 'fromClient', content, version: 0 } });
    const formatted = workspace.formatFile({ projectKey, path });
    const diagnostics = workspace.pullDiagnostics({ projectKey, path, categories: ['syntax', 'lint'], maxDiagnostics: 100_000 });
    const categories = new Map<string, number>();
    const spans = new Digest();
    for (const diagnostic of diagnostics.diagnostics) {
      const key = `${diagnostic.category ?? '?'}/${diagnostic.severity}`;
      categories.set(key, (categories.get(key) ?? 0) + 1);
      spans.addJson(diagnostic.location.span ?? null);
    }
    const fixed = workspace.fixFile({ projectKey, path, fixFileMode: 'safeFixes', shouldFormat: true, ruleCategories: ['lint'] });
    results[path] = {
      bytes: content.length,
      formatted: { bytes: formatted.code.length, sha256: sha256(formatted.code) },
      diagnostics: { errors: diagnostics.errors, warnings: diagnostics.warnings, infos: diagnostics.infos, parseErrors: diagnostics.parseErrors, categories: [...categories.entries()].sort(), spans: spans.hex() },
      fixed: { actions: fixed.actions.length, sha256: sha256(fixed.code) },
    };
    workspace.closeFile({ projectKey, path });
  }
  workspace.free();
  return results;
});
