// Regression gate, the precondition: two results are comparable only when they were
// taken on the same kind of machine with the same benchmark binaries. Differences that
// make a comparison meaningless are mismatches (the gate refuses them unless told
// --allow-mismatch); differences worth knowing that do not are notes.

import { DEFAULT_VARIANT, variantOf, type Results } from '../results/schema.js';

export interface Difference {
  what: string;
  baseline: string;
  candidate: string;
}

export interface Comparability {
  /** Differences that make timings incomparable. */
  mismatches: Difference[];
  /** Differences that are reported but do not block the comparison. */
  notes: Difference[];
}

function differs(list: Difference[], what: string, baseline: unknown, candidate: unknown): void {
  if (baseline !== candidate) list.push({ what, baseline: String(baseline), candidate: String(candidate) });
}

export function checkComparability(baseline: Results, candidate: Results): Comparability {
  const mismatches: Difference[] = [];
  const notes: Difference[] = [];

  differs(mismatches, 'suite', baseline.config.suite, candidate.config.suite);
  differs(mismatches, 'dataset', baseline.config.dataset, candidate.config.dataset);

  const machineA = baseline.fingerprint.machine;
  const machineB = candidate.fingerprint.machine;
  differs(mismatches, 'CPU model', machineA.cpuModel, machineB.cpuModel);
  differs(mismatches, 'CPU count', machineA.cpuCount, machineB.cpuCount);
  differs(mismatches, 'architecture', machineA.arch, machineB.arch);
  differs(mismatches, 'platform', machineA.platform, machineB.platform);

  // The binaries themselves: every benchmark both ran, in each build variant both ran, must
  // be the very same .wasm with the same expected output. The manifest hash alone would also
  // change when a benchmark is added to the suite, which does not change the ones being
  // compared.
  const key = (benchmark: Results['benchmarks'][number]) => `${benchmark.name}\u0000${variantOf(benchmark)}`;
  const candidateBenchmarks = new Map(candidate.benchmarks.map((benchmark) => [key(benchmark), benchmark]));
  let sameBinaries = true;
  for (const benchmark of baseline.benchmarks) {
    const other = candidateBenchmarks.get(key(benchmark));
    if (!other) continue;
    const name = variantOf(benchmark) === DEFAULT_VARIANT ? benchmark.name : `${benchmark.name} (${variantOf(benchmark)})`;
    const before = mismatches.length;
    differs(mismatches, `${name}: wasm sha256`, benchmark.wasmSha256, other.wasmSha256);
    differs(mismatches, `${name}: expected output sha256`, benchmark.expectedOutputSha256, other.expectedOutputSha256);
    if (mismatches.length > before) sameBinaries = false;
  }
  const manifestA = baseline.fingerprint.project.suiteManifestSha256;
  const manifestB = candidate.fingerprint.project.suiteManifestSha256;
  if (manifestA !== manifestB && sameBinaries) {
    notes.push({ what: 'suite manifest sha256 (the benchmarks compared have identical binaries)', baseline: String(manifestA), candidate: String(manifestB) });
  }

  differs(notes, 'kernel', machineA.kernel, machineB.kernel);
  differs(notes, 'hostname', machineA.hostname, machineB.hostname);
  const softwareA = baseline.fingerprint.software;
  const softwareB = candidate.fingerprint.software;
  for (const key of Object.keys(softwareA) as (keyof typeof softwareA)[]) {
    differs(notes, key, softwareA[key], softwareB[key]);
  }
  differs(notes, 'commit', baseline.fingerprint.project.commit, candidate.fingerprint.project.commit);
  return { mismatches, notes };
}
