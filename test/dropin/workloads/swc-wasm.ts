// Stage: drop-in tier (large), workload for @swc/wasm (the swc TypeScript/JavaScript
// compiler, Rust through wasm-bindgen, an 18 MB module). Compiles a MB of generated
// TypeScript with JSX to ES5 and to ES2020 modules, minifies the result with compression and
// mangling, and parses it back, digesting every output.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface Output {
  code: string;
  map?: string;
}
interface Swc {
  transformSync(code: string, options: Record<string, unknown>): Output;
  minifySync(code: string, options: Record<string, unknown>): Output;
  parseSync(code: string, options: Record<string, unknown>): { body: unknown[] };
}

const require = createRequire(import.meta.url);
const swc = require('@swc/wasm') as Swc;

function name(random: SeededRandom): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'pe', 'da', 'zu', 'ho'];
  let out = '';
  for (let i = 1 + random.below(3); i > 0; i--) out += syllables[random.below(syllables.length)];
  return out + random.below(100);
}

function typescript(random: SeededRandom, length: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < length) {
    const type = `I${name(random)}`;
    const klass = `C${name(random)}`;
    const text = [
      `export interface ${type} { ${name(random)}: number; ${name(random)}?: string; items: Array<${random.pick(['number', 'string', 'boolean'])}> }`,
      `export enum E${name(random)} { A = ${random.below(10)}, B, C = "${name(random)}" }`,
      `export class ${klass}<T extends ${type}> {`,
      `  private readonly cache = new Map<string, T>();`,
      `  constructor(public ${name(random)}: number, protected ${name(random)} = ${random.below(100)}) {}`,
      `  async ${name(random)}(input: T, ...rest: number[]): Promise<number> {`,
      `    const { items, ...others } = input;`,
      `    for (const [i, v] of items.entries()) { if (v) await Promise.resolve(i ** ${random.below(4)}); }`,
      `    return rest.reduce((a, b) => a + b, ${random.below(1000)}) + Object.keys(others).length + (input?.${name(random)} ?? 0);`,
      `  }`,
      `  *${name(random)}(): Generator<number> { yield* [${random.below(9)}, ${random.below(9)}]; }`,
      `}`,
      `export const ${name(random)} = (props: { label: string }) => <div className="${name(random)}" onClick={() => console.log(\`\${props.label}-${random.below(99)}\`)}>{props.label}</div>;`,
      '',
    ].join('\n');
    out.push(text);
    size += text.length;
  }
  return out.join('\n');
}

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_000d);
  const source = typescript(random, 1024 * 1024 * inputScale());
  const parser = { syntax: 'typescript', tsx: true };
  const es5 = swc.transformSync(source, { filename: 'input.tsx', jsc: { parser, target: 'es5', externalHelpers: false }, module: { type: 'commonjs' } });
  const es2020 = swc.transformSync(source, { filename: 'input.tsx', jsc: { parser, target: 'es2020', transform: { react: { runtime: 'automatic' } } } });
  const minified = swc.minifySync(es2020.code, { compress: { passes: 2 }, mangle: true, module: true });
  const reparsed = swc.parseSync(minified.code, { syntax: 'ecmascript', isModule: true });
  const small = new Digest();
  for (let i = 0; i < 200; i++) {
    const snippet = `const a${i}: number = ${i} as number; export function f${i}(x?: { y: number }) { return x?.y ?? ${i}; }`;
    small.add(swc.transformSync(snippet, { jsc: { parser: { syntax: 'typescript' }, target: 'es2015' } }).code);
  }
  return {
    sourceBytes: source.length,
    es5: { bytes: es5.code.length, sha256: sha256(es5.code) },
    es2020: { bytes: es2020.code.length, sha256: sha256(es2020.code) },
    minified: { bytes: minified.code.length, sha256: sha256(minified.code) },
    reparsedStatements: reparsed.body.length,
    small: small.hex(),
  };
});
