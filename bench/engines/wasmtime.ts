// Workbench engines: Wasmtime through the pinned `wasmtime` Python package (set-up step
// installs it into .venv), in a child-process harness that speaks the Node harness's
// protocol. Strategies: Cranelift (optimising) and Winch (baseline).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot, venvPython } from '../paths.js';
import { runChildProcess } from './child-process.js';
import type { EngineAdapter, EngineProbe, MeasureOutcome, MeasureRequest } from './engine.js';
import { measureWithHarness } from './harness-process.js';

export type WasmtimeStrategy = 'cranelift' | 'winch';

const harnessScript = join(repositoryRoot, 'bench', 'harness', 'wasmtime_harness.py');

export class WasmtimeEngine implements EngineAdapter {
  readonly kind = 'wasmtime';
  readonly phases = ['compile', 'instantiate', 'execute', 'total'] as const;
  readonly name: string;
  readonly description: string;
  readonly flags: readonly string[];

  constructor(private readonly strategy: WasmtimeStrategy) {
    this.name = `wasmtime-${strategy}`;
    this.description =
      strategy === 'cranelift'
        ? 'Wasmtime with Cranelift (optimising), default settings (parallel compilation on)'
        : 'Wasmtime with Winch (baseline single-pass compiler)';
    this.flags = [`strategy=${strategy}`];
  }

  async probe(): Promise<EngineProbe> {
    if (!existsSync(venvPython)) return { available: false, version: null, reason: '.venv missing: run node scripts/setup.mjs' };
    const result = await runChildProcess(venvPython, { args: [harnessScript, '--version'], timeoutMs: 60_000 });
    if (result.exitCode !== 0) return { available: false, version: null, reason: `wasmtime harness failed: ${result.stderrTail.trim()}` };
    return { available: true, version: `wasmtime ${result.stdout.trim()} (Python package)`, reason: null };
  }

  measure(request: MeasureRequest): Promise<MeasureOutcome> {
    return measureWithHarness(venvPython, [harnessScript], request, { engineOptions: { strategy: this.strategy } });
  }
}
