// Stage: drop-in tier (large), workload for lightningcss-wasm (CSS parser, transformer and
// minifier, Rust through napi-wasm: N-API implemented in JS over the module's memory; a
// 15 MB module compiled synchronously with `new WebAssembly.Module`). Transforms a MB of
// generated CSS — nesting, custom properties, modern colours, media queries, url()
// dependencies — minified and lowered for old browsers, as CSS modules, with a JS visitor
// called back from wasm, and transforms inline style attributes.

import { Digest, SeededRandom, inputScale, runWorkload, sha256, word } from './support.js';
import { transform, transformStyleAttribute } from 'lightningcss-wasm';

function ident(random: SeededRandom): string {
  return word(random).normalize('NFKD').replace(/[^a-z]/gi, '') || 'x';
}

function css(random: SeededRandom, length: number): string {
  const out: string[] = [':root { --accent: #3a7bd5; --gap: 12px; }'];
  let size = 0;
  while (size < length) {
    const selector = `${random.pick(['.', '#', '', '.'])}${ident(random)}${random.below(3) === 0 ? ` > .${ident(random)}` : ''}${random.below(4) === 0 ? ':hover' : ''}`;
    const declarations = [
      `color: ${random.pick([`#${(random.nextU32() & 0xffffff).toString(16).padStart(6, '0')}`, `lab(${random.below(100)}% ${random.below(80) - 40} ${random.below(80) - 40})`, `rgb(${random.below(256)} ${random.below(256)} ${random.below(256)} / ${random.below(100)}%)`, 'var(--accent)'])}`,
      `margin: ${random.below(40)}px ${random.below(3) === 0 ? 'auto' : `${random.below(20)}px`}`,
      `padding-inline: calc(var(--gap) * ${random.below(4)} + ${random.below(9)}px)`,
      `background: url("img/${ident(random)}.png") no-repeat ${random.below(100)}% center`,
      `transition: opacity ${random.below(900)}ms ease-in-out`,
      `display: ${random.pick(['flex', 'grid', 'block', 'inline-flex'])}`,
      `user-select: none`,
      `inset: ${random.below(10)}px`,
    ];
    const chosen = declarations.filter(() => random.below(2) === 0);
    let rule = `${selector} { ${chosen.join('; ')};`;
    if (random.below(4) === 0) rule += ` & .${ident(random)} { width: ${random.below(100)}%; color: color-mix(in srgb, red ${random.below(100)}%, blue); }`;
    rule += ' }';
    if (random.below(15) === 0) rule = `@media (min-width: ${random.below(1600)}px) and (max-width: ${1600 + random.below(800)}px) { ${rule} }`;
    out.push(rule);
    size += rule.length;
  }
  return out.join('\n');
}

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_000c);
  const source = css(random, 1024 * 1024 * inputScale());
  const code = new TextEncoder().encode(source);
  const results: Record<string, unknown> = { sourceBytes: code.byteLength };
  const minified = transform({
    filename: 'generated.css', code, minify: true, errorRecovery: true,
    targets: { chrome: 80 << 16, safari: (13 << 16) | (1 << 8), firefox: 78 << 16 },
    drafts: { customMedia: true }, analyzeDependencies: true,
  });
  results.minified = { bytes: minified.code.byteLength, sha256: sha256(minified.code), warnings: minified.warnings.length, dependencies: minified.dependencies?.length ?? 0 };
  let colours = 0;
  let urls = 0;
  const modules = transform({
    filename: 'generated.module.css', code, cssModules: true, errorRecovery: true,
    visitor: {
      Color(colour) {
        colours++;
        return colour;
      },
      Url(url) {
        urls++;
        return { ...url, url: url.url.replace(/^img\//, 'assets/') };
      },
    },
  });
  const exportsDigest = new Digest();
  for (const [name, value] of Object.entries(modules.exports ?? {}).sort(([a], [b]) => a.localeCompare(b))) exportsDigest.add(`${name}=${value.name}`);
  results.modules = { bytes: modules.code.byteLength, sha256: sha256(modules.code), exports: exportsDigest.hex(), colours, urls };
  const styles = new Digest();
  for (let i = 0; i < 2000; i++) {
    const attribute = `color: ${random.pick(['red', '#abc', 'lab(50% 20 -30)'])}; margin: ${random.below(30)}px ${random.below(30)}px; width: calc(${random.below(100)}% - ${random.below(40)}px)`;
    const out = transformStyleAttribute({ filename: 'style', code: new TextEncoder().encode(attribute), minify: true, targets: { safari: 12 << 16 } });
    styles.add(out.code);
  }
  results.styleAttributes = styles.hex();
  return results;
});
