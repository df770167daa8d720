// Workbench results: the machine and software fingerprint recorded with every run, so a
// reader (and the regression gate) can tell whether two results are comparable.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { manifestPath } from '../suites/catalog.js';
import { clangVersion, sha256 } from '../suites/toolchain.js';
import { repositoryRoot } from '../paths.js';
import type { Fingerprint, Variant } from './schema.js';
import { venvPython } from '../paths.js';

const execFileAsync = promisify(execFile);

async function firstLine(command: string, args: string[], cwd = repositoryRoot): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, timeout: 30_000 });
    return stdout.split('\n')[0].trim() || null;
  } catch {
    return null;
  }
}

export async function collectFingerprint(suite: string, variants: readonly Variant[] = ['scalar']): Promise<Fingerprint> {
  const cpus = os.cpus();
  const commit = await firstLine('git', ['rev-parse', 'HEAD']);
  const status = commit ? await execFileAsync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repositoryRoot }).catch(() => null) : null;
  const manifest = manifestPath(suite);
  const simdManifest = manifestPath(suite, 'simd');
  return {
    machine: {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCount: Math.max(cpus.length, 1),
      memoryBytes: os.totalmem(),
      kernel: `${os.type()} ${os.release()}`,
      platform: os.platform(),
      arch: os.arch(),
      hostname: os.hostname(),
    },
    software: {
      node: process.version,
      v8: process.versions.v8,
      wasmtime: existsSync(venvPython) ? await firstLine(venvPython, ['-c', "import importlib.metadata as m; print(m.version('wasmtime'))"]) : null,
      python: existsSync(venvPython) ? await firstLine(venvPython, ['--version']) : null,
      clang: await clangVersion(),
      llvm: await firstLine('llvm-config-19', ['--version']),
    },
    project: {
      commit,
      dirty: status ? status.stdout.trim().length > 0 : null,
      suiteManifestSha256: existsSync(manifest) ? sha256(readFileSync(manifest)) : null,
      ...(variants.includes('simd') ? { simdSuiteManifestSha256: existsSync(simdManifest) ? sha256(readFileSync(simdManifest)) : null } : {}),
    },
  };
}
