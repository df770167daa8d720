// Stage: drop-in tier, workload for xxhash-wasm (xxHash32/64 in a hand-written wasm module,
// embedded in the JS). Hashes MB-sized buffers in one call (the module grows its memory to
// take them), the same data through the streaming API in uneven pieces, and many short
// strings with seeds.

import { Digest, SeededRandom, inputScale, prose, runWorkload } from './support.js';
import xxhash from 'xxhash-wasm';

await runWorkload(async () => {
  const api = await xxhash();
  const random = new SeededRandom(0x5eed_0005);
  const big = random.bytes(6 * 1024 * 1024 * inputScale());
  const text = prose(random, 1024 * 1024 * inputScale());
  const whole = {
    h32: api.h32Raw(big, 0x1234_5678) >>> 0,
    h64: api.h64Raw(big, 0x0123_4567_89ab_cdefn).toString(16),
    textH32: api.h32(text) >>> 0,
    textH64: api.h64ToString(text, 99n),
  };
  const stream64 = api.create64(7n);
  const stream32 = api.create32(7);
  for (let offset = 0; offset < big.byteLength; ) {
    const size = random.below(300_000);
    const piece = big.subarray(offset, offset + size);
    stream64.update(piece);
    stream32.update(piece);
    offset += size;
  }
  const digest64 = stream64.digest();
  const streamed = { h64: digest64.toString(16), h32: stream32.digest() >>> 0, sameAsOneShot: digest64 === api.h64Raw(big, 7n) };
  const small = new Digest();
  for (let i = 0; i < 20_000; i++) {
    const start = random.below(text.length - 64);
    const piece = text.slice(start, start + random.below(64));
    small.add(api.h32ToString(piece, i)).add(api.h64(piece, BigInt(i)));
  }
  return { whole, streamed, small: small.hex() };
});
