// layouts.ts against the real structs: a C program prints sizeof/offsetof of every
// preview1 struct from wasi-libc's <wasi/api.h> (generated from the witx), run under our
// WASI; the numbers must equal layouts.ts's.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  DirentLayout,
  EventLayout,
  FdstatLayout,
  FilestatLayout,
  IovecLayout,
  PrestatLayout,
  SubscriptionLayout,
} from './layouts.js';
import { compileTestPrograms, runProgram } from '../../test/wasi/programs/run-program.js';

it('struct layouts match wasi-libc <wasi/api.h>', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'wasi-layouts-'));
  try {
    const module = (await compileTestPrograms(['layouts'], directory)).get('layouts')!;
    const run = runProgram('ours', module);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      iovec: IovecLayout,
      fdstat: FdstatLayout,
      filestat: FilestatLayout,
      prestat: PrestatLayout,
      dirent: DirentLayout,
      subscription: SubscriptionLayout,
      event: EventLayout,
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
