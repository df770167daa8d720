// Stage: drop-in tier, workload for web-tree-sitter (tree-sitter's runtime, Emscripten C built
// as a MAIN_MODULE) with two grammars that are Emscripten SIDE_MODULEs loaded by its dynamic
// linker (tree-sitter-javascript, tree-sitter-python: dylink.0 sections, GOT imports, a
// shared table and memory). Parses a MB of generated JavaScript and of Python, walks every
// node with a cursor, runs a query, edits the text and reparses incrementally, and checks
// the incremental tree equals a fresh parse.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

function identifier(random: SeededRandom): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let out = letters[random.below(26)];
  for (let i = random.below(8); i > 0; i--) out += letters[random.below(26)] + (random.below(5) === 0 ? '_' : '');
  return out;
}

function expression(random: SeededRandom, depth: number): string {
  if (depth === 0 || random.below(3) === 0) return random.below(2) === 0 ? identifier(random) : String(random.below(10_000));
  switch (random.below(5)) {
    case 0: return `${expression(random, depth - 1)} ${random.pick(['+', '-', '*', '/', '&&', '||', '===', '<'])} ${expression(random, depth - 1)}`;
    case 1: return `${identifier(random)}(${expression(random, depth - 1)}, ${expression(random, depth - 1)})`;
    case 2: return `(${expression(random, depth - 1)})`;
    case 3: return `${identifier(random)}.${identifier(random)}[${expression(random, depth - 1)}]`;
    default: return `'${identifier(random)} ${identifier(random)}'`;
  }
}

function javascript(random: SeededRandom, length: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < length) {
    const name = identifier(random);
    const lines = [`function ${name}(${identifier(random)}, ${identifier(random)}) {`];
    for (let i = 1 + random.below(8); i > 0; i--) {
      switch (random.below(5)) {
        case 0: lines.push(`  const ${identifier(random)} = ${expression(random, 3)};`); break;
        case 1: lines.push(`  if (${expression(random, 2)}) { return ${expression(random, 2)}; } else { ${identifier(random)} += 1; }`); break;
        case 2: lines.push(`  for (let i = 0; i < ${random.below(100)}; i++) { ${identifier(random)}.push(${expression(random, 2)}); }`); break;
        case 3: lines.push(`  // ${identifier(random)} ${identifier(random)}`); break;
        default: lines.push(`  ${identifier(random)} = { ${identifier(random)}: ${expression(random, 2)}, ${identifier(random)}: [${expression(random, 1)}] };`);
      }
    }
    lines.push(`  return ${expression(random, 2)};`, '}', '');
    const text = lines.join('\n');
    out.push(text);
    size += text.length;
  }
  return out.join('\n');
}

function python(random: SeededRandom, length: number): string {
  const out: string[] = [];
  let size = 0;
  while (size < length) {
    const lines = [`def ${identifier(random)}(${identifier(random)}, ${identifier(random)}=${random.below(10)}):`];
    for (let i = 1 + random.below(6); i > 0; i--) {
      switch (random.below(4)) {
        case 0: lines.push(`    ${identifier(random)} = [${identifier(random)} * ${random.below(9)} for ${identifier(random)} in range(${random.below(50)})]`); break;
        case 1: lines.push(`    if ${identifier(random)} > ${random.below(100)}:`, `        return ${identifier(random)}`); break;
        case 2: lines.push(`    # ${identifier(random)} ${identifier(random)}`); break;
        default: lines.push(`    ${identifier(random)}.${identifier(random)}("${identifier(random)}", ${random.below(1000)})`);
      }
    }
    lines.push(`    return ${identifier(random)}`, '', '');
    const text = lines.join('\n');
    out.push(text);
    size += text.length;
  }
  return out.join('\n');
}

function walk(tree: Tree): { nodes: number; types: number; digest: string; maxDepth: number } {
  const cursor = tree.walk();
  const counts = new Map<string, number>();
  const digest = new Digest();
  let nodes = 0;
  let maxDepth = 0;
  let depth = 0;
  for (;;) {
    nodes++;
    counts.set(cursor.nodeType, (counts.get(cursor.nodeType) ?? 0) + 1);
    if (nodes % 101 === 0) digest.add(`${cursor.nodeType}@${cursor.startIndex}-${cursor.endIndex}`);
    if (cursor.gotoFirstChild()) {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      continue;
    }
    if (cursor.gotoNextSibling()) continue;
    let done = true;
    while (cursor.gotoParent()) {
      depth--;
      if (cursor.gotoNextSibling()) {
        done = false;
        break;
      }
    }
    if (done) break;
  }
  cursor.delete();
  digest.addJson([...counts.entries()].sort());
  return { nodes, types: counts.size, digest: digest.hex(), maxDepth };
}

function position(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

await runWorkload(async () => {
  await Parser.init();
  const random = new SeededRandom(0x5eed_0009);
  const results: Record<string, unknown> = {};
  const grammars = [
    ['javascript', 'tree-sitter-javascript/tree-sitter-javascript.wasm', javascript(random, 1024 * 1024 * inputScale()), '(call_expression function: (identifier) @callee) (string) @text'],
    ['python', 'tree-sitter-python/tree-sitter-python.wasm', python(random, 512 * 1024 * inputScale()), '(function_definition name: (identifier) @name) (comment) @comment'],
  ] as const;
  for (const [name, file, source, querySource] of grammars) {
    const language = await Language.load(require.resolve(file));
    const parser = new Parser();
    parser.setLanguage(language);
    const tree = parser.parse(source);
    if (tree === null) throw new Error(`${name}: parse returned null`);
    const shape = walk(tree);
    const query = new Query(language, querySource);
    const captures = query.captures(tree.rootNode);
    const captureDigest = new Digest();
    for (const capture of captures) captureDigest.add(`${capture.name}:${capture.node.startIndex}`);
    // Insert a statement in the middle and reparse incrementally.
    const at = source.indexOf('\n', source.length >> 1) + 1;
    const inserted = name === 'javascript' ? 'const inserted_value = compute(1, 2) + [3, 4];\n' : 'inserted_value = compute(1, 2)\n';
    const edited = source.slice(0, at) + inserted + source.slice(at);
    const start = position(source, at);
    tree.edit(new Edit({
      startIndex: at, oldEndIndex: at, newEndIndex: at + inserted.length,
      startPosition: start, oldEndPosition: start, newEndPosition: { row: start.row + 1, column: 0 },
    }));
    const incremental = parser.parse(edited, tree);
    const fresh = parser.parse(edited);
    if (incremental === null || fresh === null) throw new Error(`${name}: reparse returned null`);
    const changed = tree.getChangedRanges(incremental).length;
    const incrementalText = incremental.rootNode.toString();
    results[name] = {
      sourceBytes: source.length,
      ...shape,
      hasError: tree.rootNode.hasError,
      captures: captures.length,
      captureDigest: captureDigest.hex(),
      changedRanges: changed,
      incrementalEqualsFresh: incrementalText === fresh.rootNode.toString(),
      editedTree: sha256(incrementalText),
    };
    query.delete();
    tree.delete();
    incremental.delete();
    fresh.delete();
    parser.delete();
  }
  return results;
});
