/*
 * chacha20.c — the ChaCha20 stream cipher (RFC 8439 block function: 20 rounds over a
 * 4x4 matrix of 32-bit words, 32-bit block counter, 96-bit nonce) encrypting a
 * pseudo-random buffer in place several times with different nonces.
 *
 * Character: 32-bit add/rotate/xor chains on 16 live words (ARX), little-endian word
 * loads and stores, a streaming pass over a buffer that fits in L2. (Resembles the
 * Sightglass shootout "xchacha20" / "xblabla20" benchmarks.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define BUFFER_BYTES 16384
#define PASSES 2
#elif defined(SMALL_DATASET)
#define BUFFER_BYTES 262144
#define PASSES 16
#elif defined(MEDIUM_DATASET)
#define BUFFER_BYTES 1048576
#define PASSES 48
#elif defined(LARGE_DATASET)
#define BUFFER_BYTES 1048576
#define PASSES 240
#else /* EXTRALARGE_DATASET */
#define BUFFER_BYTES 4194304
#define PASSES 250
#endif

static inline uint32_t rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static inline uint32_t load_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

#define QUARTER(a, b, c, d)   \
  do {                        \
    a += b; d ^= a; d = rotl32(d, 16); \
    c += d; b ^= c; b = rotl32(b, 12); \
    a += b; d ^= a; d = rotl32(d, 8);  \
    c += d; b ^= c; b = rotl32(b, 7);  \
  } while (0)

/* One 64-byte keystream block for `input` (constants, key, counter, nonce). */
static void chacha20_block(const uint32_t input[16], uint8_t out[64]) {
  uint32_t x[16];
  for (int i = 0; i < 16; i++) x[i] = input[i];
  for (int i = 0; i < 10; i++) {
    QUARTER(x[0], x[4], x[8], x[12]);
    QUARTER(x[1], x[5], x[9], x[13]);
    QUARTER(x[2], x[6], x[10], x[14]);
    QUARTER(x[3], x[7], x[11], x[15]);
    QUARTER(x[0], x[5], x[10], x[15]);
    QUARTER(x[1], x[6], x[11], x[12]);
    QUARTER(x[2], x[7], x[8], x[13]);
    QUARTER(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) store_le32(out + 4 * i, x[i] + input[i]);
}

static void chacha20_xor(uint8_t *data, size_t bytes, const uint8_t key[32], const uint8_t nonce[12],
                         uint32_t counter) {
  uint32_t input[16];
  input[0] = load_le32((const uint8_t *)"expa");
  input[1] = load_le32((const uint8_t *)"nd 3");
  input[2] = load_le32((const uint8_t *)"2-by");
  input[3] = load_le32((const uint8_t *)"te k");
  for (int i = 0; i < 8; i++) input[4 + i] = load_le32(key + 4 * i);
  input[12] = counter;
  for (int i = 0; i < 3; i++) input[13 + i] = load_le32(nonce + 4 * i);
  uint8_t stream[64];
  while (bytes > 0) {
    chacha20_block(input, stream);
    size_t n = bytes < 64 ? bytes : 64;
    for (size_t i = 0; i < n; i++) data[i] ^= stream[i];
    data += n;
    bytes -= n;
    input[12]++;
  }
}

static void run(uint8_t *buffer, const uint8_t key[32]) {
  uint8_t nonce[12] = {0};
  for (uint32_t pass = 0; pass < PASSES; pass++) {
    store_le32(nonce + 4, pass);
    store_le32(nonce + 8, pass * 0x9e3779b9u);
    chacha20_xor(buffer, BUFFER_BYTES, key, nonce, pass);
  }
}

int main(void) {
  uint8_t *buffer = bench_alloc(BUFFER_BYTES);
  uint8_t key[32];
  uint64_t state = 0x853c49e6748fea9bULL; /* xorshift64 */
  for (size_t i = 0; i < BUFFER_BYTES + 32; i++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    uint8_t byte = (uint8_t)(state >> 32);
    if (i < 32) key[i] = byte;
    else buffer[i - 32] = byte;
  }

  bench_start();
  run(buffer, key);
  bench_end();

  checksum_bytes("chacha20.ciphertext", buffer, BUFFER_BYTES);
  free(buffer);
  return 0;
}
