/*
 * hashmap.c — an open-addressing hash map (linear probing, backward-shift deletion,
 * doubling when 3/4 full) from 64-bit keys to 64-bit values, driven by a pseudo-random
 * mix of inserts (with repeated keys), successful and failing lookups and deletions;
 * a second phase counts word frequencies with short string keys hashed by FNV-1a.
 *
 * Character: hashing (multiply/xor-shift), unpredictable probe loops and branches,
 * random access over tables larger than the caches, periodic rehashing with large
 * allocations, byte-wise string compares. (Resembles hash-table workloads such as the
 * Benchmarks Game "k-nucleotide"; no direct Sightglass counterpart.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define OPERATIONS 4000
#define KEY_SPACE 2000u
#define WORDS 2000
#elif defined(SMALL_DATASET)
#define OPERATIONS 200000
#define KEY_SPACE 100000u
#define WORDS 60000
#elif defined(MEDIUM_DATASET)
#define OPERATIONS 2500000
#define KEY_SPACE 1000000u
#define WORDS 600000
#elif defined(LARGE_DATASET)
#define OPERATIONS 6000000
#define KEY_SPACE 2000000u
#define WORDS 1500000
#else /* EXTRALARGE_DATASET */
#define OPERATIONS 40000000
#define KEY_SPACE 3000000u
#define WORDS 2000000
#endif

#define EMPTY_KEY 0 /* keys are never 0: they are produced as odd numbers */

typedef struct {
  uint64_t *keys;
  uint64_t *values;
  size_t capacity; /* power of two */
  size_t count;
} int_map;

static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

static void map_init(int_map *m, size_t capacity) {
  m->keys = bench_alloc(capacity * sizeof(uint64_t));
  m->values = bench_alloc(capacity * sizeof(uint64_t));
  m->capacity = capacity;
  m->count = 0;
}

static void map_put(int_map *m, uint64_t key, uint64_t value);

static void map_grow(int_map *m) {
  int_map bigger;
  map_init(&bigger, m->capacity * 2);
  for (size_t i = 0; i < m->capacity; i++)
    if (m->keys[i] != EMPTY_KEY) map_put(&bigger, m->keys[i], m->values[i]);
  free(m->keys);
  free(m->values);
  *m = bigger;
}

/* Inserts or overwrites; returns nothing, counts new keys. */
static void map_put(int_map *m, uint64_t key, uint64_t value) {
  if ((m->count + 1) * 4 > m->capacity * 3) map_grow(m);
  size_t mask = m->capacity - 1;
  size_t i = (size_t)mix64(key) & mask;
  while (m->keys[i] != EMPTY_KEY) {
    if (m->keys[i] == key) {
      m->values[i] = value;
      return;
    }
    i = (i + 1) & mask;
  }
  m->keys[i] = key;
  m->values[i] = value;
  m->count++;
}

static int map_get(const int_map *m, uint64_t key, uint64_t *value) {
  size_t mask = m->capacity - 1;
  size_t i = (size_t)mix64(key) & mask;
  while (m->keys[i] != EMPTY_KEY) {
    if (m->keys[i] == key) {
      *value = m->values[i];
      return 1;
    }
    i = (i + 1) & mask;
  }
  return 0;
}

/* Deletion by backward shift: later members of the probe run move into the hole. */
static int map_remove(int_map *m, uint64_t key) {
  size_t mask = m->capacity - 1;
  size_t i = (size_t)mix64(key) & mask;
  while (m->keys[i] != key) {
    if (m->keys[i] == EMPTY_KEY) return 0;
    i = (i + 1) & mask;
  }
  size_t hole = i;
  for (size_t j = (hole + 1) & mask; m->keys[j] != EMPTY_KEY; j = (j + 1) & mask) {
    size_t home = (size_t)mix64(m->keys[j]) & mask;
    /* Move j into the hole unless its home lies cyclically in (hole, j]. */
    int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      m->keys[hole] = m->keys[j];
      m->values[hole] = m->values[j];
      hole = j;
    }
  }
  m->keys[hole] = EMPTY_KEY;
  m->values[hole] = 0;
  m->count--;
  return 1;
}

/* String-keyed map for the word count: keys are offsets into an arena of words. */
typedef struct {
  uint32_t *slots; /* 1 + index into `entries`, 0 = empty */
  size_t capacity;
  struct entry {
    uint32_t hash, count, offset, length;
  } *entries;
  size_t count;
} word_map;

