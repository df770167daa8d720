// Workbench command line: the build-variant option (--variant scalar|simd|both) parses to
// the variants a run measures, scalar by default so that a bare `npm run bench` runs what
// it always ran; the realworld suite has no variants; results file names say the variants.
import { describe, expect, test } from 'vitest';
import { buildCommand, runVariants, type CliOptions } from './main.js';
import { defaultResultsPath } from './results/store.js';

function parse(argv: string[]): CliOptions {
  const command = buildCommand().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  command.parse(argv, { from: 'user' });
  return command.opts<CliOptions>();
}

describe('--variant', () => {
  test('defaults to scalar: the run of today', () => {
    const options = parse(['--suite', 'polybench']);
    expect(options.variant).toBe('scalar');
    expect(runVariants(options)).toEqual(['scalar']);
  });

  test('simd and both', () => {
    expect(runVariants(parse(['--variant', 'simd']))).toEqual(['simd']);
    expect(runVariants(parse(['--variant', 'both', '--dataset', 'mini']))).toEqual(['scalar', 'simd']);
  });

  test('anything else is refused with the choices', () => {
    expect(() => parse(['--variant', 'avx2'])).toThrow(/argument 'avx2' is invalid.*Allowed choices are scalar, simd, both/);
  });

  test('the realworld suite runs its modules as shipped: no simd variant', () => {
    expect(runVariants(parse(['--suite', 'realworld']))).toEqual(['scalar']);
    expect(() => runVariants(parse(['--suite', 'realworld', '--variant', 'simd']))).toThrow(/realworld has no build variants/);
  });

  test('a results file name says which variants ran, unless scalar alone', () => {
    const at = new Date('2026-12-05T10:00:00.000Z');
    expect(defaultResultsPath('/r', 'polybench', 'mini', at)).toBe('/r/polybench-mini-2026-12-05T10-00-00-000Z.json');
    expect(defaultResultsPath('/r', 'polybench', 'mini', at, ['scalar'])).toBe('/r/polybench-mini-2026-12-05T10-00-00-000Z.json');
    expect(defaultResultsPath('/r', 'polybench', 'mini', at, ['simd'])).toBe('/r/polybench-mini-simd-2026-12-05T10-00-00-000Z.json');
    expect(defaultResultsPath('/r', 'polybench', 'mini', at, ['scalar', 'simd'])).toBe('/r/polybench-mini-scalar+simd-2026-12-05T10-00-00-000Z.json');
  });
});
