/*
 * keccak.c — the Keccak-f[1600] permutation driving a SHAKE128 sponge (rate 168 bytes):
 * a pseudo-random message is hashed repeatedly, each round's 32-byte output being fed
 * back into the head of the message.
 *
 * Character: 64-bit rotates, XOR and AND-NOT on 25 live 64-bit lanes (heavy register
 * pressure, a hard case on 32-bit-register-poor code generators), byte-wise lane loads.
 * The round constants and rotation offsets are derived at start-up from their defining
 * LFSR and (x, y) walk (FIPS 202). (Resembles the Sightglass shootout "keccak" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define MESSAGE_BYTES 8000
#define ROUNDS 4
#elif defined(SMALL_DATASET)
#define MESSAGE_BYTES 200000
#define ROUNDS 16
#elif defined(MEDIUM_DATASET)
#define MESSAGE_BYTES 1000000
#define ROUNDS 40
#elif defined(LARGE_DATASET)
#define MESSAGE_BYTES 2000000
#define ROUNDS 100
#else /* EXTRALARGE_DATASET */
#define MESSAGE_BYTES 4000000
#define ROUNDS 300
#endif

#define RATE 168 /* SHAKE128: 1600 - 2 * 128 bits */
#define DIGEST_BYTES 32

static uint64_t round_constants[24];
static unsigned rotation[25];

static inline uint64_t rotl64(uint64_t x, unsigned n) {
  n &= 63;
  return n ? (x << n) | (x >> (64 - n)) : x;
}

/* rc(t) of FIPS 202: the LFSR x^8 + x^6 + x^5 + x^4 + 1, one output bit per step. */
static void derive_constants(void) {
  uint8_t lfsr = 1;
  int bits[24 * 7];
  for (int t = 0; t < 24 * 7; t++) {
    bits[t] = lfsr & 1;
    int high = lfsr & 0x80;
    lfsr = (uint8_t)(lfsr << 1);
    if (high) lfsr ^= 0x71;
  }
  for (int i = 0; i < 24; i++) {
    uint64_t rc = 0;
    for (int j = 0; j < 7; j++)
      if (bits[7 * i + j]) rc |= 1ULL << ((1u << j) - 1);
    round_constants[i] = rc;
  }
  unsigned x = 1, y = 0;
  rotation[0] = 0;
  for (unsigned t = 0; t < 24; t++) {
    rotation[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    unsigned nx = y, ny = (2 * x + 3 * y) % 5;
    x = nx;
    y = ny;
  }
}

static void keccak_f1600(uint64_t s[25]) {
  uint64_t c[5], b[25];
  for (int round = 0; round < 24; round++) {
    for (int x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
    for (int x = 0; x < 5; x++) {
      uint64_t d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) s[x + y] ^= d;
    }
    /* rho and pi: lane (x, y) moves to (y, 2x + 3y). */
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(s[x + 5 * y], rotation[x + 5 * y]);
    for (int y = 0; y < 25; y += 5)
      for (int x = 0; x < 5; x++) s[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
    s[0] ^= round_constants[round];
  }
}

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void absorb_block(uint64_t s[25], const uint8_t *block) {
  for (int i = 0; i < RATE / 8; i++) s[i] ^= load_le64(block + 8 * i);
  keccak_f1600(s);
}

/* SHAKE128(message) truncated to `out_bytes` (at most RATE). */
static void shake128(const uint8_t *message, size_t bytes, uint8_t *out, size_t out_bytes) {
  uint64_t s[25] = {0};
  while (bytes >= RATE) {
    absorb_block(s, message);
    message += RATE;
    bytes -= RATE;
  }
  uint8_t last[RATE] = {0};
  memcpy(last, message, bytes);
  last[bytes] ^= 0x1f;
  last[RATE - 1] ^= 0x80;
  absorb_block(s, last);
  for (size_t i = 0; i < out_bytes; i++) out[i] = (uint8_t)(s[i / 8] >> (8 * (i % 8)));
}

static void run(uint8_t *message, uint8_t *digests) {
  for (int r = 0; r < ROUNDS; r++) {
    uint8_t *digest = digests + (size_t)r * DIGEST_BYTES;
    shake128(message, MESSAGE_BYTES, digest, DIGEST_BYTES);
    memcpy(message, digest, DIGEST_BYTES);
  }
}

int main(void) {
  uint8_t *message = bench_alloc(MESSAGE_BYTES);
  uint8_t *digests = bench_alloc((size_t)ROUNDS * DIGEST_BYTES);
  uint32_t state = 0x6b43a9b5u; /* xorshift32 */
  for (size_t i = 0; i < MESSAGE_BYTES; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    message[i] = (uint8_t)(state >> 24);
  }
  derive_constants();

  bench_start();
  run(message, digests);
  bench_end();

  checksum_bytes("keccak.digests", digests, (size_t)ROUNDS * DIGEST_BYTES);
  checksum_bytes("keccak.last", digests + (size_t)(ROUNDS - 1) * DIGEST_BYTES, DIGEST_BYTES);
  free(message);
  free(digests);
  return 0;
}
