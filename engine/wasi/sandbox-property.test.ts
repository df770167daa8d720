// Property test of the preopen sandbox (issue 9, item 2): random sequences of WASI path
// calls, seeded, over a small tree inside a preopen that holds links escaping it by `..`,
// `../..` and absolute targets. The guest makes directories and links (to links, to `..`),
// renames files, links and directories that hold open descriptors (and links over the
// names of such directories, the attack of sandbox-escape.test.ts), opens, creates and
// truncates through old and new descriptors, and unlinks, removes, links, reads links,
// stats, sets times, lists and reads.
//
// Beside and above the preopen lie sentinels: files whose contents, a link whose target
// and entries whose inodes the guest must never see, in a sibling directory and in the
// parent and grandparent. The property: no read returns a sentinel's bytes, no readlink
// a sentinel link's target, no stat or directory listing an inode from outside, and
// nothing outside changes (names, types, sizes, bytes, link targets, mtimes, directory
// mtimes included). Every fourth sequence also runs with the component walk used where
// the kernel lacks openat2, which must give the same errnos and leave the same tree.
// On failure the test prints the seed and a shortest failing sequence found by removing
// steps one at a time. WASI_PROPERTY_SEED and WASI_PROPERTY_SEQUENCES override the run.

import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFileSystem } from './path-resolution.js';
import { WASI } from './index.js';
import { describeTree } from '../../test/wasi/programs/run-program.js';
import { GuestCalls } from '../../test/wasi/programs/guest-calls.js';

const SEQUENCES = Number(process.env.WASI_PROPERTY_SEQUENCES ?? 8000);
const SEED = Number(process.env.WASI_PROPERTY_SEED ?? 20261202);

const CONTENT_MARKER = 'SENTINEL-CONTENT';
const LINK_MARKER = 'OUTSIDE-LINK-TARGET';

/** A descriptor a step names: the preopen, or the result of the open step with that id. */
type Handle = number;
const PREOPEN: Handle = -1;

type Step =
  | { op: 'mkdir' | 'unlink' | 'rmdir' | 'readlink'; dir: Handle; path: string }
  | { op: 'symlink'; target: string; dir: Handle; path: string }
  | { op: 'rename'; dir: Handle; from: string; newDir: Handle; to: string }
  | { op: 'link'; dir: Handle; from: string; newDir: Handle; to: string; follow: boolean }
  | { op: 'stat' | 'setTimes'; dir: Handle; path: string; follow: boolean }
  | {
      op: 'open';
      id: number;
      dir: Handle;
      path: string;
      follow: boolean;
      create: boolean;
      truncate: boolean;
      exclusive: boolean;
      directory: boolean;
    }
  | { op: 'read' | 'pread' | 'write' | 'readdir' | 'filestat' | 'close'; handle: Handle };

let outer: string;
let sandbox: string;
let outsideBefore: string;
/** dev:ino of everything outside the preopen (and of its ancestors up to `/`). */
const outsideFiles = new Set<string>();
/** Inode numbers alone, for fd_readdir (which reports no device). */
const outsideInodes = new Set<bigint>();

