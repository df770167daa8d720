// Path resolution beneath a directory descriptor (path-resolution.ts over the native
// addon's openBeneath) on a real directory tree: what resolves where, and every way out
// that must be refused, with openat2 and with the component walk used where the kernel
// has no openat2 (forced here, so both are tested on this machine).

import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, ErrnoError } from './errno.js';
import { hostFileSystem, isLinkTargetBeneath, linkDirectoryAsText, openBeneath, splitFinalName } from './path-resolution.js';

let outer: string;
let root: string;
let rootFd: number;

beforeAll(() => {
  outer = realpathSync(mkdtempSync(join(tmpdir(), 'wasi-resolve-')));
  root = join(outer, 'root');
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'file'), 'x');
  writeFileSync(join(outer, 'secret'), 's');
  symlinkSync('a/b', join(root, 'to-b')); // relative, inside
  symlinkSync('../file', join(root, 'a', 'up-file')); // climbs one level, still inside
  symlinkSync('../../secret', join(root, 'a', 'out')); // climbs out
  symlinkSync(join(outer, 'secret'), join(root, 'absolute')); // absolute target
  symlinkSync('..', join(root, 'parent')); // directory link to outside
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  symlinkSync('missing-target', join(root, 'dangling'));
  symlinkSync('to-b', join(root, 'to-to-b')); // a link to a link
  symlinkSync('/proc/self/root', join(root, 'magic')); // absolute, and a magic link beyond
  rootFd = openSync(root, 'r');
});

afterAll(() => {
  closeSync(rootFd);
  rmSync(outer, { recursive: true, force: true });
});

function errnoOf(action: () => unknown): number | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof ErrnoError) return error.errno;
    throw error;
  }
}

/** The host path the descriptor opened (what the kernel says, through /proc). */
function openedPath(path: string, flags: number): string {
  const fd = openBeneath(rootFd, path, flags);
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}

function openDescriptorCount(): number {
  return readdirSync('/proc/self/fd').length;
}

const resolutions = (['openat2', 'walk'] as const).filter(
  (resolution) => resolution === 'walk' || hostFileSystem().kernelHasOpenat2(),
);

