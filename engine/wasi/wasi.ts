// WASI preview1 for any engine with the standard WebAssembly JavaScript API shape: the
// `WASI` class (API of Node's `node:wasi`) that builds the `wasi_snapshot_preview1` import
// object and runs a command (`_start`) or initialises a reactor (`_initialize`).
//
// The class owns the lifecycle and argument validation, with node:wasi's errors; the
// imports are built by one module per preview1 area (args-environ, clocks, fd-io,
// fd-attributes, directory-listing, path-open, path-operations, poll, random,
// process-control, sockets) over a shared context: the guest's memory and the descriptor
// table. Nothing here depends on V8's WebAssembly: a memory is anything with an
// ArrayBuffer `buffer`. Path operations use the engine's native addon (openat2 beneath
// each directory descriptor; path-resolution.ts), so this WASI runs on Linux.

import { constants as fsConstants, fstatSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';
import {
  invalidArgType,
  invalidArgValue,
  invalidMemoryExport,
  setupFailed,
  validateInt32,
  validateObject,
  wasiAlreadyStarted,
  wasiNotStarted,
} from './argument-errors.js';
import { createArgsEnvironImports, EncodedStrings } from './args-environ.js';
import { Clocks, createClockImports } from './clocks.js';
import { createDirectoryImports } from './directory-listing.js';
import { hostErrorCode } from './errno.js';
import { createFdAttributeImports } from './fd-attributes.js';
import { createFdIoImports } from './fd-io.js';
import { Descriptor, DescriptorTable } from './fd-table.js';
import { filetypeOfStats } from './file-status.js';
import { encodeUtf8, GuestMemory, isMemoryLike } from './guest-memory.js';
import type { WasiContext, WasiImportObject, WasiPreview1Imports } from './imports.js';
import { createPathOpenImports } from './path-open.js';
import { createPathImports } from './path-operations.js';
import { hostFileSystem } from './path-resolution.js';
import { createPollImports } from './poll.js';
import { Filetype } from './preview1-types.js';
import { createProcessImports, WASIExit } from './process-control.js';
import { createRandomImports } from './random.js';
import { maximumRights, RIGHTS_DIRECTORY_BASE, RIGHTS_DIRECTORY_INHERITING } from './rights.js';
import { createSocketImports } from './sockets.js';

/** Options of `new WASI(...)`, as node:wasi's. */
export interface WASIOptions {
  /** Only 'preview1' (node:wasi also accepts 'unstable', an older ABI we do not serve). */
  version: 'preview1';
  /** Command-line arguments the program sees; the first is its name. Default []. */
  args?: readonly string[];
  /** Environment variables; entries whose value is undefined are left out. Default {}. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Guest directory names (e.g. '/sandbox') mapped to host directories. Default {}. */
  preopens?: Readonly<Record<string, string>>;
  /** start() returns proc_exit's code (default true) instead of ending the process. */
  returnOnExit?: boolean;
  /** Host descriptors the program sees as 0, 1 and 2. Default 0, 1, 2. */
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

/** What start()/initialize() need of an instance: its exports. */
export interface InstanceLike {
  readonly exports: Readonly<Record<string, unknown>>;
}

const IMPORT_MODULE = 'wasi_snapshot_preview1';

export class WASI {
  /** The import functions; pass as `wasi_snapshot_preview1` when instantiating. */
  readonly wasiImport: WasiPreview1Imports;
  readonly #memory: GuestMemory;
  readonly #returnOnExit: boolean;
  #started = false;

  constructor(options: WASIOptions = {} as WASIOptions) {
    validateObject(options, 'options');
    const { version } = options;
    if (typeof version !== 'string') throw invalidArgType('options.version', 'of type string', version);
    if (version !== 'preview1') throw invalidArgValue('options.version', version, 'unsupported WASI version');

    if (options.args !== undefined && !Array.isArray(options.args)) {
      throw invalidArgType('options.args', 'an instance of Array', options.args);
    }
    const args = (options.args ?? []).map((argument: unknown) => String(argument));

    const environ: string[] = [];
    if (options.env !== undefined) {
      validateObject(options.env, 'options.env');
      for (const [key, value] of Object.entries(options.env)) {
        if (value !== undefined) environ.push(`${key}=${value}`);
      }
    }

    const preopens: [string, string][] = [];
    if (options.preopens !== undefined) {
      validateObject(options.preopens, 'options.preopens');
      for (const [guestPath, hostPath] of Object.entries(options.preopens)) {
        preopens.push([String(guestPath), String(hostPath)]);
      }
    }

    const { stdin = 0, stdout = 1, stderr = 2 } = options;
    validateInt32(stdin, 'options.stdin', 0);
    validateInt32(stdout, 'options.stdout', 0);
    validateInt32(stderr, 'options.stderr', 0);

    const descriptors = createDescriptorTable([stdin, stdout, stderr], preopens);

    let returnOnExit = true;
    if (options.returnOnExit !== undefined) {
      if (typeof options.returnOnExit !== 'boolean') {
        throw invalidArgType('options.returnOnExit', 'of type boolean', options.returnOnExit);
      }
      returnOnExit = options.returnOnExit;
    }
    this.#returnOnExit = returnOnExit;

    this.#memory = new GuestMemory(wasiNotStarted);
    const context: WasiContext = { memory: this.#memory, descriptors };
    const clocks = new Clocks();
    this.wasiImport = {
      ...createArgsEnvironImports(context, new EncodedStrings(args), new EncodedStrings(environ)),
      ...createClockImports(context, clocks),
      ...createFdAttributeImports(context),
      ...createFdIoImports(context),
      ...createDirectoryImports(context),
      ...createPathOpenImports(context),
      ...createPathImports(context),
      ...createPollImports(context, clocks),
      ...createProcessImports((code) => this.#exit(code)),
      ...createRandomImports(context),
      ...createSocketImports(context),
    };
  }

  /** `{ wasi_snapshot_preview1: wasiImport }`. */
  getImportObject(): WasiImportObject {
    return { [IMPORT_MODULE]: this.wasiImport } as WasiImportObject;
  }

  /**
   * Runs a command: calls `_start` and returns its exit code (proc_exit's, or 0 when
   * `_start` returns). The instance must export `memory` and `_start` and must not export
   * `_initialize`. A WASI object starts once; a trap propagates as the engine threw it.
   */
  start(instance: InstanceLike): number {
    if (this.#started) throw wasiAlreadyStarted();
    this.#started = true;
    const exports = this.#attach(instance);
    const { _start, _initialize } = exports;
    if (typeof _start !== 'function') {
      throw invalidArgType('instance.exports._start', 'of type function', _start);
    }
    if (_initialize !== undefined) {
      throw invalidArgType('instance.exports._initialize', 'undefined', _initialize);
    }
    try {
      _start();
    } catch (error) {
      if (error instanceof WASIExit) return error.code;
      throw error;
    }
    return 0;
  }

  /**
   * Initialises a reactor: calls `_initialize` if it is exported. The instance must export
   * `memory` and must not export `_start`. proc_exit during it propagates as `WASIExit`.
   */
  initialize(instance: InstanceLike): void {
    if (this.#started) throw wasiAlreadyStarted();
    this.#started = true;
    const exports = this.#attach(instance);
    const { _start, _initialize } = exports;
    if (_start !== undefined) {
      throw invalidArgType('instance.exports._start', 'undefined', _start);
    }
    if (_initialize !== undefined) {
      if (typeof _initialize !== 'function') {
        throw invalidArgType('instance.exports._initialize', 'of type function', _initialize);
      }
      _initialize();
    }
  }

  /** Validates the instance and binds its memory (any object with an ArrayBuffer `buffer`). */
  #attach(instance: InstanceLike): Readonly<Record<string, unknown>> {
    validateObject(instance, 'instance');
    const exports = (instance as { exports?: unknown }).exports;
    if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) {
      throw invalidArgType('instance.exports', 'of type object', exports);
    }
    const memory = (exports as Record<string, unknown>).memory;
    if (!isMemoryLike(memory)) throw invalidMemoryExport();
    this.#memory.attach(memory);
    return exports as Readonly<Record<string, unknown>>;
  }

  #exit(code: number): never {
    if (this.#returnOnExit) throw new WASIExit(code);
    process.exit(code);
  }
}

/**
 * The initial table: stdio at 0..2 (host descriptors the embedder named, typed by fstat,
 * rights by type as uvwasi gives them), then each preopen at 3, 4, ... in `preopens` order,
 * each holding its directory opened once (O_DIRECTORY: a file is ENOTDIR). Failures throw
 * node:wasi's setup error (e.g. code 'UVWASI_ENOENT'); an unbuilt native addon throws its
 * own error.
 */
function createDescriptorTable(stdio: number[], preopens: [string, string][]): DescriptorTable {
  const descriptors = new DescriptorTable();
  // Path operations need the native addon: without it, fail here, not in a guest's call.
  if (preopens.length > 0) hostFileSystem();
  try {
    stdio.forEach((hostFd, fd) => {
      const filetype = filetypeOfStats(fstatSync(hostFd));
      const terminal = filetype === Filetype.CharacterDevice && isatty(hostFd);
      const rights = maximumRights(filetype, terminal, 'read-write');
      descriptors.set(fd, new Descriptor('stdio', hostFd, filetype, rights.base, rights.inheriting, 0));
    });
    preopens.forEach(([guestPath, hostPath], index) => {
      const hostFd = openSync(hostPath, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
      descriptors.set(
        3 + index,
        new Descriptor(
          'directory',
          hostFd,
          Filetype.Directory,
          RIGHTS_DIRECTORY_BASE,
          RIGHTS_DIRECTORY_INHERITING,
          0,
          encodeUtf8(guestPath),
        ),
      );
    });
  } catch (error) {
    descriptors.closeAll();
    const code = hostErrorCode(error);
    if (code !== undefined && /^E[A-Z0-9]+$/.test(code)) throw setupFailed(code);
    throw error;
  }
  return descriptors;
}
