// Stage: drop-in tier, workload for lz4-wasm-nodejs (LZ4, Rust through wasm-bindgen, Node
// target). Compresses generated data of up to 8 MB whole and in blocks of many sizes, and
// decompresses everything back; each whole-buffer call makes the Rust allocator grow memory.

import { Digest, SeededRandom, compressibleBytes, inputScale, prose, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface Lz4 {
  compress(input: Uint8Array): Uint8Array;
  decompress(input: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);
const lz4 = require('lz4-wasm-nodejs') as Lz4;

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_0004);
  const binary = compressibleBytes(random, 8 * 1024 * 1024 * inputScale());
  const text = new TextEncoder().encode(prose(random, 4 * 1024 * 1024 * inputScale()));
  const whole = new Digest();
  let roundTrips = 0;
  for (const input of [binary, text]) {
    const packed = lz4.compress(input);
    whole.add(packed.byteLength).add(sha256(packed));
    if (Buffer.compare(lz4.decompress(packed), input) === 0) roundTrips++;
  }
  const blocks = new Digest();
  let blockRoundTrips = 0;
  let blockCount = 0;
  for (let offset = 0; offset < binary.byteLength; ) {
    const size = 1 + random.below(200 * 1024);
    const block = binary.subarray(offset, offset + size);
    const packed = lz4.compress(block);
    blocks.add(sha256(packed));
    if (Buffer.compare(lz4.decompress(packed), block) === 0) blockRoundTrips++;
    blockCount++;
    offset += size;
  }
  return { inputBytes: binary.byteLength + text.byteLength, whole: whole.hex(), roundTrips, blocks: blocks.hex(), blockCount, blockRoundTrips };
});