static uint32_t fnv32(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void word_add(word_map *w, const char *arena, const char *s, size_t n, uint32_t offset) {
  uint32_t h = fnv32(s, n);
  size_t mask = w->capacity - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t slot = w->slots[i];
    if (slot == 0) {
      struct entry *e = &w->entries[w->count];
      e->hash = h;
      e->count = 1;
      e->offset = offset;
      e->length = (uint32_t)n;
      w->slots[i] = (uint32_t)++w->count;
      return;
    }
    struct entry *e = &w->entries[slot - 1];
    if (e->hash == h && e->length == n && memcmp(arena + e->offset, s, n) == 0) {
      e->count++;
      return;
    }
  }
}

static void run(uint64_t seed, const char *text, const uint32_t *word_offsets, uint64_t *results,
                word_map *words) {
  int_map m;
  map_init(&m, 16);
  uint64_t found_sum = 0, hits = 0, misses = 0, removed = 0;
  uint64_t state = seed; /* xorshift64*: the operation stream */
  for (size_t i = 0; i < OPERATIONS; i++) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint32_t r = (uint32_t)((state * 0x2545f4914f6cdd1dULL) >> 32);
    uint64_t key = 2 * (uint64_t)(r % KEY_SPACE) + 1;
    uint64_t value;
    switch (r >> 29) {
      case 0: case 1: case 2: case 3: map_put(&m, key, (uint64_t)i * 0x9e3779b97f4a7c15ULL); break;
      case 4: case 5:
        if (map_get(&m, key, &value)) {
          hits++;
          found_sum += value;
        } else {
          misses++;
        }
        break;
      case 6: removed += (uint64_t)map_remove(&m, key); break;
      default:
        if (map_get(&m, key + 2 * KEY_SPACE, &value)) found_sum += 1; /* never present */
        else misses++;
        break;
    }
  }
  uint64_t table_hash = BENCH_FNV_OFFSET;
  for (size_t i = 0; i < m.capacity; i++)
    if (m.keys[i] != EMPTY_KEY) table_hash = (table_hash ^ mix64(m.keys[i] + m.values[i])) * 0x100000001b3ULL;
  results[0] = found_sum;
  results[1] = hits;
  results[2] = misses;
  results[3] = removed;
  results[4] = m.count;
  results[5] = m.capacity;
  results[6] = table_hash;
  free(m.keys);
  free(m.values);

  for (size_t i = 0; i < WORDS; i++) {
    uint32_t start = word_offsets[i], end = word_offsets[i + 1] - 1; /* words end in ' ' */
    word_add(words, text, text + start, end - start, start);
  }
  results[7] = words->count;
}

int main(void) {
  uint64_t state = 0x3c6ef372fe94f82bULL; /* xorshift64* */
  /* Words: 1-6 letters from a skewed alphabet, each followed by a space. */
  char *text = bench_alloc((size_t)WORDS * 7 + 1);
  uint32_t *word_offsets = bench_alloc((WORDS + 1) * sizeof(uint32_t));
  size_t n = 0;
  for (size_t i = 0; i < WORDS; i++) {
    word_offsets[i] = (uint32_t)n;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint64_t r = state * 0x2545f4914f6cdd1dULL;
    int length = 1 + (int)(r % 6);
    r >>= 3;
    for (int k = 0; k < length; k++) {
      unsigned v = (unsigned)(r & 31);
      r >>= 5;
      text[n++] = (char)('a' + (v < 26 ? v : v - 26)); /* a-f twice as likely */
    }
    text[n++] = ' ';
  }
  word_offsets[WORDS] = (uint32_t)n;
  word_map words;
  words.capacity = 1;
  while (words.capacity < 2 * (size_t)WORDS) words.capacity *= 2;
  words.slots = bench_alloc(words.capacity * sizeof(uint32_t));
  words.entries = bench_alloc((size_t)WORDS * sizeof(struct entry));
  words.count = 0;
  uint64_t results[8];

  bench_start();
  run(0xbb67ae8584caa73bULL, text, word_offsets, results, &words);
  bench_end();

  checksum_u64("hashmap.results", results, 8);
  int32_t *counts = bench_alloc(words.count * sizeof(int32_t) + 1);
  for (size_t i = 0; i < words.count; i++) counts[i] = (int32_t)words.entries[i].count;
  checksum_i32("hashmap.words", counts, words.count);
  free(counts);
  free(text);
  free(word_offsets);
  free(words.slots);
  free(words.entries);
  return 0;
}
