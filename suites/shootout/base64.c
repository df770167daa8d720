/*
 * base64.c — Base64 (RFC 4648, standard alphabet with '=' padding) encoding of
 * pseudo-random buffers of varying lengths and decoding them back through a reverse
 * lookup table with validation, checking the round trip.
 *
 * Character: byte shuffling with shifts and masks, table lookups (encode by index,
 * decode by character), 3-to-4 and 4-to-3 byte groups with tail handling, a validity
 * branch per input character. (Resembles the Sightglass shootout "base64" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define INPUT_BYTES 20000
#define ROUNDS 2
#elif defined(SMALL_DATASET)
#define INPUT_BYTES 1000000
#define ROUNDS 6
#elif defined(MEDIUM_DATASET)
#define INPUT_BYTES 4000000
#define ROUNDS 20
#elif defined(LARGE_DATASET)
#define INPUT_BYTES 8000000
#define ROUNDS 50
#else /* EXTRALARGE_DATASET */
#define INPUT_BYTES 16000000
#define ROUNDS 130
#endif

#define ENCODED_BYTES(n) (((n) + 2) / 3 * 4)

static const char alphabet[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static int8_t reverse[256];

static void build_reverse(void) {
  for (int i = 0; i < 256; i++) reverse[i] = -1;
  for (int i = 0; i < 64; i++) reverse[(unsigned char)alphabet[i]] = (int8_t)i;
}

static size_t encode(char *out, const uint8_t *in, size_t n) {
  char *o = out;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    o[0] = alphabet[v >> 18];
    o[1] = alphabet[(v >> 12) & 63];
    o[2] = alphabet[(v >> 6) & 63];
    o[3] = alphabet[v & 63];
    o += 4;
  }
  if (i < n) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    o[0] = alphabet[v >> 18];
    o[1] = alphabet[(v >> 12) & 63];
    o[2] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
    o[3] = '=';
    o += 4;
  }
  return (size_t)(o - out);
}

/* Returns the decoded length, or (size_t)-1 on malformed input. */
static size_t decode(uint8_t *out, const char *in, size_t n) {
  if (n % 4 != 0) return (size_t)-1;
  uint8_t *o = out;
  for (size_t i = 0; i < n; i += 4) {
    int a = reverse[(unsigned char)in[i]], b = reverse[(unsigned char)in[i + 1]];
    if (a < 0 || b < 0) return (size_t)-1;
    if (i + 4 == n && in[i + 3] == '=') { /* final, padded group */
      *o++ = (uint8_t)(a << 2 | b >> 4);
      if (in[i + 2] != '=') {
        int c = reverse[(unsigned char)in[i + 2]];
        if (c < 0) return (size_t)-1;
        *o++ = (uint8_t)((b & 15) << 4 | c >> 2);
      }
      break;
    }
    int c = reverse[(unsigned char)in[i + 2]], d = reverse[(unsigned char)in[i + 3]];
    if (c < 0 || d < 0) return (size_t)-1;
    uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
    o[0] = (uint8_t)(v >> 16);
    o[1] = (uint8_t)(v >> 8);
    o[2] = (uint8_t)v;
    o += 3;
  }
  return (size_t)(o - out);
}

static void run(uint8_t *data, char *encoded, uint8_t *decoded, int32_t *results) {
  for (int r = 0; r < ROUNDS; r++) {
    /* Lengths vary so every padding case occurs. */
    size_t n = INPUT_BYTES - (size_t)(r * 7919) % 1024;
    size_t e = encode(encoded, data, n);
    size_t d = decode(decoded, encoded, e);
    int32_t mismatches = d == n ? 0 : 1;
    if (d == n && memcmp(decoded, data, n) != 0) mismatches = 1;
    results[3 * r] = (int32_t)e;
    results[3 * r + 1] = mismatches;
    results[3 * r + 2] = (int32_t)(unsigned char)encoded[(size_t)r * 104729 % e];
    /* Perturb the input for the next round with the decoded bytes themselves. */
    data[(size_t)r * 31 % n] ^= decoded[n - 1];
  }
}

int main(void) {
  uint8_t *data = bench_alloc(INPUT_BYTES);
  char *encoded = bench_alloc(ENCODED_BYTES(INPUT_BYTES));
  uint8_t *decoded = bench_alloc(INPUT_BYTES);
  int32_t *results = bench_alloc(3 * ROUNDS * sizeof(int32_t));
  uint32_t state = 0x510e527fu; /* xorshift32 */
  for (size_t i = 0; i < INPUT_BYTES; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    data[i] = (uint8_t)(state >> 11);
  }
  build_reverse();

  bench_start();
  run(data, encoded, decoded, results);
  bench_end();

  checksum_i32("base64.results", results, 3 * ROUNDS);
  checksum_bytes("base64.encoded", encoded, ENCODED_BYTES(INPUT_BYTES));
  free(data);
  free(encoded);
  free(decoded);
  free(results);
  return 0;
}
