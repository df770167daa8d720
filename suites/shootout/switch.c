/*
 * switch.c — a bytecode interpreter for a small stack machine (64-bit values, locals,
 * a word-addressed memory, calls with a return stack) dispatching with one big switch,
 * running three programs assembled at start-up: Collatz step counts, an insertion sort
 * of the machine's memory, and a loop that calls a xorshift subroutine and branches on
 * its bits.
 *
 * Character: an indirect jump per instruction (jump table), unpredictable branches,
 * operand-stack traffic through memory, tiny basic blocks. (Resembles the Sightglass
 * shootout "switch" benchmark and interpreter loops in general.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define COLLATZ_LIMIT 100
#define SORT_LENGTH 60
#define XORSHIFT_CALLS 600
#elif defined(SMALL_DATASET)
#define COLLATZ_LIMIT 3000
#define SORT_LENGTH 350
#define XORSHIFT_CALLS 20000
#elif defined(MEDIUM_DATASET)
#define COLLATZ_LIMIT 30000
#define SORT_LENGTH 1200
#define XORSHIFT_CALLS 250000
#elif defined(LARGE_DATASET)
#define COLLATZ_LIMIT 120000
#define SORT_LENGTH 2800
#define XORSHIFT_CALLS 1000000
#else /* EXTRALARGE_DATASET */
#define COLLATZ_LIMIT 600000
#define SORT_LENGTH 6000
#define XORSHIFT_CALLS 6000000
#endif

#define MEMORY_WORDS 16384 /* power of two: addresses are masked */
#define STACK_DEPTH 256
#define CALL_DEPTH 64
#define LOCALS 8
#define CODE_CAPACITY 512

enum opcode {
  OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_LOADM, OP_STOREM, OP_DUP, OP_DROP, OP_SWAP,
  OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_EQ, OP_LT, OP_GT,
  OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_INC, OP_DEC,
};

typedef struct {
  int32_t code[CODE_CAPACITY];
  int size;
} program;

static void emit(program *p, int32_t word) {
  if (p->size >= CODE_CAPACITY) {
    fprintf(stderr, "switch: program too long\n");
    exit(2);
  }
  p->code[p->size++] = word;
}
static void op(program *p, enum opcode o) { emit(p, o); }
static void op1(program *p, enum opcode o, int32_t operand) {
  emit(p, o);
  emit(p, operand);
}
/* A forward jump whose target is patched later: returns the operand's position. */
static int jump(program *p, enum opcode o) {
  op1(p, o, -1);
  return p->size - 1;
}
static void patch(program *p, int at) { p->code[at] = p->size; }

typedef struct {
  uint64_t memory[MEMORY_WORDS];
  uint64_t locals[LOCALS];
} machine;

