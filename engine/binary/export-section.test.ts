// Unit tests: the export section (Core spec §5.5.10).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { ExternalKind } from './module-info.js';
import { moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('export section', () => {
  test('names, kinds and indices', () => {
    const module = decodeModule(moduleBytes(section(5, vector([[0x00, 1]])), section(7, vector([[...name('mem'), 0x02, 0]]))));
    expect(module.exports.map((e) => [e.name, e.kind, e.index])).toEqual([['mem', ExternalKind.Memory, 0]]);
  });
  test('an unknown kind is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(7, vector([[...name('x'), 0x05, 0]]))))).problem).toBe('malformed export kind 0x5');
  });
});
