// Suites: the drop-in packages' recorded results. The digest each package's workload prints
// on Node's own WebAssembly at scale 1, written by `node dist/test/dropin/runner.js
// --record-digests` (never by hand) into suites/realworld/expected-digests.json. Two readers:
// test/dropin/dropin.test.ts checks that Node still prints exactly these (so the record cannot
// go stale unnoticed), and the realworld suite uses them as the expected output of its
// glue-mode benchmarks (realworld.ts), where every engine must print the same digest.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { suitesDirectory } from '../paths.js';

const ExpectedDigestsSchema = z.object({
  /** How the file was made. */
  recordedWith: z.string(),
  /** Package id → the digest object its workload printed on Node at scale 1. */
  digests: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type ExpectedDigests = z.infer<typeof ExpectedDigestsSchema>;

export const EXPECTED_DIGESTS_PATH = join(suitesDirectory, 'realworld', 'expected-digests.json');

/** The recorded digests; a missing or malformed file is an error that says how to make it. */
export function readExpectedDigests(path = EXPECTED_DIGESTS_PATH): ExpectedDigests {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message} (node dist/test/dropin/runner.js --record-digests writes it)`);
  }
  const parsed = ExpectedDigestsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is malformed: ${parsed.error.issues[0]?.message ?? 'unknown'} (re-record it)`);
  return parsed.data;
}

/** Writes the file atomically (temporary file, then rename). */
export function writeExpectedDigests(digests: ExpectedDigests, path = EXPECTED_DIGESTS_PATH): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(digests, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The text a glue-mode run prints for a digest: one line of JSON, keys in the workload's order. */
export function digestOutput(digest: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(digest)}\n`;
}
