// Unit tests: the memory section (Core spec §5.5.8).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { moduleBytes, name, section, u32, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('memory section', () => {
  test('limits in pages', () => {
    expect(decodeModule(moduleBytes(section(5, vector([[0x01, 1, ...u32(65536)]])))).memories).toEqual([{ min: 1, max: 65536 }]);
  });
  test('a truncated limit is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(5, [1, 0x01, 1]), section(0, name('x'))))).problem).toBe('unexpected end of section or function');
  });
});