static uint64_t execute(const int32_t *code, machine *m) {
  uint64_t stack[STACK_DEPTH];
  int32_t returns[CALL_DEPTH];
  int sp = 0, rp = 0;
  int32_t pc = 0;
  uint64_t a, b;
  for (;;) {
    switch ((enum opcode)code[pc++]) {
      case OP_HALT: return sp > 0 ? stack[sp - 1] : 0;
      case OP_PUSH: stack[sp++] = (uint64_t)(int64_t)code[pc++]; break;
      case OP_LOAD: stack[sp++] = m->locals[code[pc++]]; break;
      case OP_STORE: m->locals[code[pc++]] = stack[--sp]; break;
      case OP_LOADM: stack[sp - 1] = m->memory[stack[sp - 1] & (MEMORY_WORDS - 1)]; break;
      case OP_STOREM:
        a = stack[--sp]; /* address */
        b = stack[--sp]; /* value */
        m->memory[a & (MEMORY_WORDS - 1)] = b;
        break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_DROP: sp--; break;
      case OP_SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
      case OP_ADD: b = stack[--sp]; stack[sp - 1] += b; break;
      case OP_SUB: b = stack[--sp]; stack[sp - 1] -= b; break;
      case OP_MUL: b = stack[--sp]; stack[sp - 1] *= b; break;
      case OP_AND: b = stack[--sp]; stack[sp - 1] &= b; break;
      case OP_OR: b = stack[--sp]; stack[sp - 1] |= b; break;
      case OP_XOR: b = stack[--sp]; stack[sp - 1] ^= b; break;
      case OP_SHL: b = stack[--sp]; stack[sp - 1] <<= (b & 63); break;
      case OP_SHR: b = stack[--sp]; stack[sp - 1] >>= (b & 63); break;
      case OP_EQ: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] == b; break;
      case OP_LT: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] < b; break;
      case OP_GT: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] > b; break;
      case OP_JMP: pc = code[pc]; break;
      case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
      case OP_JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
      case OP_CALL: returns[rp++] = pc + 1; pc = code[pc]; break;
      case OP_RET: pc = returns[--rp]; break;
      case OP_INC: m->locals[code[pc++]]++; break;
      case OP_DEC: m->locals[code[pc++]]--; break;
      default: return ~0ULL; /* invalid opcode */
    }
  }
}

/* locals: 0 = n, 1 = total steps, 2 = x, 3 = limit. Result: total steps for 1 <= n < limit. */
static void assemble_collatz(program *p) {
  op1(p, OP_PUSH, 1), op1(p, OP_STORE, 0);
  op1(p, OP_PUSH, 0), op1(p, OP_STORE, 1);
  int loop_n = p->size;
  op1(p, OP_LOAD, 0), op1(p, OP_LOAD, 3), op(p, OP_LT);
  int to_end = jump(p, OP_JZ);
  op1(p, OP_LOAD, 0), op1(p, OP_STORE, 2);
  int loop_x = p->size;
  op1(p, OP_LOAD, 2), op1(p, OP_PUSH, 1), op(p, OP_EQ);
  int to_next = jump(p, OP_JNZ);
  op1(p, OP_LOAD, 2), op1(p, OP_PUSH, 1), op(p, OP_AND);
  int to_even = jump(p, OP_JZ);
  op1(p, OP_LOAD, 2), op(p, OP_DUP), op(p, OP_DUP), op(p, OP_ADD), op(p, OP_ADD);
  op1(p, OP_PUSH, 1), op(p, OP_ADD), op1(p, OP_STORE, 2);
  int to_count = jump(p, OP_JMP);
  patch(p, to_even);
  op1(p, OP_LOAD, 2), op1(p, OP_PUSH, 1), op(p, OP_SHR), op1(p, OP_STORE, 2);
  patch(p, to_count);
  op1(p, OP_INC, 1), op1(p, OP_JMP, loop_x);
  patch(p, to_next);
  op1(p, OP_INC, 0), op1(p, OP_JMP, loop_n);
  patch(p, to_end);
  op1(p, OP_LOAD, 1), op(p, OP_HALT);
}

/* Insertion sort of memory[0 .. length). locals: 0 = i, 1 = j, 2 = key, 3 = length. */
static void assemble_sort(program *p) {
  op1(p, OP_PUSH, 1), op1(p, OP_STORE, 0);
  int outer = p->size;
  op1(p, OP_LOAD, 0), op1(p, OP_LOAD, 3), op(p, OP_LT);
  int to_done = jump(p, OP_JZ);
  op1(p, OP_LOAD, 0), op(p, OP_LOADM), op1(p, OP_STORE, 2);
  op1(p, OP_LOAD, 0), op1(p, OP_STORE, 1);
  int inner = p->size;
  op1(p, OP_LOAD, 1);
  int to_place1 = jump(p, OP_JZ);
  op1(p, OP_LOAD, 1), op1(p, OP_PUSH, 1), op(p, OP_SUB), op(p, OP_LOADM), op(p, OP_DUP);
  op1(p, OP_LOAD, 2), op(p, OP_GT);
  int to_place2 = jump(p, OP_JZ);
  op1(p, OP_LOAD, 1), op(p, OP_STOREM); /* memory[j] = memory[j - 1] */
  op1(p, OP_DEC, 1), op1(p, OP_JMP, inner);
  patch(p, to_place2);
  op(p, OP_DROP);
  patch(p, to_place1);
  op1(p, OP_LOAD, 2), op1(p, OP_LOAD, 1), op(p, OP_STOREM);
  op1(p, OP_INC, 0), op1(p, OP_JMP, outer);
  patch(p, to_done);
  op1(p, OP_PUSH, 0), op(p, OP_LOADM), op(p, OP_HALT);
}

