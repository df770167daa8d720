/*
 * deriche.c — Deriche recursive edge-detection filter on a W x H image: a causal and
 * an anti-causal first-order recursive pass along each row, summed, then the same
 * along each column.
 *
 * Follows PolyBench/C 4.2.1 "deriche" (medley), in float as PolyBench does by default,
 * including its filter coefficients (b1 = 2^-alpha and the e^(2 alpha) term in k are as
 * PolyBench writes them). Element type: float. Live-out: imgOut.
 *
 * Deviation: PolyBench computes the coefficients with libm's expf and powf, whose
 * results may differ in the last bit between C libraries. Here they come from
 * det_expf/det_pow2f below, which use only +, * and / in double and round once to
 * float, so every engine and native build gets the same bits. For alpha = 0.25 they
 * were checked to equal glibc 2.36's expf/powf results, but in general the constants
 * (and so the output) may differ slightly from a PolyBench build on some other libm.
 */
#include "bench.h"

#if defined(MINI_DATASET)
#define W 64
#define H 64
#elif defined(SMALL_DATASET)
#define W 192
#define H 128
#elif defined(MEDIUM_DATASET)
#define W 720
#define H 480
#elif defined(LARGE_DATASET)
#define W 4096
#define H 2160
#elif defined(EXTRALARGE_DATASET)
#define W 7680
#define H 4320
#endif

/*
 * e^x for |x| <= 1 from its Taylor series: a fixed 30 terms summed in double, in
 * order (the 30th term is below 4e-33, far under double precision). Deterministic on
 * any IEEE-754 machine: only correctly rounded +, * and / are used.
 */
static double series_exp(double x) {
  double term = 1.0, sum = 1.0;
  for (int k = 1; k <= 30; k++) {
    term = term * x / k;
    sum += term;
  }
  return sum;
}

/* expf replacement, for |x| <= 1 (deriche needs +-alpha and +-2 alpha, alpha = 0.25). */
static float det_expf(float x) { return (float)series_exp((double)x); }

/* powf(2, y) replacement, for |y| <= 1: 2^y = e^(y ln 2), with the double nearest ln 2. */
static float det_pow2f(float y) { return (float)series_exp((double)y * 0.6931471805599453); }

static void init_data(int w, int h, float *alpha, float imgIn[W][H]) {
  *alpha = 0.25f; /* the filter parameter */
  /* grey levels in [0, 1] */
  for (int i = 0; i < w; i++)
    for (int j = 0; j < h; j++)
      imgIn[i][j] = (float)((313 * i + 991 * j) % 65536) / 65535.0f;
}

static void kernel_deriche(int w, int h, float alpha, float imgIn[W][H],
                           float imgOut[W][H], float y1[W][H], float y2[W][H]) {
  float xm1, tm1, ym1, ym2;
  float xp1, xp2;
  float tp1, tp2;
  float yp1, yp2;

  float k;
  float a1, a2, a3, a4, a5, a6, a7, a8;
  float b1, b2, c1, c2;

  k = (1.0f - det_expf(-alpha)) * (1.0f - det_expf(-alpha)) /
      (1.0f + 2.0f * alpha * det_expf(-alpha) - det_expf(2.0f * alpha));
  a1 = a5 = k;
  a2 = a6 = k * det_expf(-alpha) * (alpha - 1.0f);
  a3 = a7 = k * det_expf(-alpha) * (alpha + 1.0f);
  a4 = a8 = -k * det_expf(-2.0f * alpha);
  b1 = det_pow2f(-alpha);
  b2 = -det_expf(-2.0f * alpha);
  c1 = c2 = 1;

  /* rows, left to right */
  for (int i = 0; i < w; i++) {
    ym1 = 0.0f;
    ym2 = 0.0f;
    xm1 = 0.0f;
    for (int j = 0; j < h; j++) {
      y1[i][j] = a1 * imgIn[i][j] + a2 * xm1 + b1 * ym1 + b2 * ym2;
      xm1 = imgIn[i][j];
      ym2 = ym1;
      ym1 = y1[i][j];
    }
  }

  /* rows, right to left */
  for (int i = 0; i < w; i++) {
    yp1 = 0.0f;
    yp2 = 0.0f;
    xp1 = 0.0f;
    xp2 = 0.0f;
    for (int j = h - 1; j >= 0; j--) {
      y2[i][j] = a3 * xp1 + a4 * xp2 + b1 * yp1 + b2 * yp2;
      xp2 = xp1;
      xp1 = imgIn[i][j];
      yp2 = yp1;
      yp1 = y2[i][j];
    }
  }

  for (int i = 0; i < w; i++)
    for (int j = 0; j < h; j++)
      imgOut[i][j] = c1 * (y1[i][j] + y2[i][j]);

  /* columns, top to bottom */
  for (int j = 0; j < h; j++) {
    tm1 = 0.0f;
    ym1 = 0.0f;
    ym2 = 0.0f;
    for (int i = 0; i < w; i++) {
      y1[i][j] = a5 * imgOut[i][j] + a6 * tm1 + b1 * ym1 + b2 * ym2;
      tm1 = imgOut[i][j];
      ym2 = ym1;
      ym1 = y1[i][j];
    }
  }

  /* columns, bottom to top */
  for (int j = 0; j < h; j++) {
    tp1 = 0.0f;
    tp2 = 0.0f;
    yp1 = 0.0f;
    yp2 = 0.0f;
    for (int i = w - 1; i >= 0; i--) {
      y2[i][j] = a7 * tp1 + a8 * tp2 + b1 * yp1 + b2 * yp2;
      tp2 = tp1;
      tp1 = imgOut[i][j];
      yp2 = yp1;
      yp1 = y2[i][j];
    }
  }

  for (int i = 0; i < w; i++)
    for (int j = 0; j < h; j++)
      imgOut[i][j] = c2 * (y1[i][j] + y2[i][j]);
}

int main(void) {
  float alpha;
  float (*imgIn)[H] = bench_alloc(sizeof(float[W][H]));
  float (*imgOut)[H] = bench_alloc(sizeof(float[W][H]));
  float (*y1)[H] = bench_alloc(sizeof(float[W][H]));
  float (*y2)[H] = bench_alloc(sizeof(float[W][H]));

  init_data(W, H, &alpha, imgIn);

  bench_start();
  kernel_deriche(W, H, alpha, imgIn, imgOut, y1, y2);
  bench_end();

  checksum_f32("imgOut", &imgOut[0][0], (size_t)W * H);

  free(imgIn);
  free(imgOut);
  free(y1);
  free(y2);
  return 0;
}
