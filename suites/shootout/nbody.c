/*
 * nbody.c — a gravitational N-body simulation: one heavy central body and a ring of
 * lighter ones with pseudo-random orbits, advanced with a symplectic (kick-drift) step
 * over all pairs, with the total energy computed before and after.
 *
 * Character: double-precision multiply/add/divide and sqrt in an O(N^2) pair loop with
 * symmetric updates, structure-of-arrays data that stays in L1. Uses only IEEE-exact
 * operations, so results are bit-identical everywhere. (Resembles the n-body program of
 * the Computer Language Benchmarks Game, with its own generated initial conditions.)
 */
#include <math.h>

#include "bench.h"

#if defined(MINI_DATASET)
#define STEPS 100
#elif defined(SMALL_DATASET)
#define STEPS 15000
#elif defined(MEDIUM_DATASET)
#define STEPS 200000
#elif defined(LARGE_DATASET)
#define STEPS 1000000
#else /* EXTRALARGE_DATASET */
#define STEPS 5000000
#endif

#define BODIES 12
#define DT 0.001
#define SOFTENING 1e-4

typedef struct {
  double x[BODIES], y[BODIES], z[BODIES];
  double vx[BODIES], vy[BODIES], vz[BODIES];
  double mass[BODIES];
} system_state;

static double energy(const system_state *s) {
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    e += 0.5 * s->mass[i] * (s->vx[i] * s->vx[i] + s->vy[i] * s->vy[i] + s->vz[i] * s->vz[i]);
    for (int j = i + 1; j < BODIES; j++) {
      double dx = s->x[i] - s->x[j], dy = s->y[i] - s->y[j], dz = s->z[i] - s->z[j];
      e -= s->mass[i] * s->mass[j] / sqrt(dx * dx + dy * dy + dz * dz + SOFTENING);
    }
  }
  return e;
}

static void advance(system_state *s, int steps) {
  for (int step = 0; step < steps; step++) {
    for (int i = 0; i < BODIES; i++) {
      for (int j = i + 1; j < BODIES; j++) {
        double dx = s->x[i] - s->x[j], dy = s->y[i] - s->y[j], dz = s->z[i] - s->z[j];
        double d2 = dx * dx + dy * dy + dz * dz + SOFTENING;
        double magnitude = DT / (d2 * sqrt(d2));
        double mi = s->mass[i] * magnitude, mj = s->mass[j] * magnitude;
        s->vx[i] -= dx * mj;
        s->vy[i] -= dy * mj;
        s->vz[i] -= dz * mj;
        s->vx[j] += dx * mi;
        s->vy[j] += dy * mi;
        s->vz[j] += dz * mi;
      }
    }
    for (int i = 0; i < BODIES; i++) {
      s->x[i] += DT * s->vx[i];
      s->y[i] += DT * s->vy[i];
      s->z[i] += DT * s->vz[i];
    }
  }
}

static uint64_t state = 0x2b992ddfa23249d6ULL; /* xorshift64* */
static double uniform(void) {                  /* [0, 1), 53 random bits, exact */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (double)((state * 0x2545f4914f6cdd1dULL) >> 11) * (1.0 / 9007199254740992.0);
}

int main(void) {
  system_state *s = bench_alloc(sizeof(system_state));
  s->mass[0] = 1000.0;
  for (int i = 1; i < BODIES; i++) {
    double radius = 1.0 + 4.0 * uniform();
    /* A point on a tilted ring: pick (c, d) on the unit circle by rejection. */
    double c, d, r2;
    do {
      c = 2.0 * uniform() - 1.0;
      d = 2.0 * uniform() - 1.0;
      r2 = c * c + d * d;
    } while (r2 > 1.0 || r2 < 0.01);
    double norm = sqrt(r2);
    c /= norm;
    d /= norm;
    double tilt = 0.2 * uniform() - 0.1;
    s->x[i] = radius * c;
    s->y[i] = radius * d;
    s->z[i] = radius * tilt;
    double speed = sqrt(s->mass[0] / radius) * (0.9 + 0.2 * uniform());
    s->vx[i] = -speed * d;
    s->vy[i] = speed * c;
    s->vz[i] = 0.05 * (uniform() - 0.5);
    s->mass[i] = 0.1 + uniform();
  }
  /* Put the centre of momentum at rest. */
  double px = 0, py = 0, pz = 0;
  for (int i = 1; i < BODIES; i++) {
    px += s->mass[i] * s->vx[i];
    py += s->mass[i] * s->vy[i];
    pz += s->mass[i] * s->vz[i];
  }
  s->vx[0] = -px / s->mass[0];
  s->vy[0] = -py / s->mass[0];
  s->vz[0] = -pz / s->mass[0];
  double energies[2];
  energies[0] = energy(s);

  bench_start();
  advance(s, STEPS);
  bench_end();

  energies[1] = energy(s);
  checksum_f64("nbody.energy", energies, 2);
  double flat[7 * BODIES];
  for (int i = 0; i < BODIES; i++) {
    flat[7 * i] = s->x[i];
    flat[7 * i + 1] = s->y[i];
    flat[7 * i + 2] = s->z[i];
    flat[7 * i + 3] = s->vx[i];
    flat[7 * i + 4] = s->vy[i];
    flat[7 * i + 5] = s->vz[i];
    flat[7 * i + 6] = s->mass[i];
  }
  checksum_f64("nbody.state", flat, 7 * BODIES);
  free(s);
  return 0;
}
