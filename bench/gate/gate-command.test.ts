// The regression gate's command on real results (committed fixtures from two runs of the
// same build) and on a build slowed on purpose (v8-liftoff's timings swapped in for
// v8-turbofan's): its exit code and what it prints, shown in the test output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { distDirectory } from '../paths.js';
import type { Results } from '../results/schema.js';
import { fixturePath, readFixture, swapInEngine } from '../../test/support/results-fixtures.js';
import { GATE_FAILED, GATE_PASSED, GATE_REFUSED, parseConfidence, parsePercent } from './gate-command.js';

const workDirectory = mkdtempSync(join(tmpdir(), 'gate-test-'));
function writeTemporary(name: string, results: unknown): string {
  const path = join(workDirectory, name);
  writeFileSync(path, JSON.stringify(results));
  return path;
}

/** Runs the built command line (`npm run gate` runs the same file). */
function gate(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(distDirectory, 'bench', 'gate', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  const output = `${result.stdout}${result.stderr}`;
  console.log(`$ npm run gate -- ${args.map((arg) => arg.replace(workDirectory, '$TMP')).join(' ')}\n${output}(exit ${result.status})`);
  return { status: result.status, output };
}

describe('npm run gate on real results', () => {
  test('two runs of the same build: passes', () => {
    const { status, output } = gate(fixturePath('runA'), fixturePath('runB'), '--verbose');
    expect(output).toContain('gate PASSED');
    expect(status).toBe(GATE_PASSED);
  });

  test('the same suite with v8-liftoff results swapped in for v8-turbofan: fails and names the regression', () => {
    const slowed = writeTemporary('run-b-liftoff-as-turbofan.json', swapInEngine(readFixture('runB'), 'v8-turbofan', 'v8-liftoff'));
    const { status, output } = gate(fixturePath('runA'), slowed, '--max-regression', '5%', '--confidence', '0.99');
    expect(status).toBe(GATE_FAILED);
    expect(output).toMatch(/REGRESSED\s+v8-turbofan \/ lu: [\d.]+× \(\+[\d.]+%\), 99% CI \[[\d.]+, [\d.]+\]/);
    // Only the engine that was slowed down regressed.
    const regressed = output.split('\n').filter((line) => line.startsWith('REGRESSED')).map((line) => line.split(/\s+/)[1]);
    expect(new Set(regressed)).toEqual(new Set(['v8-turbofan']));
    expect(output).toContain('gate FAILED');
  });

  test('a threshold above the slowdown lets the swapped run pass', () => {
    expect(gate(fixturePath('runA'), writeTemporary('swapped.json', swapInEngine(readFixture('runB'), 'v8-turbofan', 'v8-liftoff')), '--max-regression', '1000%').status).toBe(GATE_PASSED);
  });

  test('results from another machine are refused unless --allow-mismatch', () => {
    const other: Results = structuredClone(readFixture('runB'));
    other.fingerprint.machine.cpuModel = 'Some Other CPU';
    const path = writeTemporary('other-machine.json', other);
    const refused = gate(fixturePath('runA'), path);
    expect(refused.status).toBe(GATE_REFUSED);
    expect(refused.output).toContain('CPU model: baseline AMD EPYC, candidate Some Other CPU');
    expect(refused.output).toContain('--allow-mismatch');
    const allowed = gate(fixturePath('runA'), path, '--allow-mismatch');
    expect(allowed.status).toBe(GATE_PASSED);
    expect(allowed.output).toContain('MISMATCH (allowed): CPU model');
  });

  test('a file that is not a results file, or of another schema version, is refused with a clear message', () => {
    const notResults = gate(fixturePath('runA'), writeTemporary('package.json', { name: 'not-results', version: '1.0.0' }));
    expect(notResults.output).toContain('is not a workbench results file');
    expect(notResults.status).toBe(GATE_REFUSED);
    const future = writeTemporary('future.json', { ...readFixture('runB'), version: 4 });
    const versioned = gate(fixturePath('runA'), future);
    expect(versioned.status).toBe(GATE_REFUSED);
    expect(versioned.output).toContain('has results schema version 4; this workbench reads versions 1, 2 and 3');
  });
});

describe('option parsing', () => {
  test('thresholds are percentages', () => {
    expect(parsePercent('5%')).toBeCloseTo(0.05, 12);
    expect(parsePercent('2.5')).toBeCloseTo(0.025, 12);
    expect(() => parsePercent('five')).toThrow(/percentage/);
  });
  test('confidence is a level in (0, 1), or a percentage', () => {
    expect(parseConfidence('0.99')).toBe(0.99);
    expect(parseConfidence('95%')).toBeCloseTo(0.95, 12);
    expect(() => parseConfidence('1.5')).toThrow(/between 0 and 1/);
  });
});
