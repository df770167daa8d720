// Report builder, `--screenshot <png>`: the built report as a picture (the one in the
// README), taken in headless Chromium from the report served on 127.0.0.1.

import { launchHeadlessChromium } from './headless-chromium.js';
import { serveDirectory } from './serve-report.js';

export const SCREENSHOT_VIEWPORT = { width: 1280, height: 900 };

export async function captureReportScreenshot(reportDirectory: string, outputPath: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const server = await serveDirectory(reportDirectory);
  const browser = await launchHeadlessChromium();
  try {
    const page = await browser.newPage({ viewport: SCREENSHOT_VIEWPORT, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForSelector('body[data-report-state="ready"]', { timeout: 30_000 });
    await page.screenshot({ path: outputPath, fullPage: options.fullPage ?? true });
  } finally {
    await browser.close();
    await server.close();
  }
}
