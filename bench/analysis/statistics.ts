// Workbench analysis: summary statistics of timing samples and ratios between engines.
//
// What is computed and why (docs/RATIONALE.md, "Why means for ratios and medians for tables?"):
// - per sample set: median with a distribution-free 95% interval (order statistics of
//   Binomial(n, 1/2)), and mean with a Student-t 95% interval;
// - the ratio of two engines' means on one benchmark, with its interval on the log scale
//   (delta method, Welch–Satterthwaite degrees of freedom);
// - the geometric mean of such ratios over a suite, whose log is the average of the
//   per-benchmark log ratios, with the variances combined the same way.
// All intervals describe measurement noise on this machine for this fixed set of
// benchmarks; they say nothing about benchmarks that were not run.

import quantileT from '@stdlib/stats-base-dists-t-quantile';
import { mean as meanOf, median as medianOf, sampleStandardDeviation } from 'simple-statistics';

export interface Interval {
  low: number;
  high: number;
}

export interface SampleSummary {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n - 1); 0 when n < 2. */
  stddev: number;
  /** 95% confidence interval of the mean (Student t); null when n < 2. */
  meanCi95: Interval | null;
  /** 95% distribution-free confidence interval of the median; null when n < 6 (no such interval exists). */
  medianCi95: Interval | null;
}

export interface RatioEstimate {
  /** Point estimate: mean(candidate) / mean(baseline), or a geometric mean of such ratios. */
  ratio: number;
  /** Confidence interval of the ratio at the requested level; null when it cannot be estimated. */
  ci: Interval | null;
  /** Level of `ci`, e.g. 0.95. */
  confidence: number;
  /** Standard error of the log ratio (natural log); NaN when unknown. */
  logStandardError: number;
  /** Welch–Satterthwaite degrees of freedom of the log ratio; NaN when unknown. */
  degreesOfFreedom: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  const n = samples.length;
  if (n === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = meanOf(sorted);
  const stddev = n >= 2 ? sampleStandardDeviation(sorted) : 0;
  let meanCi95: Interval | null = null;
  if (n >= 2) {
    const halfWidth = quantileT(0.975, n - 1) * (stddev / Math.sqrt(n));
    meanCi95 = { low: mean - halfWidth, high: mean + halfWidth };
  }
  return {
    n,
    min: sorted[0],
    max: sorted[n - 1],
    mean,
    median: medianOf(sorted),
    stddev,
    meanCi95,
    medianCi95: medianConfidenceInterval(sorted, 0.95),
  };
}

/**
 * Distribution-free confidence interval of the median: the order statistics
 * x(j) and x(n+1-j) with the largest j such that P(j <= B < n+1-j) >= level, where
 * B ~ Binomial(n, 1/2) counts samples below the median. Returns null when even
 * [min, max] does not reach the level (n < 6 for 95%).
 */
export function medianConfidenceInterval(sortedSamples: readonly number[], level: number): Interval | null {
  const n = sortedSamples.length;
  const cdf = binomialHalfCdf(n);
  let best = 0;
  for (let j = 1; j <= Math.floor(n / 2); j++) {
    // Coverage of [x(j), x(n+1-j)] (1-based) is P(j <= B <= n - j) = 1 - 2 * P(B <= j - 1).
    const coverage = 1 - 2 * cdf[j - 1];
    if (coverage >= level) best = j;
    else break;
  }
  if (best === 0) return null;
  return { low: sortedSamples[best - 1], high: sortedSamples[n - best] };
}

/** cdf[k] = P(B <= k) for B ~ Binomial(n, 1/2), computed in log space so large n stay exact enough. */
function binomialHalfCdf(n: number): number[] {
  const cdf: number[] = new Array(n + 1);
  let logChoose = 0; // log C(n, 0)
  const logHalfPowN = -n * Math.LN2;
  let total = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    total += Math.exp(logChoose + logHalfPowN);
    cdf[k] = Math.min(1, total);
  }
  return cdf;
}

interface LogMeanTerm {
  /** log of the ratio of means */
  logRatio: number;
  /** variance of the log ratio (delta method) */
  variance: number;
  /** Welch–Satterthwaite degrees of freedom */
  degreesOfFreedom: number;
}

