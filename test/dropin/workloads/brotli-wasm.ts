// Stage: drop-in tier, workload for brotli-wasm (Brotli, Rust through wasm-bindgen). One-shot
// compression of MB-sized generated text and binary at several qualities, then the streaming
// compressor and decompressor fed in uneven chunks with small output buffers (many calls
// across the boundary, the Rust allocator growing memory as it goes).

import { Digest, SeededRandom, compressibleBytes, inputScale, prose, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface StreamResult {
  buf: Uint8Array;
  code: number;
  input_offset: number;
  free(): void;
}
interface Brotli {
  compress(buf: Uint8Array, options?: { quality?: number }): Uint8Array;
  decompress(buf: Uint8Array): Uint8Array;
  CompressStream: new (quality?: number) => { compress(input: Uint8Array | undefined, outputSize: number): StreamResult; total_out(): number; free(): void };
  DecompressStream: new () => { decompress(input: Uint8Array, outputSize: number): StreamResult; total_out(): number; free(): void };
  BrotliStreamResultCode: { ResultSuccess: number; NeedsMoreInput: number; NeedsMoreOutput: number };
}

const require = createRequire(import.meta.url);
const brotli = require('brotli-wasm') as Brotli;

function concat(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_0003);
  const text = new TextEncoder().encode(prose(random, 1536 * 1024 * inputScale()));
  const binary = compressibleBytes(random, 2 * 1024 * 1024 * inputScale());
  const oneShot = new Digest();
  let roundTrips = 0;
  for (const [name, input] of [['text', text], ['binary', binary]] as const) {
    for (const quality of [1, 5, 9]) {
      const packed = brotli.compress(input, { quality });
      oneShot.add(`${name}/${quality}/${packed.byteLength}`).add(sha256(packed));
      if (Buffer.compare(brotli.decompress(packed), input) === 0) roundTrips++;
    }
  }
  // Streaming: uneven input chunks, 4 KiB output buffers.
  const codes = brotli.BrotliStreamResultCode;
  const compressor = new brotli.CompressStream(6);
  const packedChunks: Uint8Array[] = [];
  let offset = 0;
  let calls = 0;
  while (offset < text.byteLength) {
    const size = 1 + random.below(96 * 1024);
    const chunk = text.subarray(offset, Math.min(offset + size, text.byteLength));
    let consumed = 0;
    for (;;) {
      const result = compressor.compress(chunk.subarray(consumed), 4096);
      calls++;
      packedChunks.push(result.buf.slice());
      consumed += result.input_offset;
      const code = result.code;
      result.free();
      if (code !== codes.NeedsMoreOutput) break;
    }
    offset += chunk.byteLength;
  }
  for (;;) {
    const result = compressor.compress(undefined, 4096);
    calls++;
    packedChunks.push(result.buf.slice());
    const code = result.code;
    result.free();
    if (code !== codes.NeedsMoreOutput) break;
  }
  compressor.free();
  const streamed = concat(packedChunks);
  const decompressor = new brotli.DecompressStream();
  const outChunks: Uint8Array[] = [];
  let inOffset = 0;
  for (;;) {
    const result = decompressor.decompress(streamed.subarray(inOffset), 8192);
    calls++;
    outChunks.push(result.buf.slice());
    inOffset += result.input_offset;
    const code = result.code;
    result.free();
    if (code === codes.ResultSuccess) break;
    if (code === codes.NeedsMoreInput && inOffset >= streamed.byteLength) throw new Error('brotli stream truncated');
  }
  decompressor.free();
  const unpacked = concat(outChunks);
  return {
    inputBytes: text.byteLength + binary.byteLength,
    oneShot: oneShot.hex(),
    roundTrips,
    streamedBytes: streamed.byteLength,
    streamedSha256: sha256(streamed),
    streamRoundTrip: Buffer.compare(unpacked, text) === 0,
    calls,
  };
});
