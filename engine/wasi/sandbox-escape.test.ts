// Regression tests for escapes from a preopened directory (issue 9, item 2): a guest-only
// sequence of renames that, while directory descriptors were known by host path, pointed an
// open directory descriptor above its preopen. Driven through the import functions the way
// a guest calls them (test/wasi/programs/guest-calls.ts); the sentinel file beside the preopen
// must never be read and nothing may be created outside.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errno, WASI } from './index.js';
import { GuestCalls } from '../../test/wasi/programs/guest-calls.js';

const MARKER = 'SENTINEL-OUTSIDE-THE-PREOPEN';

let outer: string;
let sandbox: string;

beforeEach(() => {
  outer = mkdtempSync(join(tmpdir(), 'wasi-escape-'));
  sandbox = join(outer, 'sandbox');
  mkdirSync(join(sandbox, 'a'), { recursive: true });
  mkdirSync(join(sandbox, 'd'));
  writeFileSync(join(outer, 'sentinel.txt'), MARKER);
});

afterEach(() => rmSync(outer, { recursive: true, force: true }));

function guest(): GuestCalls {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': sandbox } });
  wasi.initialize({ exports: { memory } });
  return new GuestCalls(wasi.wasiImport, memory);
}

/** Reads a whole file through `fd` (after path_open), failing the test if it holds the marker. */
function readThrough(calls: GuestCalls, fd: number, path: string): number {
  const opened = calls.pathOpen(fd, path, { follow: true });
  if (opened.errno !== 0) return opened.errno;
  const read = calls.read(opened.value!, 4096);
  calls.close(opened.value!);
  expect(new TextDecoder().decode(read.value ?? new Uint8Array())).not.toContain(MARKER);
  return read.errno;
}

function expectOutsideUnchanged(): void {
  expect(readdirSync(outer).sort()).toEqual(['sandbox', 'sentinel.txt']);
  expect(readFileSync(join(outer, 'sentinel.txt'), 'utf8')).toBe(MARKER);
}

describe('renaming a link to .. over a directory that has an open descriptor', () => {
  it('leaves the descriptor on the directory it opened, beneath the preopen', () => {
    const calls = guest();
    const d = calls.pathOpen(3, 'd', { directory: true });
    expect(d.errno).toBe(0);
    const fd = d.value!;

    // The sequence, every step of which a guest may do.
    expect(calls.symlink('..', 3, 'a/L')).toBe(0); // `..` from a/ is the preopen: allowed
    expect(calls.rename(3, 'a/L', 3, 'L')).toBe(0); // now L -> .. at the top: escapes if followed
    expect(calls.rename(3, 'd', 3, 'd_old')).toBe(0);
    expect(calls.rename(3, 'L', 3, 'd')).toBe(0); // d is now that link

    // Through the old descriptor: it is still the directory now called d_old.
    expect(readThrough(calls, fd, 'sentinel.txt')).toBe(Errno.NoEntry);
    expect(readThrough(calls, fd, '../sentinel.txt')).toBe(Errno.NotCapable);
    expect(calls.stat(fd, 'sentinel.txt').errno).toBe(Errno.NoEntry);
    const created = calls.pathOpen(fd, 'created.txt', { create: true });
    expect(created.errno).toBe(0);
    expect(calls.write(created.value!, 'inside').errno).toBe(0);
    expect(calls.createDirectory(fd, 'made')).toBe(0);
    expect(readdirSync(join(sandbox, 'd_old')).sort()).toEqual(['created.txt', 'made']);

    // Through the preopen, the link d -> .. is followed beneath the preopen: refused.
    expect(readThrough(calls, 3, 'd/sentinel.txt')).toBe(Errno.NotCapable);
    expect(calls.stat(3, 'd/sentinel.txt').errno).toBe(Errno.NotCapable);
    expect(calls.pathOpen(3, 'd/created2.txt', { create: true }).errno).toBe(Errno.NotCapable);
    expect(calls.createDirectory(3, 'd/made2')).toBe(Errno.NotCapable);
    expect(calls.rename(3, 'd_old/created.txt', 3, 'd/moved.txt')).toBe(Errno.NotCapable);
    expect(calls.link(3, 'd_old/created.txt', 3, 'd/linked.txt')).toBe(Errno.NotCapable);
    expect(calls.symlink('x', 3, 'd/new-link')).toBe(Errno.NotCapable);
    expect(calls.unlinkFile(3, 'd/sentinel.txt')).toBe(Errno.NotCapable);
    expect(calls.readlink(3, 'd/sentinel.txt').errno).toBe(Errno.NotCapable);
    expect(calls.setTimes(3, 'd/sentinel.txt', 0n, 0n, 0b1010)).toBe(Errno.NotCapable);

    expectOutsideUnchanged();
  });

  it('keeps a descriptor on a directory that was moved deeper, and its `..` stops at it', () => {
    const calls = guest();
    expect(calls.createDirectory(3, 'a/b')).toBe(0);
    const b = calls.pathOpen(3, 'a/b', { directory: true }).value!;
    // Move b to the top: `..` from it is now the preopen; it still may not climb above b.
    expect(calls.rename(3, 'a/b', 3, 'b2')).toBe(0);
    expect(readThrough(calls, b, '../sentinel.txt')).toBe(Errno.NotCapable);
    expect(readThrough(calls, b, '../../sentinel.txt')).toBe(Errno.NotCapable);
    expect(calls.pathOpen(b, 'new.txt', { create: true }).errno).toBe(0);
    expect(readdirSync(join(sandbox, 'b2'))).toEqual(['new.txt']);
    expectOutsideUnchanged();
  });
});
