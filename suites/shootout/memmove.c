/*
 * memmove.c — a stream of overlapping and disjoint block moves inside one buffer: many
 * short moves (1..64 bytes, call overhead and tail handling), medium ones and a few
 * large ones (up to 256 KiB), in both directions, interleaved with memset fills and a
 * hand-written word-wise copy with a stride.
 *
 * Character: memory bandwidth and the quality of memmove/memcpy/memset (libc routines
 * or bulk-memory instructions in wasm), unaligned addresses, overlap in both
 * directions. (Resembles the Sightglass shootout "memmove" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define BUFFER_BYTES (256u * 1024u)
#define OPERATIONS 1000
#elif defined(SMALL_DATASET)
#define BUFFER_BYTES (2u * 1024u * 1024u)
#define OPERATIONS 40000
#elif defined(MEDIUM_DATASET)
#define BUFFER_BYTES (8u * 1024u * 1024u)
#define OPERATIONS 400000
#elif defined(LARGE_DATASET)
#define BUFFER_BYTES (16u * 1024u * 1024u)
#define OPERATIONS 800000
#else /* EXTRALARGE_DATASET */
#define BUFFER_BYTES (32u * 1024u * 1024u)
#define OPERATIONS 5000000
#endif

#define LARGE_MOVE_MAX (256u * 1024u)

typedef struct {
  uint64_t s;
} rng;

static inline uint32_t next(rng *r) { /* xorshift64*, upper half */
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Word-wise copy of `words` 32-bit words taking every `stride`-th word of the source. */
static void strided_gather(uint32_t *dst, const uint8_t *src, size_t words, size_t stride) {
  for (size_t i = 0; i < words; i++) {
    uint32_t word;
    memcpy(&word, src + 4 * i * stride, sizeof word);
    dst[i] = word;
  }
}

static uint64_t run(uint8_t *buffer, uint32_t *scratch) {
  rng r = {0x6a09e667f3bcc908ULL};
  uint64_t trace = 0;
  for (uint32_t op = 0; op < OPERATIONS; op++) {
    uint32_t choice = next(&r);
    uint32_t size;
    switch (choice & 15) {
      case 0: size = (next(&r) % LARGE_MOVE_MAX) + 1; break;        /* large */
      case 1: case 2: case 3: size = (next(&r) % 4096) + 1; break;  /* medium */
      default: size = (next(&r) % 64) + 1; break;                   /* short */
    }
    uint32_t src = next(&r) % (BUFFER_BYTES - size + 1);
    uint32_t dst;
    if (choice & 0x100) {
      /* Overlapping move: destination within one size of the source, either side. */
      uint32_t shift = next(&r) % size + 1;
      if ((choice & 0x200) && src >= shift) dst = src - shift;
      else dst = src + shift <= BUFFER_BYTES - size ? src + shift : src;
    } else {
      dst = next(&r) % (BUFFER_BYTES - size + 1);
    }
    if ((choice & 0xf000) == 0x3000) memset(buffer + dst, (int)(choice >> 24), size);
    else memmove(buffer + dst, buffer + src, size);
    buffer[dst] ^= (uint8_t)op; /* keep every move observable */
    trace = trace * 31 + buffer[(dst + size / 2) % BUFFER_BYTES];
    if ((op & 1023) == 1023) {
      size_t words = 4096;
      size_t stride = 1 + (next(&r) & 7);
      size_t start = next(&r) % (BUFFER_BYTES / 4 - words * stride);
      strided_gather(scratch, buffer + 4 * start, words, stride);
      memcpy(buffer + (next(&r) % (BUFFER_BYTES - words * 4)), scratch, words * 4);
    }
  }
  return trace;
}

int main(void) {
  uint8_t *buffer = bench_alloc(BUFFER_BYTES);
  uint32_t *scratch = bench_alloc(4096 * sizeof(uint32_t));
  uint32_t state = 0xdeadbeefu; /* xorshift32 */
  for (size_t i = 0; i < BUFFER_BYTES; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    buffer[i] = (uint8_t)state;
  }

  bench_start();
  uint64_t trace = run(buffer, scratch);
  bench_end();

  checksum_u64("memmove.trace", &trace, 1);
  checksum_bytes("memmove.buffer", buffer, BUFFER_BYTES);
  free(buffer);
  free(scratch);
  return 0;
}
