// Workbench engines: engines that run inside a Node process (V8's tiers, and the
// project's own LLVM engine). One adapter class; a configuration is a name, the Node/V8
// flags of the measured process, and the in-process engine with its options.

import { join } from 'node:path';
import { distDirectory } from '../paths.js';
import type { EngineAdapter, EngineProbe, MeasureOutcome, MeasureRequest } from './engine.js';
import { measureWithHarness } from './harness-process.js';
import { runChildProcess } from './child-process.js';

export interface NodeHarnessEngineConfig {
  name: string;
  kind: string;
  description: string;
  /** Flags for the measured Node process (e.g. V8 tier selection). */
  nodeFlags: readonly string[];
  /** In-process engine (bench/harness/in-process-engines.ts). */
  inProcessEngine: string;
  engineOptions?: Record<string, unknown>;
  /** Environment variables of the measured process, beside the workbench's own. */
  env?: Readonly<Record<string, string>>;
}

/**
 * Flags every measured Node process gets: explicit GC between iterations, no warnings on
 * stderr, and no fast API calls: Node 20's node:wasi fd_write is a fast API call that can
 * start a GC which frees the WASI object mid-call (SIGABRT seen on deriche LARGE);
 * the slow path is only taken by WASI calls, never inside the measured region.
 */
const COMMON_NODE_FLAGS = ['--expose-gc', '--no-warnings', '--no-turbo-fast-api-calls'];

export class NodeHarnessEngine implements EngineAdapter {
  readonly phases = ['compile', 'instantiate', 'execute', 'total'] as const;
  readonly runsJsGlue = true;
  readonly name: string;
  readonly kind: string;
  readonly description: string;
  readonly flags: readonly string[];

  private readonly config: NodeHarnessEngineConfig;

  constructor(config: NodeHarnessEngineConfig) {
    // This project's engine: the compile threads (bench --compile-threads) are part of its configuration.
    const threads = process.env.WASM_LLVM_COMPILE_THREADS;
    if (config.kind === 'llvm' && threads !== undefined) config = { ...config, env: { ...config.env, WASM_LLVM_COMPILE_THREADS: threads } };
    this.config = config;
    this.name = config.name;
    this.kind = config.kind;
    this.description = config.description;
    const options = Object.entries(config.engineOptions ?? {}).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    const env = Object.entries(config.env ?? {}).map(([key, value]) => `${key}=${value}`);
    this.flags = [...config.nodeFlags, ...options, ...env];
  }

  private harnessScript(): string {
    return join(distDirectory, 'bench', 'harness', 'node-harness.js');
  }

  async probe(): Promise<EngineProbe> {
    // Start Node with the same flags once: a flag this Node does not know fails here, not mid-run.
    const result = await runChildProcess(process.execPath, {
      args: [...COMMON_NODE_FLAGS, ...this.config.nodeFlags, '-e', 'process.stdout.write(process.versions.v8)'],
      timeoutMs: 30_000,
    });
    if (result.exitCode !== 0) {
      return { available: false, version: null, reason: `node ${this.config.nodeFlags.join(' ')} failed: ${result.stderrTail.trim()}` };
    }
    return { available: true, version: `node ${process.version}, V8 ${result.stdout.trim()}`, reason: null };
  }

  measure(request: MeasureRequest): Promise<MeasureOutcome> {
    return measureWithHarness(process.execPath, [...COMMON_NODE_FLAGS, ...this.config.nodeFlags, this.harnessScript()], request, {
      engine: this.config.inProcessEngine,
      engineOptions: this.config.engineOptions ?? {},
    }, this.config.env);
  }
}
