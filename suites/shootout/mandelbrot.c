/*
 * mandelbrot.c — escape-time iteration counts of the Mandelbrot set over a grid, in
 * single precision, plus the final |z|^2 of every point; rows alternate between a
 * full view and a zoom near the boundary so both short and long orbits occur.
 *
 * Character: single-precision (f32) multiply/add chains with a data-dependent loop exit,
 * int-to-float conversions, no memory traffic beyond one store per point. (Resembles
 * the Benchmarks Game "mandelbrot"; complements nbody's double precision.)
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define WIDTH 64
#define HEIGHT 48
#define MAX_ITER 100
#elif defined(SMALL_DATASET)
#define WIDTH 320
#define HEIGHT 240
#define MAX_ITER 200
#elif defined(MEDIUM_DATASET)
#define WIDTH 960
#define HEIGHT 720
#define MAX_ITER 400
#elif defined(LARGE_DATASET)
#define WIDTH 1280
#define HEIGHT 960
#define MAX_ITER 700
#else /* EXTRALARGE_DATASET */
#define WIDTH 2560
#define HEIGHT 1920
#define MAX_ITER 1200
#endif

static void run(const float *view, int32_t *counts, float *magnitudes) {
  for (int y = 0; y < HEIGHT; y++) {
    const float *v = view + 4 * (y & 1); /* x0, y0, dx, dy of this row's view */
    float ci = v[1] + v[3] * (float)y;
    for (int x = 0; x < WIDTH; x++) {
      float cr = v[0] + v[2] * (float)x;
      float zr = 0.0f, zi = 0.0f, zr2 = 0.0f, zi2 = 0.0f;
      int32_t n = 0;
      while (n < MAX_ITER && zr2 + zi2 <= 4.0f) {
        zi = 2.0f * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        n++;
      }
      counts[y * WIDTH + x] = n;
      magnitudes[y * WIDTH + x] = zr2 + zi2;
    }
  }
}

int main(void) {
  int32_t *counts = bench_alloc((size_t)WIDTH * HEIGHT * sizeof(int32_t));
  float *magnitudes = bench_alloc((size_t)WIDTH * HEIGHT * sizeof(float));
  /* Kept in memory so the compiler cannot specialise the loops on the constants. */
  float *view = bench_alloc(8 * sizeof(float));
  view[0] = -2.25f;
  view[1] = -1.5f;
  view[2] = 3.0f / WIDTH;
  view[3] = 3.0f / HEIGHT;
  view[4] = -0.7765f;
  view[5] = -0.1365f;
  view[6] = 0.0125f / WIDTH;
  view[7] = 0.0125f / HEIGHT;

  bench_start();
  run(view, counts, magnitudes);
  bench_end();

  checksum_i32("mandelbrot.counts", counts, (size_t)WIDTH * HEIGHT);
  checksum_f32("mandelbrot.magnitudes", magnitudes, (size_t)WIDTH * HEIGHT);
  free(counts);
  free(magnitudes);
  free(view);
  return 0;
}
