// Unit tests: compileStreaming and instantiateStreaming (api/streaming.ts, WebAssembly Web
// API §3) against Node's own for the same inputs: Responses and promises of them, wrong
// sources, MIME types, statuses, used bodies, bodies that fail while being read, streamed
// bodies, invalid bytes, bad imports. Outcomes are compared as "resolved ..." / "rejected
// <error name>". One difference is by design: the Web API compares the Content-Type with
// `application/wasm` byte-case-insensitively, Node compares it exactly.
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { body, functionType, I32, moduleBytes, name, section, vector } from '../../test/support/module-bytes.js';

/** (import "m" "f" (func)) (func (export "answer") (result i32) call 0, i32.const 42) */
const MODULE = moduleBytes(
  section(1, vector([functionType([], [I32]), functionType([], [])])),
  section(2, vector([[...name('m'), ...name('f'), 0x00, 1]])),
  section(3, vector([[0]])),
  section(7, vector([[...name('answer'), 0x00, 1]])),
  section(10, vector([body([], [0x10, 0x00, 0x41, 42, 0x0b])])),
);
const INVALID = new Uint8Array([...MODULE.slice(0, -1), 0xff]);

type Streaming = {
  compileStreaming(source: unknown): Promise<unknown>;
  instantiateStreaming(source: unknown, importObject?: unknown): Promise<{ module: unknown; instance: { exports: Record<string, () => number> } }>;
  Module: { exports(module: unknown): unknown };
};
const engines: Array<[string, Streaming]> = [
  ['node', WebAssembly as unknown as Streaming],
  ['ours', ours.WebAssembly as unknown as Streaming],
];

let calls = 0;
const IMPORTS = { m: { f: () => void calls++ } };

function wasmResponse(bytes: BodyInit | null, init: ResponseInit = {}): Response {
  return new Response(bytes, { ...init, headers: { 'Content-Type': 'application/wasm', ...(init.headers as Record<string, string>) } });
}

/** A body streamed in chunks of `size` bytes. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else controller.enqueue(bytes.slice(offset, (offset += size)));
    },
  });
}

function failingBody(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(MODULE.slice(0, 4));
      } else controller.error(new RangeError('the network went away'));
    },
  });
}

async function settle(promise: () => Promise<unknown>): Promise<string> {
  try {
    const value = (await promise()) as { module?: unknown; instance?: { exports: Record<string, () => number> } } | undefined;
    if (value && typeof value === 'object' && 'instance' in value) return `resolved instance, answer ${value.instance!.exports.answer()}`;
    return `resolved ${Object.prototype.toString.call(value)}`;
  } catch (error) {
    return `rejected ${(error as Error).name}`;
  }
}

/** Each case makes a fresh source (a Response body can be read once). */
const SOURCES: Array<[string, () => unknown]> = [
  ['a Response', () => wasmResponse(MODULE)],
  ['a promise of a Response', () => Promise.resolve(wasmResponse(MODULE))],
  ['a streamed body in 3-byte chunks', () => wasmResponse(chunked(MODULE, 3))],
  ['Content-Type with spaces around it', () => new Response(MODULE, { headers: { 'Content-Type': ' application/wasm\t' } })],
  ['undefined', () => undefined],
  ['a plain object', () => ({})],
  ['the bytes themselves', () => MODULE],
  ['a promise of a number', () => Promise.resolve(42)],
  ['a rejected promise', () => Promise.reject(new SyntaxError('no source'))],
  ['no Content-Type', () => new Response(MODULE)],
  ['Content-Type text/plain', () => new Response(MODULE, { headers: { 'Content-Type': 'text/plain' } })],
  ['Content-Type with a parameter', () => new Response(MODULE, { headers: { 'Content-Type': 'application/wasm; charset=utf-8' } })],
  ['status 404', () => wasmResponse(MODULE, { status: 404 })],
  ['status 500 with an empty body', () => wasmResponse(null, { status: 500 })],
  ['a used body', () => {
    const response = wasmResponse(MODULE);
    void response.arrayBuffer();
    return response;
  }],
  ['a body that fails while read', () => wasmResponse(failingBody())],
  ['no body', () => wasmResponse(null)],
  ['invalid bytes', () => wasmResponse(INVALID)],
];

describe('compileStreaming and instantiateStreaming, same inputs on Node and on ours', () => {
  test.each(SOURCES)('compileStreaming(%s)', async (_, source) => {
    const outcomes = [];
    for (const [, api] of engines) outcomes.push(await settle(() => api.compileStreaming(source())));
    expect(outcomes[1]).toBe(outcomes[0]);
  });

  test.each(SOURCES)('instantiateStreaming(%s, imports)', async (_, source) => {
    const outcomes = [];
    for (const [, api] of engines) outcomes.push(await settle(() => api.instantiateStreaming(source(), IMPORTS)));
    expect(outcomes[1]).toBe(outcomes[0]);
  });

  test.each([
    ['no import object', undefined],
    ['a missing import', { m: {} }],
    ['a non-object import object', 5],
    ['null as import object', null],
  ])('instantiateStreaming with %s', async (_, importObject) => {
    const outcomes = [];
    for (const [, api] of engines) outcomes.push(await settle(() => api.instantiateStreaming(wasmResponse(MODULE), importObject)));
    expect(outcomes[1]).toBe(outcomes[0]);
  });

  test('the results: a Module with the exports, an instance that calls its import', async () => {
    const module = await ours.compileStreaming(wasmResponse(MODULE));
    expect(module).toBeInstanceOf(ours.Module);
    expect(ours.Module.exports(module)).toEqual([{ name: 'answer', kind: 'function' }]);
    const before = calls;
    const { module: second, instance } = await ours.instantiateStreaming(Promise.resolve(wasmResponse(MODULE)), IMPORTS, { optLevel: 0 });
    expect(second).toBeInstanceOf(ours.Module);
    expect((instance.exports.answer as () => number)()).toBe(42);
    expect(calls).toBe(before + 1);
  });

  test('the MIME type is compared case-insensitively, as the Web API says (Node compares it exactly)', async () => {
    const response = () => new Response(MODULE, { headers: { 'Content-Type': 'Application/WASM' } });
    expect(await settle(() => ours.compileStreaming(response()))).toBe('resolved [object WebAssembly.Module]');
  });

  test('errors say what is wrong', async () => {
    await expect(ours.compileStreaming(new Response(MODULE, { headers: { 'Content-Type': 'text/html' } }))).rejects.toThrow(/MIME type 'text\/html'; expected 'application\/wasm'/);
    await expect(ours.compileStreaming(wasmResponse(MODULE, { status: 404 }))).rejects.toThrow(/status 404/);
    await expect(ours.compileStreaming(MODULE as unknown as Response)).rejects.toThrow(/must be a Response/);
  });
});
