// Stage: drop-in tier, workload for hash-wasm (hash functions in hand-tuned C built with clang
// to wasm, one small module per algorithm, embedded in the JS). Hashes MB-sized generated
// data with twenty algorithms, streams it through incremental hashers in uneven pieces, and
// runs the password hashes; argon2id with a 16 MiB memory cost grows the module's memory
// inside the call.

import { Digest, SeededRandom, inputScale, runWorkload } from './support.js';
import * as hash from 'hash-wasm';

await runWorkload(async () => {
  const random = new SeededRandom(0x5eed_000b);
  const data = random.bytes(4 * 1024 * 1024 * inputScale());
  const oneShot: Record<string, string> = {
    md4: await hash.md4(data),
    md5: await hash.md5(data),
    sha1: await hash.sha1(data),
    sha224: await hash.sha224(data),
    sha256: await hash.sha256(data),
    sha384: await hash.sha384(data),
    sha512: await hash.sha512(data),
    sha3_256: await hash.sha3(data, 256),
    keccak512: await hash.keccak(data, 512),
    blake2b: await hash.blake2b(data, 384),
    blake2s: await hash.blake2s(data, 256),
    blake3: await hash.blake3(data, 256),
    ripemd160: await hash.ripemd160(data),
    whirlpool: await hash.whirlpool(data),
    sm3: await hash.sm3(data),
    crc32: await hash.crc32(data),
    crc32c: await hash.crc32(data, 0x82f63b78),
    crc64: await hash.crc64(data),
    adler32: await hash.adler32(data),
    xxhash32: await hash.xxhash32(data, 17),
    xxhash64: await hash.xxhash64(data, 17, 0),
    xxhash3: await hash.xxhash3(data),
    xxhash128: await hash.xxhash128(data),
  };
  const streamed: Record<string, string> = {};
  for (const [name, create] of [['sha256', hash.createSHA256], ['blake3', () => hash.createBLAKE3(256)], ['sha512', hash.createSHA512], ['xxhash128', () => hash.createXXHash128()]] as const) {
    const hasher = await create();
    hasher.init();
    for (let offset = 0; offset < data.byteLength; ) {
      const size = random.below(150_000);
      hasher.update(data.subarray(offset, offset + size));
      offset += size;
    }
    streamed[name] = hasher.digest('hex');
  }
  const agrees = streamed.sha256 === oneShot.sha256 && streamed.blake3 === oneShot.blake3 && streamed.sha512 === oneShot.sha512;
  const salt = data.subarray(0, 16);
  const passwords = {
    argon2id: await hash.argon2id({ password: 'correct horse', salt, parallelism: 1, iterations: 2, memorySize: 16 * 1024, hashLength: 32, outputType: 'hex' }),
    argon2i: await hash.argon2i({ password: data.subarray(100, 164), salt, parallelism: 2, iterations: 1, memorySize: 4096, hashLength: 24, outputType: 'hex' }),
    bcrypt: await hash.bcrypt({ password: 'battery staple', salt, costFactor: 6, outputType: 'encoded' }),
    pbkdf2: await hash.pbkdf2({ password: 'pw', salt, iterations: 2000, hashLength: 32, hashFunction: hash.createSHA256(), outputType: 'hex' }),
    scrypt: await hash.scrypt({ password: 'pw', salt, costFactor: 1024, blockSize: 8, parallelism: 1, hashLength: 32, outputType: 'hex' }),
  };
  const hmac = await hash.createHMAC(hash.createSHA1(), 'key');
  hmac.init();
  hmac.update(data.subarray(0, 100_000));
  const small = new Digest();
  for (let i = 0; i < 2000; i++) {
    const piece = data.subarray(i * 37, i * 37 + (i % 300));
    small.add(await hash.md5(piece)).add(await hash.xxhash64(piece, i));
  }
  return { bytes: data.byteLength, oneShot, streamed, agrees, passwords, hmacSha1: hmac.digest('hex'), small: small.hex() };
});
