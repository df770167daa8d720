// Unit tests: custom sections (Core spec §5.5.3) and the name section (appendix §7.4).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { moduleNames } from './custom-section.js';
import { moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('custom sections', () => {
  test('anywhere, in order, with their contents as byte ranges', () => {
    const module = decodeModule(moduleBytes(section(0, [...name('a'), 1, 2]), section(1, [0]), section(0, [...name('b')])));
    expect(module.customSections.map((c) => [c.name, c.dataEnd - c.dataStart])).toEqual([['a', 2], ['b', 0]]);
  });
  test('the name must be UTF-8 and fit in the section', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(0, [1, 0xff])))).problem).toBe('malformed UTF-8 encoding');
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(0, [5, 0x61])))).problem).toBe('length out of bounds');
  });
  test('the name section: module, function and local names', () => {
    const content = [
      ...name('name'),
      ...section(0, name('mod')),
      ...section(1, vector([[0, ...name('main')], [2, ...name('helper')]])),
      ...section(2, vector([[0, ...vector([[0, ...name('x')], [1, ...name('y')]])]])),
      ...section(9, [1, 2, 3]),
    ];
    const names = moduleNames(decodeModule(moduleBytes(section(0, content))));
    expect(names.moduleName).toBe('mod');
    expect([...names.functionNames]).toEqual([[0, 'main'], [2, 'helper']]);
    expect([...names.localNames.get(0)!]).toEqual([[0, 'x'], [1, 'y']]);
  });
  test('a malformed name section does not make the module invalid', () => {
    const module = decodeModule(moduleBytes(section(0, [...name('name'), 1, 50, 0xff])));
    expect(moduleNames(module).functionNames.size).toBe(0);
  });
});
