// Stage: drop-in tier, workload for @resvg/resvg-wasm (SVG renderer, Rust through
// wasm-bindgen). Renders generated SVGs of thousands of paths, gradients, strokes, clip
// paths, opacity groups and transforms into RGBA pixmaps of several MB (memory grows inside
// render), encodes them as PNG, and digests pixels, PNG bytes and bounding boxes.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const require = createRequire(import.meta.url);

function colour(random: SeededRandom): string {
  return `#${(random.nextU32() & 0xffffff).toString(16).padStart(6, '0')}`;
}

function svg(random: SeededRandom, shapes: number, size: number): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 1000 1000">`, '<defs>'];
  for (let i = 0; i < 8; i++) {
    parts.push(`<linearGradient id="g${i}" x1="0" y1="0" x2="${random.unit().toFixed(2)}" y2="1"><stop offset="0" stop-color="${colour(random)}"/><stop offset="1" stop-color="${colour(random)}" stop-opacity="0.4"/></linearGradient>`);
    parts.push(`<radialGradient id="r${i}"><stop offset="0.2" stop-color="${colour(random)}"/><stop offset="1" stop-color="${colour(random)}"/></radialGradient>`);
  }
  parts.push('<clipPath id="clip"><circle cx="500" cy="500" r="430"/></clipPath></defs>');
  parts.push(`<rect width="1000" height="1000" fill="url(#g0)"/><g clip-path="url(#clip)">`);
  const coordinate = (): string => (random.unit() * 1000).toFixed(1);
  for (let i = 0; i < shapes; i++) {
    const fill = random.below(3) === 0 ? `url(#${random.pick(['g', 'r'])}${random.below(8)})` : colour(random);
    const transform = random.below(4) === 0 ? ` transform="rotate(${random.below(360)} 500 500) scale(${(0.5 + random.unit()).toFixed(2)})"` : '';
    const opacity = random.below(5) === 0 ? ` opacity="${random.unit().toFixed(2)}"` : '';
    // resvg 2.6.2 panics (on V8 too) on some dashed polylines stroked with a radial gradient,
    // and on this generator's SVGs past about 2,700 shapes: dashes are solid colours, and the
    // large tier scales the pixmap, not the shape count.
    switch (random.below(4)) {
      case 0:
        parts.push(`<circle cx="${coordinate()}" cy="${coordinate()}" r="${(random.unit() * 60).toFixed(1)}" fill="${fill}"${transform}${opacity}/>`);
        break;
      case 1:
        parts.push(`<rect x="${coordinate()}" y="${coordinate()}" width="${random.below(120)}" height="${random.below(120)}" rx="${random.below(20)}" fill="${fill}" stroke="${colour(random)}" stroke-width="${random.below(6)}"${transform}${opacity}/>`);
        break;
      case 2: {
        let d = `M${coordinate()} ${coordinate()}`;
        for (let k = 2 + random.below(6); k > 0; k--) d += random.below(2) === 0 ? ` L${coordinate()} ${coordinate()}` : ` Q${coordinate()} ${coordinate()} ${coordinate()} ${coordinate()}`;
        parts.push(`<path d="${d} Z" fill="${fill}" fill-rule="${random.pick(['evenodd', 'nonzero'])}"${transform}${opacity}/>`);
        break;
      }
      default:
        parts.push(`<polyline points="${Array.from({ length: 6 }, () => `${coordinate()},${coordinate()}`).join(' ')}" fill="none" stroke="${colour(random)}" stroke-width="${1 + random.below(12)}" stroke-linecap="round" stroke-dasharray="${1 + random.below(20)} ${random.below(10)}"${transform}/>`);
    }
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}

await runWorkload(async () => {
  await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  const random = new SeededRandom(0x5eed_000a);
  const results: Record<string, unknown> = {};
  for (const [name, shapes, size] of [['small', 200, 256], ['large', 600, 1024 * inputScale()], ['wide', 300, 2048]] as const) {
    const source = svg(random, shapes, size);
    const renderer = new Resvg(source, { fitTo: { mode: 'width', value: size }, background: 'rgba(250, 250, 240, 1)', font: { loadSystemFonts: false } });
    const box = renderer.getBBox();
    const image = renderer.render();
    const pixels = image.pixels;
    const png = image.asPng();
    let opaque = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] === 255) opaque++;
    results[name] = {
      svgBytes: source.length,
      width: image.width,
      height: image.height,
      pixels: sha256(pixels),
      opaque,
      pngBytes: png.byteLength,
      png: sha256(png),
      bbox: box === undefined ? null : [box.x, box.y, box.width, box.height].map((v) => v.toFixed(3)),
    };
    image.free();
    box?.free();
    renderer.free();
  }
  const digest = new Digest();
  for (const value of Object.values(results)) digest.addJson(value);
  return { ...results, all: digest.hex() };
});
