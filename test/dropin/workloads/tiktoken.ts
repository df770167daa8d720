// Stage: drop-in tier, workload for tiktoken (BPE tokenizer, Rust through wasm-bindgen). The
// case that once went silently wrong on this engine: encoding 1 MB of text grows memory
// inside the call, and glue holding a stale view of the old buffer returned far too few
// tokens. Encodes MB-sized generated prose with three encodings, decodes it back, and
// tokenises thousands of short pieces and special tokens.

import { Digest, SeededRandom, inputScale, prose, runWorkload, sha256 } from './support.js';
import { createRequire } from 'node:module';

interface Tiktoken {
  encode(text: string, allowedSpecial?: 'all' | string[]): Uint32Array;
  encode_ordinary(text: string): Uint32Array;
  decode(tokens: Uint32Array): Uint8Array;
  free(): void;
}

const require = createRequire(import.meta.url);
const { get_encoding } = require('tiktoken') as { get_encoding(name: string): Tiktoken };

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_0006);
  const text = prose(random, 1024 * 1024 * inputScale());
  const results: Record<string, unknown> = { textLength: text.length };
  for (const name of ['cl100k_base', 'o200k_base', 'gpt2']) {
    const encoding = get_encoding(name);
    const tokens = encoding.encode_ordinary(text);
    const decoded = new TextDecoder().decode(encoding.decode(tokens));
    const pieces = new Digest();
    let pieceTokens = 0;
    for (let i = 0; i < 3000; i++) {
      const start = random.below(text.length - 200);
      const piece = text.slice(start, start + 1 + random.below(200));
      const encoded = encoding.encode(i % 50 === 0 ? `${piece}<|endoftext|>` : piece, 'all');
      pieceTokens += encoded.length;
      pieces.add(sha256(new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength)));
    }
    encoding.free();
    results[name] = {
      tokens: tokens.length,
      tokensSha256: sha256(new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength)),
      roundTrip: decoded === text,
      pieceTokens,
      pieces: pieces.hex(),
    };
  }
  return results;
});
