// Unit tests: the import section (Core spec §5.5.5).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { ExternalKind } from './module-info.js';
import { FUNCREF, I32, functionType, moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('import section', () => {
  test('one import of each kind, placed first in their index spaces', () => {
    const module = decodeModule(
      moduleBytes(
        section(1, vector([functionType([], [])])),
        section(2, vector([
          [...name('env'), ...name('f'), 0x00, 0],
          [...name('env'), ...name('t'), 0x01, FUNCREF, 0x01, 1, 10],
          [...name('env'), ...name('m'), 0x02, 0x00, 2],
          [...name('env'), ...name('g'), 0x03, I32, 0x01],
        ])),
      ),
    );
    expect(module.imports.map((i) => [i.module, i.name, i.kind])).toEqual([
      ['env', 'f', ExternalKind.Function],
      ['env', 't', ExternalKind.Table],
      ['env', 'm', ExternalKind.Memory],
      ['env', 'g', ExternalKind.Global],
    ]);
    expect(module.importedFunctionCount).toBe(1);
    expect(module.tables).toEqual([{ elementType: FUNCREF, limits: { min: 1, max: 10 } }]);
    expect(module.memories).toEqual([{ min: 2, max: undefined }]);
    expect(module.globals[0].type).toEqual({ type: I32, mutable: true });
    expect(module.importedGlobalCount).toBe(1);
  });
  test('an unknown import kind is malformed', () => {
    const error = compileErrorOf(() => decodeModule(moduleBytes(section(2, vector([[...name('a'), ...name('b'), 0x04, 0]])))));
    expect(error.problem).toBe('malformed import kind 0x4');
    expect(error.offset).toBe(15);
  });
  test('names must be UTF-8', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(2, vector([[1, 0xff, ...name('b'), 0x00, 0]]))))).problem).toBe('malformed UTF-8 encoding');
  });
  test('shared-memory limits flags are not WebAssembly 2.0', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(2, vector([[...name('a'), ...name('m'), 0x02, 0x03, 1, 2]]))))).problem).toBe('malformed limits flags 0x3');
  });
  test('a mutability other than 0 or 1 is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(2, vector([[...name('a'), ...name('g'), 0x03, I32, 0x02]]))))).problem).toBe('malformed mutability');
  });
});