describe.each(resolutions)('openBeneath with %s', (resolution) => {
  beforeAll(() => hostFileSystem().setResolution(resolution));
  afterAll(() => hostFileSystem().setResolution('auto'));

  it('uses the resolution asked for', () => {
    expect(hostFileSystem().resolution()).toBe(resolution);
  });

  const O = () => hostFileSystem().constants;

  it.each([
    ['file', false, 'file'],
    ['./file', false, 'file'],
    ['a//b/', false, 'a/b'],
    ['a/b/../../file', false, 'file'],
    ['to-b', false, 'to-b'], // the link itself when not following
    ['to-b', true, 'a/b'],
    ['to-to-b', true, 'a/b'],
    ['to-b/..', false, 'a'], // `..` after a link is physical: the link's target's parent
    ['to-b/', false, 'a/b'], // a trailing slash follows the last link
    ['a/up-file', true, 'file'],
    ['a/out', false, 'a/out'], // an escaping link may be opened as itself
    ['.', false, ''],
    ['a/..', false, ''],
    ['a/b/../../a/.', false, 'a'],
  ])('%s (follow %s) → %s', (path, follow, expected) => {
    const flags = O().O_PATH | (follow ? 0 : O().O_NOFOLLOW);
    expect(openedPath(path, flags)).toBe(expected === '' ? root : `${root}/${expected}`);
  });

  it.each([
    ['..', false, Errno.NotCapable],
    ['../root/file', false, Errno.NotCapable],
    ['a/../../secret', false, Errno.NotCapable],
    ['/etc/passwd', false, Errno.NotCapable],
    ['absolute', true, Errno.NotCapable],
    ['a/out', true, Errno.NotCapable],
    ['parent/secret', false, Errno.NotCapable], // a directory link in the middle is always followed
    ['parent/', false, Errno.NotCapable], // a trailing slash follows the last link
    ['parent/root/file', false, Errno.NotCapable], // even if it comes back beneath
    ['magic/etc', false, Errno.NotCapable],
    ['loop1', true, Errno.Loop],
    ['loop1/x', false, Errno.Loop],
    ['missing/x', false, Errno.NoEntry],
    ['file/x', false, Errno.NotDirectory],
    ['file/', false, Errno.NotDirectory],
    ['dangling', true, Errno.NoEntry],
    ['', false, Errno.NoEntry],
    ['fi\0le', false, Errno.Invalid],
  ])('%j (follow %s) is refused with errno %i', (path, follow, errno) => {
    const flags = O().O_PATH | (follow ? 0 : O().O_NOFOLLOW);
    expect(errnoOf(() => closeSync(openBeneath(rootFd, path, flags)))).toBe(errno);
  });

  it('creates through a dangling link beneath the root, and never above it', () => {
    const create = O().O_CREAT | O().O_WRONLY;
    closeSync(openBeneath(rootFd, 'dangling', create, 0o644));
    expect(existsSync(join(root, 'missing-target'))).toBe(true);
    rmSync(join(root, 'missing-target'));
    expect(errnoOf(() => openBeneath(rootFd, 'parent/created', create, 0o644))).toBe(Errno.NotCapable);
    expect(errnoOf(() => openBeneath(rootFd, 'a/out', create | O().O_TRUNC, 0o644))).toBe(Errno.NotCapable);
    expect(errnoOf(() => openBeneath(rootFd, 'dangling', create | O().O_EXCL, 0o644))).toBe(Errno.Exist);
    expect(errnoOf(() => openBeneath(rootFd, 'new/', create, 0o644))).toBe(Errno.IsDirectory);
    expect(errnoOf(() => openBeneath(rootFd, 'a/.', create, 0o644))).toBe(Errno.IsDirectory);
    expect(errnoOf(() => openBeneath(rootFd, 'a/..', create | O().O_EXCL, 0o644))).toBe(Errno.Exist);
    expect(errnoOf(() => openBeneath(rootFd, 'a/', create | O().O_EXCL, 0o644))).toBe(Errno.IsDirectory);
    expect(readdirSync(outer).sort()).toEqual(['root', 'secret']);
  });

  it('leaves no host descriptor open', () => {
    const before = openDescriptorCount();
    const flags = O().O_PATH;
    for (const path of ['to-to-b/../b/..', 'a/out', 'parent/secret', 'loop1', 'file/x', 'a/b/../..']) {
      try {
        closeSync(openBeneath(rootFd, path, flags));
      } catch (error) {
        if (!(error instanceof ErrnoError)) throw error;
      }
    }
    expect(openDescriptorCount()).toBe(before);
  });
});

describe('splitFinalName', () => {
  it.each([
    ['file', '', 'file'],
    ['a/b/file', 'a/b', 'file'],
    ['a//file', 'a/', 'file'],
    ['dir/', '', 'dir/'], // the trailing slash stays on the name
    ['a/dir//', 'a', 'dir/'],
    ['.', '.', '.'],
    ['a/.', 'a/.', '.'],
    ['..', '..', '.'], // `..` is never a name: the directory it names, and `.`
    ['a/..', 'a/..', '.'],
    ['a/../', 'a/..', '.'],
  ])('%j → directory %j, name %j', (path, directoryPath, name) => {
    expect(splitFinalName(path)).toEqual({ directoryPath, name });
  });

  it.each([
    ['', Errno.NoEntry],
    ['/x', Errno.NotCapable],
    ['//', Errno.NotCapable],
    ['a\0', Errno.Invalid],
  ])('%j is refused with errno %i', (path, errno) => {
    expect(errnoOf(() => splitFinalName(path))).toBe(errno);
  });
});

describe('isLinkTargetBeneath', () => {
  it.each([
    [[], 'file', true],
    [['a'], '../file', true],
    [[], '../x', false],
    [['a'], '../../x', false],
    [['a', 'b'], '../../file', true],
    [[], '/etc/passwd', false],
    [[], 'a/./b/../..', true],
  ])('link in %j to %s: %s', (directory, target, expected) => {
    expect(isLinkTargetBeneath(directory, target)).toBe(expected);
  });

  it.each([
    ['l', []],
    ['a/b/l', ['a', 'b']],
    ['a/../l', []],
    ['./a//l', ['a']],
    ['../l', undefined],
  ])('a link made at %j lives in %j (as text)', (path, directory) => {
    expect(linkDirectoryAsText(path)).toEqual(directory);
  });
});
