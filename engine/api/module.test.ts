// Unit tests: the JS API surface (WebAssembly JS API §4): validate, compile, Module and its
// static imports/exports/customSections, compared with V8 on the same bytes.
import { describe, expect, test } from 'vitest';
import { CompileError, LinkError, Module, RuntimeError, compile, validate } from '../index.js';
import { FUNCREF, I32, body, functionType, moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';

const bytes = moduleBytes(
  section(1, vector([functionType([], [])])),
  section(2, vector([[...name('env'), ...name('f'), 0x00, 0], [...name('env'), ...name('mem'), 0x02, 0x00, 1], [...name('js'), ...name('t'), 0x01, FUNCREF, 0x00, 1], [...name('js'), ...name('g'), 0x03, I32, 0x00]])),
  section(3, vector([[0]])),
  section(7, vector([[...name('run'), 0x00, 1], [...name('memory'), 0x02, 0], [...name('table'), 0x01, 0], [...name('g'), 0x03, 0]])),
  section(10, vector([body([], [0x0b])])),
  section(0, [...name('meta'), 1, 2, 3]),
  section(0, [...name('meta'), 4]),
);

describe('JS API', () => {
  test('Module.imports / exports / customSections match V8', () => {
    const ours = new Module(bytes);
    const v8 = new WebAssembly.Module(bytes);
    expect(Module.imports(ours)).toEqual(WebAssembly.Module.imports(v8));
    expect(Module.exports(ours)).toEqual(WebAssembly.Module.exports(v8));
    const sections = (list: ArrayBuffer[]): number[][] => list.map((buffer) => [...new Uint8Array(buffer)]);
    expect(sections(Module.customSections(ours, 'meta'))).toEqual(sections(WebAssembly.Module.customSections(v8, 'meta')));
    expect(Module.customSections(ours, 'none')).toEqual([]);
  });
  test('validate agrees with V8 and accepts any BufferSource', () => {
    expect(validate(bytes)).toBe(true);
    expect(validate(bytes.buffer)).toBe(true);
    expect(validate(new DataView(bytes.buffer))).toBe(true);
    expect(validate(bytes.subarray(0, 20))).toBe(WebAssembly.validate(bytes.subarray(0, 20)));
    expect(() => validate('not bytes' as unknown as Uint8Array)).toThrow(TypeError);
  });
  test('compile resolves to a Module or rejects with a CompileError naming the offset', async () => {
    expect(await compile(bytes)).toBeInstanceOf(Module);
    const error = await compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0d, 0])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).name).toBe('CompileError');
    expect((error as CompileError).message).toBe('malformed section id 13 (at offset 0x8)');
    expect((error as CompileError).offset).toBe(8);
  });
  test('new Module throws CompileError synchronously; the error classes exist', () => {
    expect(() => new Module(new Uint8Array([1, 2, 3]))).toThrow(CompileError);
    expect(new LinkError('x')).toBeInstanceOf(Error);
    expect(new RuntimeError('x').name).toBe('RuntimeError');
  });
  test('bad input of any kind gives a CompileError quickly', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 300; i++) {
      const input = new Uint8Array(8 + (i % 50) * 7);
      input.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
      for (let j = 8; j < input.length; j++) input[j] = random();
      expect(typeof validate(input)).toBe('boolean');
    }
  });
});
