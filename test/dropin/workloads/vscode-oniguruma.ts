// Stage: drop-in tier, workload for vscode-oniguruma (Oniguruma regular expressions,
// Emscripten C; what VS Code and Shiki highlight with). Scans a MB of generated source-like
// text with a TextMate-style scanner of alternative patterns, match after match to the end
// (hundreds of thousands of calls into wasm), plus case-insensitive and Unicode patterns;
// the heap grows when the long string is copied in.

import { Digest, SeededRandom, inputScale, runWorkload, word } from './support.js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

interface Match {
  index: number;
  captureIndices: { start: number; end: number; length: number }[];
}
interface OnigScanner {
  findNextMatchSync(text: OnigString | string, start: number): Match | null;
  dispose(): void;
}
interface OnigString {
  readonly content: string;
  dispose(): void;
}
interface Oniguruma {
  loadWASM(data: ArrayBufferView): Promise<void>;
  OnigScanner: new (patterns: string[]) => OnigScanner;
  OnigString: new (content: string) => OnigString;
}

const require = createRequire(import.meta.url);
const onig = require('vscode-oniguruma') as Oniguruma;

const TOKEN_PATTERNS = [
  '\\b(function|return|if|else|while|for|const|let)\\b',
  '"(?:[^"\\\\]|\\\\.)*"',
  '//[^\\n]*',
  '\\b0x[0-9a-fA-F]+\\b|\\b\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?\\b',
  '([A-Za-z_][A-Za-z_0-9]*)\\s*(\\()',
  '[\\p{L}_][\\p{L}\\p{N}_]*',
  '[-+*/=<>!&|%^]+',
  '[{}()\\[\\];,.]',
];

function sourceText(random: SeededRandom, length: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < length) {
    const indent = '  '.repeat(random.below(4));
    let line: string;
    switch (random.below(7)) {
      case 0: line = `function ${word(random)}(${word(random)}, ${word(random)}) {`; break;
      case 1: line = `const ${word(random)} = "${word(random)} \\"${word(random)}\\" ${random.below(1000)}";`; break;
      case 2: line = `// ${word(random)} ${word(random)} ${word(random)}`; break;
      case 3: line = `if (${word(random)} >= 0x${random.below(65536).toString(16)}) return ${random.below(100)}.${random.below(100)}e-${random.below(9)};`; break;
      case 4: line = `${word(random)}(${word(random)}[${random.below(64)}], ${word(random)} * ${random.below(10)});`; break;
      case 5: line = `let ${word(random)} = ${word(random)} && !${word(random)} || ${word(random)} % 3;`; break;
      default: line = '}';
    }
    lines.push(indent + line);
    size += indent.length + line.length + 1;
  }
  return lines.join('\n');
}

await runWorkload(async () => {
  await onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')));
  const random = new SeededRandom(0x5eed_0007);
  const text = sourceText(random, 1024 * 1024 * inputScale());
  const scanner = new onig.OnigScanner(TOKEN_PATTERNS);
  const string = new onig.OnigString(text);
  const perPattern = new Array<number>(TOKEN_PATTERNS.length).fill(0);
  const positions = new Digest();
  let position = 0;
  let matches = 0;
  for (;;) {
    const match = scanner.findNextMatchSync(string, position);
    if (match === null) break;
    matches++;
    perPattern[match.index]++;
    const whole = match.captureIndices[0];
    if (matches % 97 === 0) positions.add(`${match.index}:${whole.start}:${whole.end}:${match.captureIndices.length}`);
    position = whole.end > whole.start ? whole.end : whole.end + 1;
    if (position > text.length) break;
  }
  string.dispose();
  scanner.dispose();
  // Line by line, as a highlighter does, with a second scanner.
  const lineScanner = new onig.OnigScanner(['(?i)\\bRETURN\\b', '\\\\"', '^\\s*}$', '(?<=\\()\\w+']);
  const lineHits = [0, 0, 0, 0];
  for (const line of text.split('\n').slice(0, 20_000)) {
    let at = 0;
    for (;;) {
      const match = lineScanner.findNextMatchSync(line, at);
      if (match === null) break;
      lineHits[match.index]++;
      const whole = match.captureIndices[0];
      at = whole.end > whole.start ? whole.end : whole.end + 1;
      if (at > line.length) break;
    }
  }
  lineScanner.dispose();
  return { textLength: text.length, matches, perPattern, positions: positions.hex(), lineHits };
});
