/*
 * strings.c — C-string processing over a generated text of words, punctuation and
 * newlines: lines are cut with strchr, measured with strlen and tokenised strtok-style
 * with strspn/strcspn; each token is hashed, compared with its predecessor (strcmp),
 * case-folded and reversed in place by hand-written loops; a few patterns are counted
 * with a hand-written substring search and with strstr.
 *
 * Character: byte-at-a-time loops with data-dependent exits, short unpredictable
 * trip counts, calls into libc string routines (wasi-libc's word-at-a-time versions in
 * wasm), character-class branches. (Resembles the string handling of the Sightglass
 * shootout "ctype"/"strcat"-style programs.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define TEXT_BYTES 8000
#define PASSES 1
#elif defined(SMALL_DATASET)
#define TEXT_BYTES 200000
#define PASSES 2
#elif defined(MEDIUM_DATASET)
#define TEXT_BYTES 1000000
#define PASSES 6
#elif defined(LARGE_DATASET)
#define TEXT_BYTES 4000000
#define PASSES 8
#else /* EXTRALARGE_DATASET */
#define TEXT_BYTES 8000000
#define PASSES 24
#endif

static const char *const syllables[] = {"ka", "lo", "min", "ter", "a",  "qu", "zen", "dor", "pe", "ix",
                                        "ul", "st", "rha", "o", "ven", "by", "cel", "tra", "e", "ng"};
static const char *const patterns[] = {"ka", "terix", "zen dor", "o, ", "lo."};
#define PATTERNS 5

static const char delimiters[] = " ,.;:!?\t";

static size_t my_strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

static int my_strcmp(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (unsigned char)*a - (unsigned char)*b;
}

static size_t count_occurrences(const char *text, const char *pattern) {
  size_t count = 0;
  size_t m = my_strlen(pattern);
  for (const char *p = text; *p; p++) {
    size_t k = 0;
    while (k < m && p[k] == pattern[k]) k++;
    if (k == m) count++;
  }
  return count;
}

static uint32_t fold_and_reverse(char *word, size_t length, uint32_t *vowels) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < length; i++) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    switch (c) {
      case 'A': case 'E': case 'I': case 'O': case 'U': (*vowels)++; break;
      default: break;
    }
    word[i] = c;
    hash = (hash ^ (unsigned char)c) * 16777619u;
  }
  for (size_t i = 0, j = length; i + 1 < j; i++, j--) {
    char t = word[i];
    word[i] = word[j - 1];
    word[j - 1] = t;
  }
  return hash;
}

/* One pass over a private copy of the text; `stats` accumulates the results. */
static void process(char *text, uint64_t *stats) {
  char *line = text;
  while (*line) {
    char *newline = strchr(line, '\n');
    if (newline) *newline = '\0';
    stats[0] += strlen(line);
    stats[1]++;
    char *cursor = line;
    const char *previous = NULL;
    for (;;) {
      cursor += strspn(cursor, delimiters);
      if (!*cursor) break;
      size_t length = strcspn(cursor, delimiters);
      char saved = cursor[length];
      cursor[length] = '\0';
      stats[2]++;
      if (length > stats[3]) stats[3] = length;
      if (previous) {
        int order = my_strcmp(previous, cursor);
        stats[4] += order < 0 ? 1 : order > 0 ? 1000000 : 0;
      }
      uint32_t vowels = 0;
      stats[5] += fold_and_reverse(cursor, length, &vowels);
      stats[6] += vowels;
      previous = cursor;
      cursor[length] = saved;
      cursor += length;
    }
    if (!newline) break;
    *newline = '\n';
    line = newline + 1;
  }
}

static void run(const char *text, char *work, uint64_t *stats) {
  for (int pass = 0; pass < PASSES; pass++) {
    memcpy(work, text, TEXT_BYTES + 1);
    for (int k = 0; k < PATTERNS; k++) stats[7 + k] += count_occurrences(work, patterns[k]);
    const char *hit = work;
    while ((hit = strstr(hit, "zen")) != NULL) {
      stats[12]++;
      hit += 3;
    }
    process(work, stats);
    stats[13] += my_strlen(work);
    stats[14] += bench_fnv1a(BENCH_FNV_OFFSET, work, TEXT_BYTES);
  }
}

int main(void) {
  char *text = bench_alloc(TEXT_BYTES + 1);
  char *work = bench_alloc(TEXT_BYTES + 1);
  uint64_t stats[15] = {0};
  uint32_t state = 0x3c6ef372u; /* xorshift32 */
  size_t n = 0;
  while (n < TEXT_BYTES) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    uint32_t r = state;
    if ((r & 7) == 0 && n > 0 && text[n - 1] != ' ') {
      static const char separators[] = ",.;:!?\n\n\t";
      text[n++] = separators[(r >> 3) % 9];
      if (n < TEXT_BYTES) text[n++] = ' ';
    } else if ((r & 3) == 1) {
      text[n++] = ' ';
    } else {
      const char *s = syllables[(r >> 8) % 20];
      if ((r >> 16) % 7 == 0 && n < TEXT_BYTES) text[n++] = (char)('A' + (r >> 20) % 26);
      while (*s && n < TEXT_BYTES) text[n++] = *s++;
    }
  }
  text[TEXT_BYTES] = '\0';

  bench_start();
  run(text, work, stats);
  bench_end();

  checksum_u64("strings.stats", stats, 15);
  checksum_bytes("strings.text", work, TEXT_BYTES);
  free(text);
  free(work);
  return 0;
}
