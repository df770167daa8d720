// Workbench results on disk: validated when written and when read, written atomically
// (temporary file in the same directory, fsync, rename), so an interrupted or failed run
// never leaves a truncated file or replaces an earlier result with a broken one.

import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parseResults, type Results, type Variant } from './schema.js';

export async function writeResults(path: string, results: Results): Promise<void> {
  const checked = parseResults(results, 'results being written'); // never write what we could not read back
  mkdirSync(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(checked, null, 1)}\n`, { fsync: true });
}

export async function readResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read results file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseResults(data, path);
}

/**
 * results/<suite>-<dataset>-<UTC timestamp>.json: a new name for every run, never an
 * overwrite; a run of other build variants than scalar alone says which
 * (`polybench-medium-simd-…`, `polybench-medium-scalar+simd-…`).
 */
export function defaultResultsPath(resultsDir: string, suite: string, dataset: string, startedAt: Date, variants: readonly Variant[] = ['scalar']): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const tag = variants.length === 1 && variants[0] === 'scalar' ? '' : `-${variants.join('+')}`;
  return join(resultsDir, `${suite}-${dataset}${tag}-${stamp}.json`);
}
