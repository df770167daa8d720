// Regression gate, the decision: what one ratio candidate/baseline with its confidence
// interval means. Kept apart from the loading and printing so the rule is one function
// that the tests pin and docs/RATIONALE.md ("Why does the gate need both significance and
// a threshold?") describes.
//
// The rule: a change is a regression when it is statistically significant at the chosen
// confidence (the whole interval of candidate/baseline lies above 1) AND its point
// estimate is beyond the threshold (ratio > 1 + maxRegression). An improvement is the
// mirror image (interval below 1, ratio < 1 / (1 + maxRegression)); it never fails the gate.

import type { RatioEstimate } from '../analysis/statistics.js';

export type ChangeVerdict =
  /** Significant and beyond the threshold: fails the gate. */
  | 'regressed'
  /** Significant and beyond the threshold, in the faster direction. */
  | 'improved'
  /** Not significant, or within the threshold. */
  | 'unchanged'
  /** No confidence interval (fewer than two samples on a side): cannot be significant. */
  | 'inconclusive';

/**
 * Relative slack for "beyond": a ratio equal to the threshold up to floating-point
 * rounding (e.g. exp(log 105 − log 100)) is at the threshold, not beyond it.
 */
const ROUNDING_SLACK = 1e-9;

export function classifyChange(estimate: RatioEstimate, maxRegression: number): ChangeVerdict {
  if (!(maxRegression >= 0)) throw new Error(`maxRegression must be a non-negative fraction, got ${maxRegression}`);
  if (!estimate.ci) return 'inconclusive';
  const slowerLimit = (1 + maxRegression) * (1 + ROUNDING_SLACK);
  const fasterLimit = 1 / (1 + maxRegression) / (1 + ROUNDING_SLACK);
  if (estimate.ci.low > 1 && estimate.ratio > slowerLimit) return 'regressed';
  if (estimate.ci.high < 1 && estimate.ratio < fasterLimit) return 'improved';
  return 'unchanged';
}
