// The WASI class's JavaScript API against node:wasi's (Node 20): constructor validation,
// start()/initialize() lifecycle, exit codes, the import object, and the errors each
// misuse throws (class, code and message compared).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { u32 } from '../../test/support/module-bytes.js';
import { WASI, WASIExit } from './index.js';

type AnyWASI = { new (options?: unknown): { start(i: unknown): number; initialize(i: unknown): void; wasiImport: Record<string, (...args: unknown[]) => unknown>; getImportObject(): Record<string, unknown> } };
const Ours = WASI as unknown as AnyWASI;
const Node = NodeWASI as unknown as AnyWASI;

const scratch = mkdtempSync(join(tmpdir(), 'wasi-api-'));
const aFile = join(scratch, 'a-file');
writeFileSync(aFile, 'x');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What an action did: returned a value or threw (class, code, message). */
function outcome(action: () => unknown): unknown {
  try {
    const value = action();
    return { returned: typeof value === 'object' ? 'object' : value };
  } catch (error) {
    if (error instanceof Error) {
      return { threw: error.constructor.name, code: (error as { code?: string }).code, message: error.message };
    }
    return { threw: typeof error };
  }
}

function expectSameOutcome(action: (W: AnyWASI) => unknown): unknown {
  const reference = outcome(() => action(Node));
  const ours = outcome(() => action(Ours));
  expect(ours).toEqual(reference);
  return ours;
}

const memory = () => new WebAssembly.Memory({ initial: 1 });

describe('constructor validation matches node:wasi', () => {
  const cases: [string, unknown[]][] = [
    ['no options', []],
    ['null', [null]],
    ['array', [['x']]],
    ['function', [() => {}]],
    ['no version', [{}]],
    ['numeric version', [{ version: 1 }]],
    ['unknown version', [{ version: 'preview2' }]],
    ['args not an array', [{ version: 'preview1', args: 'a' }]],
    ['env a string', [{ version: 'preview1', env: 'a' }]],
    ['env null', [{ version: 'preview1', env: null }]],
    ['env an array', [{ version: 'preview1', env: ['A=1'] }]],
    ['preopens a string', [{ version: 'preview1', preopens: 'a' }]],
    ['stdin a string', [{ version: 'preview1', stdin: '0' }]],
    ['stdin negative', [{ version: 'preview1', stdin: -1 }]],
    ['stdout fractional', [{ version: 'preview1', stdout: 1.5 }]],
    ['stderr too large', [{ version: 'preview1', stderr: 2 ** 31 }]],
    ['stderr far too large', [{ version: 'preview1', stderr: 2 ** 40 }]],
    ['returnOnExit a string', [{ version: 'preview1', returnOnExit: 'yes' }]],
    ['missing preopen directory', [{ version: 'preview1', preopens: { '/x': join(scratch, 'missing') } }]],
    ['preopen of a file', [{ version: 'preview1', preopens: { '/x': aFile } }]],
    ['stdin not open', [{ version: 'preview1', stdin: 9999 }]],
    ['valid', [{ version: 'preview1', args: ['a', 1], env: { A: '1', B: undefined }, preopens: { '/s': scratch } }]],
  ];
  it.each(cases)('%s', (_name, args) => {
    expectSameOutcome((W) => new W(...args));
  });
});

