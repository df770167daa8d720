// Report builder, the browser: Debian's Chromium (the `chromium` package, installed by
// scripts/setup.mjs) driven by playwright-core, headless and kept off the network. Never a
// browser downloaded by Playwright. Used by `--screenshot` and by the report's browser test.

import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Flags: headless, no sandbox (runs as root in CI), no GPU, and no background traffic of any kind. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-default-browser-check',
];

export function findChromium(): string {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  const found = [fromEnvironment, ...CHROMIUM_CANDIDATES].find((path): path is string => Boolean(path) && existsSync(path!));
  if (!found) throw new Error(`no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')}; set CHROMIUM_PATH): run node scripts/setup.mjs, which installs Debian's chromium package`);
  return found;
}

/** A fresh headless Chromium; Playwright gives it a new temporary profile (user data directory). */
export async function launchHeadlessChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
