/*
 * minicsv.c — a small RFC 4180-style CSV parser run over generated records: quoted
 * fields with embedded commas, doubled quotes and line breaks, CRLF and LF line ends,
 * integer and fixed-point decimal columns. Each record is parsed by a character-level
 * state machine; the numeric columns are converted and summed per category and the
 * unescaped text fields are hashed.
 *
 * Character: a byte-driven state machine (switch on state, branches on character
 * class), short variable-length fields, integer parsing with multiply-add chains, a tiny
 * lookup of categories. (Resembles the Sightglass shootout "minicsv" benchmark.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define RECORDS 300
#define PASSES 1
#elif defined(SMALL_DATASET)
#define RECORDS 15000
#define PASSES 2
#elif defined(MEDIUM_DATASET)
#define RECORDS 100000
#define PASSES 4
#elif defined(LARGE_DATASET)
#define RECORDS 250000
#define PASSES 6
#else /* EXTRALARGE_DATASET */
#define RECORDS 500000
#define PASSES 20
#endif

#define COLUMNS 5
#define CATEGORIES 8
#define MAX_FIELD 256

static const char *const category_names[CATEGORIES] = {"alpha", "bravo", "charlie", "delta",
                                                        "echo",  "fox",   "golf",    "hotel"};
static const char *const words[] = {"red", "green", "blue", "say \"hi\"", "a,b", "two\nlines", "x", "lorem ipsum"};

typedef struct {
  char *p;
  size_t used, capacity;
} text_buffer;

static void put(text_buffer *t, const char *s, size_t n) {
  if (t->used + n + 1 > t->capacity) {
    fprintf(stderr, "minicsv: text buffer too small\n");
    exit(2);
  }
  memcpy(t->p + t->used, s, n);
  t->used += n;
}

static void put_str(text_buffer *t, const char *s) { put(t, s, strlen(s)); }

static void put_int(text_buffer *t, int64_t v) {
  char digits[24];
  int n = snprintf(digits, sizeof digits, "%lld", (long long)v);
  put(t, digits, (size_t)n);
}

/* A field as it appears in CSV: quoted when it contains ",\"\n", quotes doubled. */
static void put_field(text_buffer *t, const char *s, int force_quotes) {
  int quote = force_quotes || strpbrk(s, ",\"\n") != NULL;
  if (quote) put(t, "\"", 1);
  for (; *s; s++) {
    if (*s == '"') put(t, "\"\"", 2);
    else put(t, s, 1);
  }
  if (quote) put(t, "\"", 1);
}

typedef struct {
  int64_t count[CATEGORIES];
  int64_t quantity[CATEGORIES];
  int64_t cents[CATEGORIES];
  uint64_t text_hash;
  int64_t fields, records, errors, longest;
} totals;

static int64_t parse_int(const char *s, size_t n, int *ok) {
  int64_t sign = 1, v = 0;
  size_t i = 0;
  if (i < n && s[i] == '-') {
    sign = -1;
    i++;
  }
  if (i == n) *ok = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      *ok = 0;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return sign * v;
}

/* "-12.34" -> -1234 (exactly two decimals expected). */
static int64_t parse_cents(const char *s, size_t n, int *ok) {
  const char *dot = memchr(s, '.', n);
  if (!dot || (size_t)(s + n - dot) != 3) {
    *ok = 0;
    return 0;
  }
  int64_t whole = parse_int(s, (size_t)(dot - s), ok);
  int64_t fraction = parse_int(dot + 1, 2, ok);
  return s[0] == '-' ? whole * 100 - fraction : whole * 100 + fraction;
}

static int category_index(const char *s, size_t n) {
  for (int i = 0; i < CATEGORIES; i++)
    if (strlen(category_names[i]) == n && memcmp(category_names[i], s, n) == 0) return i;
  return -1;
}

static void end_record(totals *t, char fields[COLUMNS][MAX_FIELD], size_t lengths[COLUMNS], int field_count) {
  t->records++;
  if (t->records == 1) return; /* header */
  if (field_count != COLUMNS) {
    t->errors++;
    return;
  }
  int ok = 1;
  (void)parse_int(fields[0], lengths[0], &ok); /* id */
  int category = category_index(fields[1], lengths[1]);
  int64_t quantity = parse_int(fields[2], lengths[2], &ok);
  int64_t cents = parse_cents(fields[3], lengths[3], &ok);
  if (!ok || category < 0) {
    t->errors++;
    return;
  }
  t->count[category]++;
  t->quantity[category] += quantity;
  t->cents[category] += cents;
  t->text_hash = bench_fnv1a(t->text_hash, fields[4], lengths[4]);
}

enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

static void parse(const char *csv, size_t n, totals *t) {
  char fields[COLUMNS][MAX_FIELD];
  size_t lengths[COLUMNS] = {0};
  int field = 0, state = FIELD_START;
  for (size_t i = 0; i < n; i++) {
    char c = csv[i];
    int end_field = 0, end_line = 0, append = 0;
    switch (state) {
      case FIELD_START:
        if (c == '"') state = QUOTED;
        else if (c == ',') end_field = 1;
        else if (c == '\r') continue;
        else if (c == '\n') end_line = 1;
        else {
          append = 1;
          state = UNQUOTED;
        }
        break;
      case UNQUOTED:
        if (c == ',') end_field = 1;
        else if (c == '\r') continue;
        else if (c == '\n') end_line = 1;
        else append = 1;
        break;
      case QUOTED:
        if (c == '"') state = QUOTE_IN_QUOTED;
        else append = 1;
        break;
      case QUOTE_IN_QUOTED:
        if (c == '"') {
          append = 1;
          state = QUOTED;
        } else if (c == ',') end_field = 1;
        else if (c == '\r') continue;
        else if (c == '\n') end_line = 1;
        else t->errors++;
        break;
    }
    if (append && field < COLUMNS) {
      if (lengths[field] < MAX_FIELD) fields[field][lengths[field]++] = c;
      if ((int64_t)lengths[field] > t->longest) t->longest = (int64_t)lengths[field];
    }
    if (end_field || end_line) {
      t->fields++;
      field++;
      state = FIELD_START;
      if (end_field && field < COLUMNS) lengths[field] = 0;
    }
    if (end_line) {
      end_record(t, fields, lengths, field);
      field = 0;
      lengths[0] = 0;
    }
  }
}

static void run(const char *csv, size_t n, totals *t) {
  for (int pass = 0; pass < PASSES; pass++) parse(csv, n, t);
}

int main(void) {
  text_buffer text = {bench_alloc((size_t)RECORDS * 80 + 256), 0, (size_t)RECORDS * 80 + 256};
  put_str(&text, "id,category,quantity,price,note\r\n");
  uint32_t state = 0x1f83d9abu; /* LCG, Numerical Recipes constants */
  for (int r = 0; r < RECORDS; r++) {
    state = state * 1664525u + 1013904223u;
    uint32_t a = state;
    state = state * 1664525u + 1013904223u;
    uint32_t b = state;
    put_int(&text, r + 1);
    put(&text, ",", 1);
    put_field(&text, category_names[(a >> 8) % CATEGORIES], (a & 1) != 0);
    put(&text, ",", 1);
    put_int(&text, (int64_t)((a >> 12) % 2001) - 1000);
    put(&text, ",", 1);
    int64_t price = (int64_t)(b % 2000000) - 500000;
    char number[32];
    snprintf(number, sizeof number, "%s%lld.%02lld", price < 0 ? "-" : "", (long long)(llabs(price) / 100),
             (long long)(llabs(price) % 100));
    put_field(&text, number, (b & 2) != 0);
    put(&text, ",", 1);
    char note[96];
    snprintf(note, sizeof note, "%s %s %u", words[(b >> 4) % 8], words[(b >> 8) % 8], (unsigned)(b >> 16));
    put_field(&text, note, 0);
    put_str(&text, (b & 4) ? "\r\n" : "\n");
  }
  totals t;
  memset(&t, 0, sizeof t);
  t.text_hash = BENCH_FNV_OFFSET;

  bench_start();
  run(text.p, text.used, &t);
  bench_end();

  uint64_t categories[3 * CATEGORIES];
  for (int i = 0; i < CATEGORIES; i++) {
    categories[3 * i] = (uint64_t)t.count[i];
    categories[3 * i + 1] = (uint64_t)t.quantity[i];
    categories[3 * i + 2] = (uint64_t)t.cents[i];
  }
  checksum_u64("minicsv.categories", categories, 3 * CATEGORIES);
  uint64_t summary[5] = {t.text_hash, (uint64_t)t.fields, (uint64_t)t.records, (uint64_t)t.errors,
                         (uint64_t)t.longest};
  checksum_u64("minicsv.summary", summary, 5);
  free(text.p);
  return 0;
}
