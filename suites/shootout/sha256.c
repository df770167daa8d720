/*
 * sha256.c — SHA-256 (FIPS 180-4) building a binary Merkle tree over a pseudo-random
 * buffer: every 1 KiB leaf is hashed, then pairs of 32-byte digests are hashed level by
 * level up to a single root; the tree is rebuilt several times, each time over a buffer
 * whose head is the previous root.
 *
 * Character: 32-bit rotate/shift/add/xor rounds with a 64-entry message schedule kept in
 * memory, big-endian word loads, many short messages (padding, call overhead) besides
 * the long ones. (Resembles the hashing kernels of the Sightglass shootout, e.g.
 * "seqhash"/"keccak", with a different primitive.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define LEAVES 16
#define REBUILDS 1
#elif defined(SMALL_DATASET)
#define LEAVES 1024
#define REBUILDS 1
#elif defined(MEDIUM_DATASET)
#define LEAVES 8192
#define REBUILDS 3
#elif defined(LARGE_DATASET)
#define LEAVES 16384
#define REBUILDS 6
#else /* EXTRALARGE_DATASET */
#define LEAVES 65536
#define REBUILDS 8
#endif

#define LEAF_BYTES 1024

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t block[64]) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 | (uint32_t)block[4 * i + 2] << 8 |
           (uint32_t)block[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = k + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += k;
}

static void sha256(const uint8_t *message, size_t bytes, uint8_t digest[32]) {
  uint32_t h[8];
  for (int i = 0; i < 8; i++) h[i] = H0[i];
  uint64_t bit_length = (uint64_t)bytes * 8;
  while (bytes >= 64) {
    compress(h, message);
    message += 64;
    bytes -= 64;
  }
  uint8_t tail[128] = {0};
  memcpy(tail, message, bytes);
  tail[bytes] = 0x80;
  size_t tail_bytes = bytes + 9 <= 64 ? 64 : 128;
  for (int i = 0; i < 8; i++) tail[tail_bytes - 1 - i] = (uint8_t)(bit_length >> (8 * i));
  compress(h, tail);
  if (tail_bytes == 128) compress(h, tail + 64);
  for (int i = 0; i < 8; i++) {
    digest[4 * i] = (uint8_t)(h[i] >> 24);
    digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
    digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
    digest[4 * i + 3] = (uint8_t)h[i];
  }
}

/* Root of the Merkle tree over `data`; `nodes` holds LEAVES digests of scratch space. */
static void merkle_root(const uint8_t *data, uint8_t *nodes, uint8_t root[32]) {
  for (size_t i = 0; i < LEAVES; i++) sha256(data + i * LEAF_BYTES, LEAF_BYTES, nodes + i * 32);
  for (size_t width = LEAVES; width > 1; width /= 2)
    for (size_t i = 0; i < width / 2; i++) sha256(nodes + i * 64, 64, nodes + i * 32);
  memcpy(root, nodes, 32);
}

static void run(uint8_t *data, uint8_t *nodes, uint8_t *roots) {
  for (int r = 0; r < REBUILDS; r++) {
    merkle_root(data, nodes, roots + 32 * r);
    memcpy(data, roots + 32 * r, 32);
  }
}

int main(void) {
  uint8_t *data = bench_alloc((size_t)LEAVES * LEAF_BYTES);
  uint8_t *nodes = bench_alloc((size_t)LEAVES * 32);
  uint8_t *roots = bench_alloc((size_t)REBUILDS * 32);
  uint32_t state = 0x1234567u; /* LCG, Numerical Recipes constants */
  for (size_t i = 0; i < (size_t)LEAVES * LEAF_BYTES; i++) {
    state = state * 1664525u + 1013904223u;
    data[i] = (uint8_t)(state >> 24);
  }

  bench_start();
  run(data, nodes, roots);
  bench_end();

  checksum_bytes("sha256.roots", roots, (size_t)REBUILDS * 32);
  checksum_bytes("sha256.level1", nodes, 64);
  free(data);
  free(nodes);
  free(roots);
  return 0;
}