describe('start() and initialize() match node:wasi', () => {
  const fresh = (W: AnyWASI) => new W({ version: 'preview1' });
  const cases: [string, (W: AnyWASI) => unknown][] = [
    ['start(undefined)', (W) => fresh(W).start(undefined)],
    ['start({})', (W) => fresh(W).start({})],
    ['start with null exports', (W) => fresh(W).start({ exports: null })],
    ['start without memory', (W) => fresh(W).start({ exports: { _start() {} } })],
    ['start with a non-memory', (W) => fresh(W).start({ exports: { _start() {}, memory: {} } })],
    ['start without _start', (W) => fresh(W).start({ exports: { memory: memory() } })],
    ['start with a non-function _start', (W) => fresh(W).start({ exports: { _start: 1, memory: memory() } })],
    ['start with _initialize', (W) => fresh(W).start({ exports: { _start() {}, _initialize() {}, memory: memory() } })],
    ['start returning', (W) => fresh(W).start({ exports: { _start() {}, memory: memory() } })],
    ['start twice', (W) => {
      const wasi = fresh(W);
      wasi.start({ exports: { _start() {}, memory: memory() } });
      return wasi.start({ exports: { _start() {}, memory: memory() } });
    }],
    ['start after a failed start', (W) => {
      const wasi = fresh(W);
      try {
        wasi.start({ exports: {} });
      } catch {
        // expected
      }
      return wasi.start({ exports: { _start() {}, memory: memory() } });
    }],
    ['proc_exit in _start', (W) => {
      const wasi = fresh(W);
      return wasi.start({ exports: { _start: () => wasi.wasiImport.proc_exit(7), memory: memory() } });
    }],
    ['proc_exit(300) in _start', (W) => {
      const wasi = new W({ version: 'preview1', returnOnExit: true });
      return wasi.start({ exports: { _start: () => wasi.wasiImport.proc_exit(300), memory: memory() } });
    }],
    ['exception in _start', (W) => fresh(W).start({ exports: { _start() { throw new Error('boom'); }, memory: memory() } })],
    ['initialize without _initialize', (W) => fresh(W).initialize({ exports: { memory: memory() } })],
    ['initialize with _initialize', (W) => fresh(W).initialize({ exports: { _initialize() { return 5; }, memory: memory() } })],
    ['initialize with _start', (W) => fresh(W).initialize({ exports: { _start() {}, memory: memory() } })],
    ['initialize without memory', (W) => fresh(W).initialize({ exports: {} })],
    ['initialize with a non-function _initialize', (W) => fresh(W).initialize({ exports: { _initialize: 3, memory: memory() } })],
    ['initialize twice', (W) => {
      const wasi = fresh(W);
      wasi.initialize({ exports: { memory: memory() } });
      return wasi.initialize({ exports: { memory: memory() } });
    }],
    ['start after initialize', (W) => {
      const wasi = fresh(W);
      wasi.initialize({ exports: { memory: memory() } });
      return wasi.start({ exports: { _start() {}, memory: memory() } });
    }],
    ['an import before start', (W) => fresh(W).wasiImport.args_sizes_get(0, 4)],
  ];
  it.each(cases)('%s', (_name, action) => {
    expectSameOutcome(action);
  });
});

describe('the import object', () => {
  it('has exactly node:wasi preview1 functions', () => {
    const ours = new WASI({ version: 'preview1' });
    const reference = new NodeWASI({ version: 'preview1' });
    expect(Object.keys(ours.wasiImport).sort()).toEqual(Object.keys(reference.wasiImport).sort());
    expect(Object.keys(ours.wasiImport)).toHaveLength(46);
    expect(Object.keys(ours.getImportObject())).toEqual(['wasi_snapshot_preview1']);
    expect(ours.getImportObject().wasi_snapshot_preview1).toBe(ours.wasiImport);
  });

  it('links every import of a module that imports all 46', async () => {
    const wasi = new WASI({ version: 'preview1' });
    const names = Object.keys(wasi.wasiImport);
    const { instance } = await WebAssembly.instantiate(
      moduleImportingAll(names),
      wasi.getImportObject() as unknown as WebAssembly.Imports,
    );
    expect(instance).toBeInstanceOf(WebAssembly.Instance);
  });
});

describe('exit handling', () => {
  it('proc_exit throws WASIExit outside start() when returning on exit', () => {
    const wasi = new WASI({ version: 'preview1' });
    wasi.initialize({ exports: { memory: memory() } });
    expect(() => wasi.wasiImport.proc_exit(4)).toThrow(WASIExit);
  });

  it('returnOnExit: false ends the process with the code, as node:wasi', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`process.exit(${code})`);
    }) as never);
    try {
      const wasi = new WASI({ version: 'preview1', returnOnExit: false });
      expect(() => wasi.start({ exports: { _start: () => wasi.wasiImport.proc_exit(9), memory: memory() } })).toThrow(
        'process.exit(9)',
      );
      expect(exit).toHaveBeenCalledWith(9);
    } finally {
      exit.mockRestore();
    }
  });
});

describe('engine independence', () => {
  it('accepts any memory-shaped export (node:wasi insists on WebAssembly.Memory)', () => {
    const real = memory();
    const engineMemory = { get buffer() { return real.buffer; } };
    const wasi = new WASI({ version: 'preview1', args: ['prog', 'x'] });
    const code = wasi.start({
      exports: {
        memory: engineMemory,
        _start() {
          expect(wasi.wasiImport.args_sizes_get(0, 4)).toBe(0);
          wasi.wasiImport.proc_exit(new DataView(real.buffer).getUint32(0, true));
        },
      },
    });
    expect(code).toBe(2);
  });
});

/** A module importing each named function as () -> () (JS functions link to any type). */
function moduleImportingAll(names: string[]): Uint8Array {
  const bytes: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]) => bytes.push(id, ...u32(body.length), ...body);
  section(1, [1, 0x60, 0, 0]); // one type: [] -> []
  const imports: number[] = [...u32(names.length)];
  for (const name of names) {
    imports.push(...string('wasi_snapshot_preview1'), ...string(name), 0x00, 0);
  }
  section(2, imports);
  return new Uint8Array(bytes);
}


function string(text: string): number[] {
  const encoded = [...new TextEncoder().encode(text)];
  return [...u32(encoded.length), ...encoded];
}
