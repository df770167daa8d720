// Stage: drop-in tier, workload for @bokuweb/zstd-wasm (Zstandard, Emscripten C). Compresses
// generated data of several MB at three levels and with a dictionary made of the data's own
// prefix, decompresses every frame and checks the round trip; the heap grows inside the
// compress and decompress calls (frames larger than the initial memory).

import { Digest, SeededRandom, compressibleBytes, inputScale, prose, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface Zstd {
  init(path?: string): Promise<void>;
  compress(buf: Uint8Array, level?: number): Uint8Array;
  decompress(buf: Uint8Array, opts?: { defaultHeapSize?: number }): Uint8Array;
  createCCtx(): number;
  freeCCtx(cctx: number): void;
  createDCtx(): number;
  freeDCtx(dctx: number): void;
  compressUsingDict(cctx: number, buf: Uint8Array, dict: Uint8Array, level?: number): Uint8Array;
  decompressUsingDict(dctx: number, buf: Uint8Array, dict: Uint8Array, opts?: { defaultHeapSize?: number }): Uint8Array;
}

const require = createRequire(import.meta.url);
const zstd = require('@bokuweb/zstd-wasm') as Zstd;

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

await runWorkload(async () => {
  await zstd.init();
  const random = new SeededRandom(0x5eed_0002);
  const binary = compressibleBytes(random, 4 * 1024 * 1024 * inputScale());
  const text = new TextEncoder().encode(prose(random, 2 * 1024 * 1024 * inputScale()));
  const frames = new Digest();
  let roundTrips = 0;
  for (const [name, input] of [['binary', binary], ['text', text]] as const) {
    for (const level of [1, 3, 9]) {
      const frame = zstd.compress(input, level);
      frames.add(`${name}/${level}/${frame.byteLength}`).add(sha256(frame));
      const back = zstd.decompress(frame, { defaultHeapSize: input.byteLength + 1024 });
      if (equal(back, input)) roundTrips++;
    }
  }
  const dictionary = text.subarray(0, 64 * 1024);
  const cctx = zstd.createCCtx();
  const dctx = zstd.createDCtx();
  const pieces = new Digest();
  let dictRoundTrips = 0;
  for (let offset = 64 * 1024; offset + 32 * 1024 <= text.byteLength; offset += 256 * 1024) {
    const piece = text.subarray(offset, offset + 32 * 1024);
    const frame = zstd.compressUsingDict(cctx, piece, dictionary, 5);
    pieces.add(sha256(frame));
    if (equal(zstd.decompressUsingDict(dctx, frame, dictionary, { defaultHeapSize: 64 * 1024 }), piece)) dictRoundTrips++;
  }
  zstd.freeCCtx(cctx);
  zstd.freeDCtx(dctx);
  return { inputBytes: binary.byteLength + text.byteLength, frames: frames.hex(), roundTrips, dictFrames: pieces.hex(), dictRoundTrips };
});