function logMeanTerm(candidate: readonly number[], baseline: readonly number[]): LogMeanTerm {
  const candidateMean = meanOf(candidate as number[]);
  const baselineMean = meanOf(baseline as number[]);
  const logRatio = Math.log(candidateMean) - Math.log(baselineMean);
  if (candidate.length < 2 || baseline.length < 2) {
    return { logRatio, variance: NaN, degreesOfFreedom: NaN };
  }
  // Var(log mean) ≈ s² / (n · mean²): the squared coefficient of variation of the mean.
  const varianceOf = (samples: readonly number[], mean: number) => {
    const s = sampleStandardDeviation(samples as number[]);
    return (s * s) / (samples.length * mean * mean);
  };
  const candidateVariance = varianceOf(candidate, candidateMean);
  const baselineVariance = varianceOf(baseline, baselineMean);
  const variance = candidateVariance + baselineVariance;
  const denominator =
    (candidateVariance * candidateVariance) / (candidate.length - 1) +
    (baselineVariance * baselineVariance) / (baseline.length - 1);
  const degreesOfFreedom = denominator > 0 ? (variance * variance) / denominator : Infinity;
  return { logRatio, variance, degreesOfFreedom };
}

function estimateFromLogTerms(terms: readonly LogMeanTerm[], confidence: number): RatioEstimate {
  const k = terms.length;
  if (k === 0) throw new Error('ratio: no benchmarks');
  const logRatio = terms.reduce((sum, term) => sum + term.logRatio, 0) / k;
  const variance = terms.reduce((sum, term) => sum + term.variance, 0) / (k * k);
  const ratio = Math.exp(logRatio);
  if (!Number.isFinite(variance)) {
    return { ratio, ci: null, confidence, logStandardError: NaN, degreesOfFreedom: NaN };
  }
  // Satterthwaite: combine the per-benchmark degrees of freedom of the summed variances.
  let denominator = 0;
  for (const term of terms) {
    if (term.variance > 0 && Number.isFinite(term.degreesOfFreedom)) {
      denominator += (term.variance / (k * k)) ** 2 / term.degreesOfFreedom;
    }
  }
  const degreesOfFreedom = denominator > 0 ? (variance * variance) / denominator : Infinity;
  const standardError = Math.sqrt(variance);
  const critical = criticalValue(confidence, degreesOfFreedom);
  return {
    ratio,
    ci: { low: Math.exp(logRatio - critical * standardError), high: Math.exp(logRatio + critical * standardError) },
    confidence,
    logStandardError: standardError,
    degreesOfFreedom,
  };
}

/** Two-sided critical value of Student's t (normal when the degrees of freedom are unbounded). */
export function criticalValue(confidence: number, degreesOfFreedom: number): number {
  const p = 1 - (1 - confidence) / 2;
  return quantileT(p, Number.isFinite(degreesOfFreedom) ? degreesOfFreedom : 1e9);
}

/** mean(candidate) / mean(baseline) with a confidence interval. */
export function ratioOfMeans(candidate: readonly number[], baseline: readonly number[], confidence = 0.95): RatioEstimate {
  if (candidate.length === 0 || baseline.length === 0) throw new Error('ratioOfMeans: no samples');
  return estimateFromLogTerms([logMeanTerm(candidate, baseline)], confidence);
}

/**
 * Geometric mean over benchmarks of mean(candidate_i) / mean(baseline_i), with a
 * confidence interval from the per-benchmark measurement noise.
 */
export function geometricMeanRatio(
  pairs: readonly { candidate: readonly number[]; baseline: readonly number[] }[],
  confidence = 0.95,
): RatioEstimate {
  if (pairs.length === 0) throw new Error('geometricMeanRatio: no benchmarks');
  for (const pair of pairs) {
    if (pair.candidate.length === 0 || pair.baseline.length === 0) throw new Error('geometricMeanRatio: a benchmark has no samples');
  }
  return estimateFromLogTerms(
    pairs.map((pair) => logMeanTerm(pair.candidate, pair.baseline)),
    confidence,
  );
}

/** Plain geometric mean of positive numbers. */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('geometricMean: no values');
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}
