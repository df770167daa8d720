// Path resolution beneath a directory (path-resolution.ts) on a real directory tree:
// what resolves where, and every way out that must be refused.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, ErrnoError } from './errno.js';
import { isLinkTargetBeneath, resolvePathBeneath } from './path-resolution.js';

let outer: string;
let root: string;

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
});

afterAll(() => rmSync(outer, { recursive: true, force: true }));

function errnoOf(action: () => unknown): number | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof ErrnoError) return error.errno;
    throw error;
  }
}

describe('resolvePathBeneath', () => {
  it.each([
    ['file', false, 'file'],
    ['./file', false, 'file'],
    ['a//b/', false, 'a/b/'],
    ['a/b/../../file', false, 'file'],
    ['to-b', false, 'to-b'], // the link itself when not following
    ['to-b', true, 'a/b'],
    ['to-b/..', false, 'a'], // `..` after a link is physical: the link's target's parent
    ['a/up-file', true, 'file'],
    ['dangling', true, 'missing-target'], // creating through a dangling link creates its target
    ['new-file', false, 'new-file'],
    ['.', false, ''],
    ['a/..', false, ''],
  ])('%s (follow %s) → %s', (path, follow, expected) => {
    const resolved = resolvePathBeneath(root, path, follow);
    expect(resolved.hostPath).toBe(expected === '' ? root : `${root}/${expected}`);
    expect(resolved.components).toEqual(expected.split('/').filter((part) => part !== ''));
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
    ['loop1', true, Errno.Loop],
    ['missing/x', false, Errno.NoEntry],
    ['file/x', false, Errno.NotDirectory],
    ['', false, Errno.NoEntry],
    ['fi\0le', false, Errno.Invalid],
  ])('%j (follow %s) is refused with errno %i', (path, follow, errno) => {
    expect(errnoOf(() => resolvePathBeneath(root, path, follow))).toBe(errno);
  });

  it('does not follow a final link unless asked', () => {
    expect(resolvePathBeneath(root, 'absolute', false).hostPath).toBe(join(root, 'absolute'));
    expect(resolvePathBeneath(root, 'a/out', false).hostPath).toBe(join(root, 'a', 'out'));
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
});
