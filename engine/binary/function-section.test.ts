// Unit tests: the function section (Core spec §5.5.6) and its pairing with the code section.
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { body, functionType, moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('function section', () => {
  test('type indices follow the imported functions', () => {
    const module = decodeModule(
      moduleBytes(
        section(1, vector([functionType([], []), functionType([0x7f], [])])),
        section(2, vector([[...name('m'), ...name('f'), 0x00, 1]])),
        section(3, vector([[0], [1]])),
        section(10, vector([body([], [0x0b]), body([], [0x0b])])),
      ),
    );
    expect(module.functionTypeIndices).toEqual([1, 0, 1]);
    expect(module.importedFunctionCount).toBe(1);
  });
  test('a function section without a code section is malformed', () => {
    const error = compileErrorOf(() => decodeModule(moduleBytes(section(1, vector([functionType([], [])])), section(3, vector([[0]])))));
    expect(error.problem).toBe('function and code section have inconsistent lengths');
  });
  test('counts that differ are malformed', () => {
    const error = compileErrorOf(() =>
      decodeModule(moduleBytes(section(1, vector([functionType([], [])])), section(3, vector([[0], [0]])), section(10, vector([body([], [0x0b])])))),
    );
    expect(error.problem).toBe('function and code section have inconsistent lengths');
  });
});