/* locals: 0 = state, 1 = calls left, 2 = odd sum, 3 = even count. Calls a xorshift64
 * subroutine and, on the low bit of each value, either adds it or counts it and stores
 * it into memory. */
static void assemble_xorshift(program *p) {
  int to_main = jump(p, OP_JMP);
  int subroutine = p->size; /* state = xorshift64(state) */
  op1(p, OP_LOAD, 0), op(p, OP_DUP), op1(p, OP_PUSH, 13), op(p, OP_SHL), op(p, OP_XOR);
  op(p, OP_DUP), op1(p, OP_PUSH, 7), op(p, OP_SHR), op(p, OP_XOR);
  op(p, OP_DUP), op1(p, OP_PUSH, 17), op(p, OP_SHL), op(p, OP_XOR);
  op(p, OP_DUP), op1(p, OP_STORE, 0), op(p, OP_RET);
  patch(p, to_main);
  int loop = p->size;
  op1(p, OP_LOAD, 1);
  int to_end = jump(p, OP_JZ);
  op1(p, OP_DEC, 1);
  op1(p, OP_CALL, subroutine);
  op(p, OP_DUP), op1(p, OP_PUSH, 1), op(p, OP_AND);
  int to_even = jump(p, OP_JZ);
  op1(p, OP_LOAD, 2), op(p, OP_ADD), op1(p, OP_STORE, 2), op1(p, OP_JMP, loop);
  patch(p, to_even);
  op1(p, OP_LOAD, 3), op(p, OP_STOREM); /* memory[count] = value */
  op1(p, OP_INC, 3), op1(p, OP_JMP, loop);
  patch(p, to_end);
  op1(p, OP_LOAD, 2), op1(p, OP_LOAD, 3), op(p, OP_XOR), op(p, OP_HALT);
}

static void run(const program *programs, machine *m, uint64_t *results) {
  memset(m->locals, 0, sizeof m->locals);
  m->locals[3] = COLLATZ_LIMIT;
  results[0] = execute(programs[0].code, m);

  memset(m->locals, 0, sizeof m->locals);
  m->locals[3] = SORT_LENGTH;
  results[1] = execute(programs[1].code, m);

  memset(m->locals, 0, sizeof m->locals);
  m->locals[0] = 0x9e3779b97f4a7c15ULL;
  m->locals[1] = XORSHIFT_CALLS;
  results[2] = execute(programs[2].code, m);
}

int main(void) {
  program *programs = bench_alloc(3 * sizeof(program));
  machine *m = bench_alloc(sizeof(machine));
  uint64_t results[3];
  assemble_collatz(&programs[0]);
  assemble_sort(&programs[1]);
  assemble_xorshift(&programs[2]);
  uint32_t state = 0xa54ff53au; /* xorshift32 */
  for (size_t i = 0; i < MEMORY_WORDS; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    m->memory[i] = state % 100000;
  }

  bench_start();
  run(programs, m, results);
  bench_end();

  checksum_u64("switch.results", results, 3);
  checksum_u64("switch.memory", m->memory, MEMORY_WORDS);
  free(programs);
  free(m);
  return 0;
}
