// Stage: JS API. WebAssembly.compileStreaming and instantiateStreaming (WebAssembly Web API
// §3, "Streaming Module Compilation and Instantiation"): the source is a Response or a
// promise of one (the fetch API's, Node's global `Response`); "compile a potential
// WebAssembly response" checks it is a Response (TypeError), that its Content-Type is
// `application/wasm` (TypeError otherwise), that its status is ok (TypeError) and that its
// body is not used (TypeError), reads the whole body and compiles the bytes with our
// engine. There is no streaming compilation: the bytes are compiled once they have all
// arrived. As in `compile` and `instantiate`, the engine's compile options may follow as
// an extra last argument.

import type { ModuleCompileOptions } from '../compile/compiled-module.js';
import { checkImportObject, instantiateModule, type WebAssemblyInstantiatedSource } from './instance.js';
import { compileCopiedBytes, type Module } from './module.js';

/** What the streaming functions accept: a Response or anything that resolves to one. */
export type ResponseSource = Response | PromiseLike<Response>;

/** HTTP tab or space (Fetch: "HTTP tab or space byte"), trimmed around the MIME type. */
function trimHttpWhitespace(value: string): string {
  return value.replace(/^[\t ]+|[\t ]+$/g, '');
}

/** The steps of "compile a potential WebAssembly response" up to the bytes of the body. */
async function responseBytes(source: unknown, caller: string): Promise<Uint8Array> {
  const response = await source;
  const ResponseClass = (globalThis as { Response?: typeof Response }).Response;
  if (ResponseClass === undefined) throw new TypeError(`${caller}: this environment has no Response (the fetch API)`);
  if (!(response instanceof ResponseClass)) throw new TypeError(`${caller}: Argument 0 must be a Response or a promise of one`);
  const contentType = response.headers.get('Content-Type');
  if (contentType === null) throw new TypeError(`${caller}: the response has no Content-Type; expected 'application/wasm'`);
  if (trimHttpWhitespace(contentType).toLowerCase() !== 'application/wasm') {
    throw new TypeError(`${caller}: the response has MIME type '${contentType}'; expected 'application/wasm'`);
  }
  if (!response.ok) throw new TypeError(`${caller}: the response has status ${response.status}, not an ok status`);
  if (response.bodyUsed) throw new TypeError(`${caller}: the response body has already been used`);
  // A fresh ArrayBuffer that only we hold: compiling it needs no further copy.
  return new Uint8Array(await response.arrayBuffer());
}

/** WebAssembly.compileStreaming(source): resolves to a Module; rejects with TypeError or CompileError. */
export async function compileStreaming(source: ResponseSource, ...rest: [options?: ModuleCompileOptions | null]): Promise<Module> {
  const bytes = await responseBytes(source, 'WebAssembly.compileStreaming()');
  return compileCopiedBytes(bytes, rest[0]);
}

/**
 * WebAssembly.instantiateStreaming(source, importObject?): resolves to { module, instance };
 * rejects with TypeError, CompileError, LinkError or RuntimeError.
 */
export async function instantiateStreaming(
  source: ResponseSource,
  ...rest: [importObject?: object, options?: ModuleCompileOptions | null]
): Promise<WebAssemblyInstantiatedSource> {
  const [importObject, options] = rest;
  checkImportObject(importObject, 'WebAssembly.instantiateStreaming()');
  const bytes = await responseBytes(source, 'WebAssembly.instantiateStreaming()');
  return instantiateModule(await compileCopiedBytes(bytes, options), importObject);
}