/** Everything observable outside the preopen, as text. */
function describeOutside(): string {
  const lines: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const shown = relative(outer, path);
      if (path === sandbox) {
        lines.push(`${shown} (the preopen)`);
        continue;
      }
      const stats = lstatSync(path, { bigint: true });
      const common = `${shown} mode ${stats.mode} size ${stats.size} mtime ${stats.mtimeNs}`;
      if (stats.isSymbolicLink()) lines.push(`${common} -> ${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        lines.push(common);
        walk(path);
      } else lines.push(`${common}: ${readFileSync(path, 'latin1')}`);
    }
  };
  const top = lstatSync(outer, { bigint: true });
  lines.push(`. mtime ${top.mtimeNs}`);
  walk(outer);
  return lines.join('\n');
}

function collectOutsideFiles(): void {
  const add = (path: string) => {
    const stats = lstatSync(path, { bigint: true });
    outsideFiles.add(`${stats.dev}:${stats.ino}`);
    outsideInodes.add(stats.ino);
  };
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (path === sandbox) continue;
      add(path);
      if (lstatSync(path).isDirectory()) walk(path);
    }
  };
  for (let directory = outer; ; directory = dirname(directory)) {
    add(directory);
    if (dirname(directory) === directory) break;
  }
  walk(outer);
}

/**
 * Builds the world: <outer>/grand/parent/sandbox (the preopen), with sentinels in grand,
 * in parent and in parent/sibling; then records what the guest must never see or change.
 * Rebuilt after a violation, so that shrinking starts each run from a clean outside.
 */
function buildWorld(): void {
  for (const name of readdirSync(outer)) rmSync(join(outer, name), { recursive: true, force: true });
  const grand = join(outer, 'grand');
  const parent = join(grand, 'parent');
  sandbox = join(parent, 'sandbox');
  mkdirSync(join(parent, 'sibling', 'deep'), { recursive: true });
  mkdirSync(sandbox);
  writeFileSync(join(grand, 'grandparent.txt'), `${CONTENT_MARKER} grandparent`);
  writeFileSync(join(parent, 'parent.txt'), `${CONTENT_MARKER} parent`);
  writeFileSync(join(parent, 'sibling', 'sibling.txt'), `${CONTENT_MARKER} sibling`);
  writeFileSync(join(parent, 'sibling', 'deep', 'deep.txt'), `${CONTENT_MARKER} deep`);
  symlinkSync(LINK_MARKER, join(parent, 'sibling', 'link'));
  outsideFiles.clear();
  outsideInodes.clear();
  collectOutsideFiles();
  outsideBefore = describeOutside();
}

beforeAll(() => {
  outer = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'wasi-property-'));
  buildWorld();
});

/** The tree each sequence starts from, links out of the preopen included. */
function resetSandbox(): void {
  for (const name of readdirSync(sandbox)) rmSync(join(sandbox, name), { recursive: true, force: true });
  mkdirSync(join(sandbox, 'a', 'b'), { recursive: true });
  mkdirSync(join(sandbox, 'd'));
  writeFileSync(join(sandbox, 'f'), 'inside f');
  writeFileSync(join(sandbox, 'a', 'g'), 'inside g');
  symlinkSync('..', join(sandbox, 'up')); // the parent: escapes
  symlinkSync('../..', join(sandbox, 'a', 'up2')); // the parent again, from a
  symlinkSync(join(dirname(sandbox), 'sibling'), join(sandbox, 'abs')); // absolute
  symlinkSync('a', join(sandbox, 'L')); // inside
  symlinkSync('..', join(sandbox, 'a', 'L2')); // inside at that depth
}

// ---------------------------------------------------------------- generating sequences

const NAMES = ['a', 'b', 'd', 'L', 'M', 'f', 'g', 'up', 'abs', 'a/L2', 'sibling', 'parent.txt', 'sibling.txt', 'parent', 'grandparent.txt'];
const TARGETS = ['..', '../..', '../../..', '../a', 'a', 'a/b', '.', 'L', 'M', '../L', 'f', 'up', 'up/sibling', 'up2', '/', '/etc', 'abs'];

class SequenceGenerator {
  readonly #random;
  #nextId = 0;
  /** Open steps made so far, with their path when opened from the preopen. */
  readonly #opened: { id: number; path: string | undefined }[] = [];

  constructor(seed: number) {
    this.#random = xoroshiro128plus(seed);
  }

  int(low: number, high: number): number {
    return uniformInt(this.#random, low, high);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)];
  }

  chance(numerator: number, denominator: number): boolean {
    return this.int(1, denominator) <= numerator;
  }

  path(): string {
    if (this.chance(1, 40)) return this.pick(['/', '/etc/passwd', '..', '../parent.txt', '../../grandparent.txt', '../../../grand', '']);
    const count = this.int(1, 3);
    const components: string[] = [];
    for (let i = 0; i < count; i++) {
      components.push(this.chance(1, 8) ? '..' : this.chance(1, 16) ? '.' : this.pick(NAMES));
    }
    return components.join('/') + (this.chance(1, 16) ? '/' : '');
  }

  directory(): Handle {
    if (this.#opened.length === 0 || this.chance(1, 2)) return PREOPEN;
    return this.pick(this.#opened).id;
  }

  handle(): Handle {
    return this.#opened.length === 0 ? PREOPEN : this.pick(this.#opened).id;
  }

  open(dir: Handle, path: string, directory: boolean): Step {
    const id = this.#nextId++;
    this.#opened.push({ id, path: dir === PREOPEN ? path : undefined });
    return {
      op: 'open',
      id,
      dir,
      path,
      follow: this.chance(1, 2),
      create: !directory && this.chance(1, 3),
      truncate: !directory && this.chance(1, 4),
      exclusive: this.chance(1, 8),
      directory,
    };
  }

  /** The issue's attack, with random names and depths: a directory open, then replaced by a link. */
  attack(): Step[] {
    const directoryName = this.pick(['d', 'a/b', 'a', 'M']);
    const linkName = this.pick(['L', 'M', 'x']);
    const holder = this.pick(['a', 'a/b', 'd']);
    const steps: Step[] = [
      { op: 'mkdir', dir: PREOPEN, path: directoryName },
      this.open(PREOPEN, directoryName, true),
    ];
    const opened = (steps[1] as { id: number }).id;
    steps.push(
      { op: 'symlink', target: this.pick(['..', '../..', '../../..']), dir: PREOPEN, path: `${holder}/${linkName}` },
      { op: 'rename', dir: PREOPEN, from: `${holder}/${linkName}`, newDir: PREOPEN, to: linkName },
      { op: 'rename', dir: PREOPEN, from: directoryName, newDir: PREOPEN, to: `${directoryName}_old` },
      { op: 'rename', dir: PREOPEN, from: linkName, newDir: PREOPEN, to: directoryName },
    );
    const through = this.chance(1, 2) ? opened : PREOPEN;
    const prefix = through === PREOPEN ? `${directoryName}/` : '';
    steps.push(
      this.open(through, `${prefix}${this.pick(['parent.txt', 'sibling/sibling.txt', 'sandbox/f', 'created'])}`, false),
      { op: 'read', handle: this.#nextId - 1 },
      { op: 'stat', dir: through, path: `${prefix}${this.pick(['parent.txt', 'sibling', '.', '..'])}`, follow: true },
      { op: 'mkdir', dir: through, path: `${prefix}made` },
    );
    return steps;
  }

  step(): Step[] {
    switch (this.int(0, 19)) {
      case 0: return [{ op: 'mkdir', dir: this.directory(), path: this.path() }];
      case 1: case 2: return [{ op: 'symlink', target: this.pick(TARGETS), dir: this.directory(), path: this.path() }];
      case 3: case 4: case 5:
        return [{ op: 'rename', dir: this.directory(), from: this.path(), newDir: this.directory(), to: this.path() }];
      case 6: {
        // Rename the directory of an open descriptor, or put something in its place.
        const withPath = this.#opened.filter((opened) => opened.path !== undefined);
        if (withPath.length === 0) return this.step();
        const { path } = this.pick(withPath);
        return [
          { op: 'rename', dir: PREOPEN, from: path!, newDir: PREOPEN, to: this.path() },
          { op: 'rename', dir: PREOPEN, from: this.path(), newDir: PREOPEN, to: path! },
        ];
      }
      case 7: case 8: return [this.open(this.directory(), this.path(), this.chance(1, 3))];
      case 9: return [{ op: this.chance(1, 2) ? 'read' : 'pread', handle: this.handle() }];
      case 10: return [{ op: 'write', handle: this.handle() }];
      case 11: return [{ op: this.chance(1, 2) ? 'unlink' : 'rmdir', dir: this.directory(), path: this.path() }];
      case 12:
        return [{ op: 'link', dir: this.directory(), from: this.path(), newDir: this.directory(), to: this.path(), follow: this.chance(1, 2) }];
      case 13: return [{ op: 'readlink', dir: this.directory(), path: this.path() }];
      case 14: return [{ op: 'stat', dir: this.directory(), path: this.path(), follow: this.chance(1, 2) }];
      case 15: return [{ op: 'setTimes', dir: this.directory(), path: this.path(), follow: this.chance(1, 2) }];
      case 16: return [{ op: this.chance(1, 2) ? 'readdir' : 'filestat', handle: this.handle() }];
      case 17: return [{ op: 'close', handle: this.handle() }];
      default: return this.attack();
    }
  }

  sequence(): Step[] {
    const steps: Step[] = [];
    const length = this.int(6, 24);
    while (steps.length < length) steps.push(...this.step());
    return steps;
  }
}

// ---------------------------------------------------------------- running them

interface SequenceRun {
  /** What broke the property, if anything. */
  violation: string | undefined;
  /** Each step's errno. */
  trace: number[];
  /** The preopen's contents afterwards. */
  tree: string;
}

const decoder = new TextDecoder();

function runSequence(steps: readonly Step[], resolution: 'openat2' | 'walk'): SequenceRun {
  resetSandbox();
  hostFileSystem().setResolution(resolution);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': sandbox } });
  wasi.initialize({ exports: { memory } });
  const calls = new GuestCalls(wasi.wasiImport, memory);
  const descriptors = new Map<Handle, number>([[PREOPEN, 3]]);
  const fd = (handle: Handle) => descriptors.get(handle) ?? 99;
  const trace: number[] = [];
  let violation: string | undefined;
  const seen = (what: string) => {
    violation ??= what;
  };
  const checkFile = (where: string, dev: bigint, ino: bigint) => {
    if (outsideFiles.has(`${dev}:${ino}`)) seen(`${where} reported inode ${ino} from outside the preopen`);
  };
  let written = 0;

  try {
    steps.forEach((step, index) => {
      const where = `step ${index} (${describeStep(step)})`;
      let errno: number;
      switch (step.op) {
        case 'mkdir': errno = calls.createDirectory(fd(step.dir), step.path); break;
        case 'unlink': errno = calls.unlinkFile(fd(step.dir), step.path); break;
        case 'rmdir': errno = calls.removeDirectory(fd(step.dir), step.path); break;
        case 'symlink': errno = calls.symlink(step.target, fd(step.dir), step.path); break;
        case 'rename': errno = calls.rename(fd(step.dir), step.from, fd(step.newDir), step.to); break;
        case 'link': errno = calls.link(fd(step.dir), step.from, fd(step.newDir), step.to, step.follow); break;
        case 'setTimes': errno = calls.setTimes(fd(step.dir), step.path, 1_000_000_000n, 2_000_000_000n, 0b0101, step.follow); break;
        case 'readlink': {
          const result = calls.readlink(fd(step.dir), step.path);
          errno = result.errno;
          if (result.value !== undefined && decoder.decode(result.value).includes(LINK_MARKER)) seen(`${where} read a link outside`);
          break;
        }
        case 'stat': {
          const result = calls.stat(fd(step.dir), step.path, step.follow);
          errno = result.errno;
          if (result.value !== undefined) checkFile(where, result.value.dev, result.value.ino);
          break;
        }
        case 'open': {
          const result = calls.pathOpen(fd(step.dir), step.path, step);
          errno = result.errno;
          if (result.value !== undefined) descriptors.set(step.id, result.value);
          break;
        }
        case 'read':
        case 'pread': {
          const result = step.op === 'read' ? calls.read(fd(step.handle), 4096) : calls.pread(fd(step.handle), 4096, 0n);
          errno = result.errno;
          if (result.value !== undefined && decoder.decode(result.value).includes(CONTENT_MARKER)) seen(`${where} read a file outside`);
          break;
        }
        case 'write': errno = calls.write(fd(step.handle), `guest data ${written++}\n`).errno; break;
        case 'readdir': {
          const result = calls.readdir(fd(step.handle));
          errno = result.errno;
          for (const entry of result.value ?? []) {
            if (outsideInodes.has(entry.ino)) seen(`${where} listed ${entry.name} from outside`);
          }
          break;
        }
        case 'filestat': {
          const result = calls.fileStat(fd(step.handle));
          errno = result.errno;
          if (result.value !== undefined) checkFile(where, result.value.dev, result.value.ino);
          break;
        }
        case 'close':
          errno = calls.close(fd(step.handle));
          if (errno === 0) descriptors.delete(step.handle);
          break;
      }
      trace.push(errno);
    });
  } catch (error) {
    seen(`a host exception: ${String(error)}`);
  } finally {
    for (const [handle, descriptor] of descriptors) if (handle !== PREOPEN) calls.close(descriptor);
    calls.close(3);
    hostFileSystem().setResolution('auto');
  }
  const outsideAfter = describeOutside();
  if (outsideAfter !== outsideBefore) {
    const before = new Set(outsideBefore.split('\n'));
    const after = new Set(outsideAfter.split('\n'));
    const changes = [
      ...[...before].filter((line) => !after.has(line)).map((line) => `  - ${line}`),
      ...[...after].filter((line) => !before.has(line)).map((line) => `  + ${line}`),
    ];
    seen(`the outside changed:\n${changes.join('\n')}`);
  }
  const tree = describeTree(sandbox);
  if (violation !== undefined) buildWorld();
  return { violation, trace, tree };
}

function describeStep(step: Step): string {
  const handle = (value: Handle) => (value === PREOPEN ? 'preopen' : `#${value}`);
  switch (step.op) {
    case 'symlink': return `symlink ${JSON.stringify(step.target)} at ${handle(step.dir)} ${JSON.stringify(step.path)}`;
    case 'rename':
    case 'link':
      return `${step.op}${'follow' in step && step.follow ? ' (follow)' : ''} ${handle(step.dir)} ${JSON.stringify(step.from)} to ${handle(step.newDir)} ${JSON.stringify(step.to)}`;
    case 'open': {
      const flags = (['follow', 'create', 'truncate', 'exclusive', 'directory'] as const).filter((flag) => step[flag]);
      return `#${step.id} = open ${handle(step.dir)} ${JSON.stringify(step.path)}${flags.length ? ` [${flags.join(' ')}]` : ''}`;
    }
    case 'read': case 'pread': case 'write': case 'readdir': case 'filestat': case 'close':
      return `${step.op} ${handle(step.handle)}`;
    default:
      return `${step.op}${'follow' in step && step.follow ? ' (follow)' : ''} ${handle(step.dir)} ${JSON.stringify(step.path)}`;
  }
}

/** Removes steps one at a time while `fails` still holds; returns what is left. */
function shrink(steps: Step[], fails: (steps: Step[]) => boolean): Step[] {
  let current = steps;
  for (let changed = true; changed; ) {
    changed = false;
    for (let index = current.length - 1; index >= 0; index--) {
      const candidate = current.filter((_, position) => position !== index);
      if (fails(candidate)) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}

/** The steps with their open steps numbered #0, #1, ... in order (handles of removed
 *  open steps, which replay as a bad descriptor, become #bad). */
function renumbered(steps: readonly Step[]): Step[] {
  const numbers = new Map<Handle, Handle>([[PREOPEN, PREOPEN]]);
  for (const step of steps) if (step.op === 'open') numbers.set(step.id, numbers.size - 1);
  const number = (handle: Handle) => numbers.get(handle) ?? Number.NaN;
  return steps.map((step) => {
    const copy = { ...step } as Record<string, unknown>;
    for (const key of ['id', 'dir', 'newDir', 'handle']) {
      if (typeof copy[key] === 'number') copy[key] = number(copy[key] as Handle);
    }
    return copy as Step;
  });
}

/** The failure's description (also printed: a test runner may cut long messages). */
function report(title: string, sequenceIndex: number, steps: Step[], detail: string): string {
  const text = [
    `${title} (seed ${SEED}, sequence ${sequenceIndex}; rerun with WASI_PROPERTY_SEED=${SEED})`,
    'shortest failing sequence:',
    ...renumbered(steps).map((step, index) => `  ${index}: ${describeStep(step).replaceAll('#NaN', '#bad')}`),
    detail,
  ].join('\n');
  console.error(text);
  return text;
}

describe('random sequences of path calls never reach outside the preopen', () => {
  it(`${SEQUENCES} sequences`, () => {
    const resolutions = hostFileSystem().kernelHasOpenat2() ? (['openat2', 'walk'] as const) : (['walk'] as const);
    const generator = new SequenceGenerator(SEED);
    let steps = 0;
    for (let index = 0; index < SEQUENCES; index++) {
      const sequence = generator.sequence();
      steps += sequence.length;
      const first = runSequence(sequence, resolutions[0]);
      if (first.violation !== undefined) {
        const shortest = shrink(sequence, (candidate) => runSequence(candidate, resolutions[0]).violation !== undefined);
        throw new Error(report(`escape with ${resolutions[0]}`, index, shortest, runSequence(shortest, resolutions[0]).violation!));
      }
      if (resolutions.length === 2 && index % 4 === 0) {
        const second = runSequence(sequence, resolutions[1]);
        const differs = (a: SequenceRun, b: SequenceRun) =>
          b.violation !== undefined || a.tree !== b.tree || a.trace.join() !== b.trace.join();
        if (differs(first, second)) {
          const shortest = shrink(sequence, (candidate) => differs(runSequence(candidate, 'openat2'), runSequence(candidate, 'walk')));
          const [withOpenat2, withWalk] = [runSequence(shortest, 'openat2'), runSequence(shortest, 'walk')];
          throw new Error(
            report('openat2 and the walk disagree', index, shortest, [
              `errnos with openat2: ${withOpenat2.trace.join(' ')}`,
              `errnos with the walk: ${withWalk.trace.join(' ')}`,
              withWalk.violation ?? '',
              withOpenat2.tree === withWalk.tree ? '' : `trees:\n${withOpenat2.tree}\n--- walk:\n${withWalk.tree}`,
            ].join('\n')),
          );
        }
      }
    }
    expect(steps).toBeGreaterThan(SEQUENCES * 6);
  });
});
