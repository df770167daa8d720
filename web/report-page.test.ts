// The report page in a real browser: Debian's Chromium driven by playwright-core, headless
// and kept off the network, loads the report built from committed real results (plus a
// variant with failed runs and one without native, derived in code) from a local server
// and from the file system. Checks: no console errors, every chart's canvas drawn with
// its engines' colours, every legend naming exactly the engines in the data, failed runs
// listed, clear messages for files that are not results; saves a screenshot.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OVERHEAD_BENCHMARKS } from '../bench/analysis/summaries.js';
import type { Phase, Results } from '../bench/results/schema.js';
import { failRuns, readFixture } from '../test/support/results-fixtures.js';
import { withSimdVariant } from '../test/workbench/variant-fixtures.js';
import { buildReport, type BuiltReport, type ReportInput } from './report-builder/build-report.js';
import { launchHeadlessChromium } from './report-builder/headless-chromium.js';
import { serveDirectory, type RunningServer } from './report-builder/serve-report.js';
import { engineColour } from './page/engine-colours.js';

const workDirectory = mkdtempSync(join(tmpdir(), 'report-page-test-'));
export const SCREENSHOT_PATH = join(workDirectory, 'report.png');

/** Oldest first: two full runs of the same build, then a two-engine run without native in which one benchmark traps. */
const runA = readFixture('runA');
const runB = readFixture('runB');
const subsetWithFailure = failRuns(readFixture('subsetWithoutNative'), 'wasmtime-winch', 'lu', { kind: 'trap', message: 'wasm trap: out of bounds memory access' });
const inputs: ReportInput[] = [
  { name: 'polybench-mini-run-a.json', results: runA },
  { name: 'polybench-mini-run-b.json', results: runB },
  { name: 'polybench-mini-subset-failing.json', results: subsetWithFailure },
];

/** Engines with samples of the phase on a benchmark (the noop left out), optionally one that `baseline` also measured. */
function enginesInData(results: Results, phase: Phase, baseline?: string): string[] {
  const measured = (engine: string) =>
    new Set(results.samples.filter((s) => s.engine === engine && s.phase === phase && !OVERHEAD_BENCHMARKS.has(s.benchmark)).map((s) => s.benchmark));
  const engines = [...new Set(results.samples.map((sample) => sample.engine))];
  if (!baseline) return engines.filter((engine) => measured(engine).size > 0).sort();
  const reference = measured(baseline);
  return engines.filter((engine) => engine !== baseline && [...measured(engine)].some((benchmark) => reference.has(benchmark))).sort();
}

let built: BuiltReport;
let server: RunningServer;
let browser: Browser;
const consoleErrors: string[] = [];
const offSiteRequests: string[] = [];

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${url}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${url}: ${error.message}`));
  await page.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested.startsWith(server.url) || requested.startsWith('file:') || requested.startsWith('data:')) return route.continue();
    offSiteRequests.push(requested);
    return route.abort();
  });
  await page.goto(url);
  await page.waitForSelector('body[data-report-state="ready"]', { timeout: 20_000 });
  return page;
}

interface ChartState {
  name: string;
  state: string;
  legend: string[];
  paintedPixels: number;
  /** Legend colours found as exact pixels on the canvas. */
  coloursOnCanvas: string[];
}

/** Every chart card: its state, legend, how much of its canvas is painted, which legend colours are on it. */
async function readCharts(page: Page, colours: Record<string, [number, number, number]>): Promise<ChartState[]> {
  return page.$$eval(
    'section[data-chart]',
    (sections, colourTable) =>
      sections.map((section) => {
        const canvas = section.querySelector('canvas')!;
        const legend = [...section.querySelectorAll('.legend li')].map((item) => item.getAttribute('data-engine') ?? '');
        let paintedPixels = 0;
        const found = new Set<string>();
        if (canvas.width > 0 && canvas.height > 0) {
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let offset = 0; offset < pixels.length; offset += 4) {
            if (pixels[offset + 3] === 0) continue;
            paintedPixels++;
            for (const engine of legend) {
              const rgb = (colourTable as Record<string, [number, number, number]>)[engine];
              if (rgb && pixels[offset] === rgb[0] && pixels[offset + 1] === rgb[1] && pixels[offset + 2] === rgb[2] && pixels[offset + 3] === 255) found.add(engine);
            }
          }
        }
        return { name: section.getAttribute('data-chart') ?? '', state: section.getAttribute('data-state') ?? '', legend, paintedPixels, coloursOnCanvas: [...found].sort() };
      }),
    colours,
  );
}

function colourTable(): Record<string, [number, number, number]> {
  const table: Record<string, [number, number, number]> = {};
  for (const engine of new Set(inputs.flatMap((input) => input.results.engines.map((e) => e.name)))) {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(engineColour(engine));
    if (hex) table[engine] = [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  }
  return table;
}

function expectChartsDrawn(charts: ChartState[], expected: Record<string, string[]>): void {
  expect(charts.map((chart) => chart.name).sort()).toEqual(Object.keys(expected).sort());
  for (const chart of charts) {
    expect(chart.state, `chart ${chart.name}`).toBe('drawn');
    expect(chart.legend.slice().sort(), `legend of ${chart.name}`).toEqual(expected[chart.name]);
    expect(chart.paintedPixels, `painted pixels of ${chart.name}`).toBeGreaterThan(5_000);
    expect(chart.coloursOnCanvas, `engine colours drawn on ${chart.name}`).toEqual(expected[chart.name]);
  }
}

beforeAll(async () => {
  built = await buildReport(inputs, join(workDirectory, 'report'));
  server = await serveDirectory(built.directory);
  browser = await launchHeadlessChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('report page in headless Chromium', () => {
  test('the newest run (two engines, no native, a failed run): drawn, legends name its engines, failure listed', async () => {
    const page = await openPage(server.url);
    const newest = subsetWithFailure;
    const baseline = 'v8-liftoff'; // native is absent: the page falls back to the first engine
    expect(await page.inputValue('select[name="baseline"]')).toBe(baseline);
    expect(await page.textContent('section[data-chart="normalised"] .chart-note')).toContain('native is not in this run');
    const historyEngines = [...new Set(inputs.flatMap((input) => enginesInData(input.results, 'execute')))].filter((engine) => enginesInData(newest, 'execute').includes(engine)).sort();
    expectChartsDrawn(await readCharts(page, colourTable()), {
      normalised: enginesInData(newest, 'execute', baseline),
      compile: enginesInData(newest, 'compile'),
      instantiate: enginesInData(newest, 'instantiate'),
      history: historyEngines,
    });
    const failures = await page.textContent('#failures');
    expect(failures).toContain('Failed runs (2)');
    expect(failures).toContain('wasm trap: out of bounds memory access');
    await page.close();
  });

  test('a full run normalised to native, with the summary table and fingerprint; screenshot saved', async () => {
    const page = await openPage(server.url);
    await page.selectOption('select[name="run"]', '1'); // run b
    await page.waitForSelector('body[data-report-state="ready"]');
    expect(await page.inputValue('select[name="baseline"]')).toBe('native');
    const expected = {
      normalised: enginesInData(runB, 'execute', 'native'),
      compile: enginesInData(runB, 'compile'),
      instantiate: enginesInData(runB, 'instantiate'),
      history: enginesInData(runB, 'execute'),
    };
    expect(expected.normalised).toHaveLength(5);
    expectChartsDrawn(await readCharts(page, colourTable()), expected);
    const summaryEngines = await page.$$eval('#summary tbody tr[data-phase="execute"]', (rows) => rows.map((row) => row.getAttribute('data-engine')).sort());
    expect(summaryEngines).toEqual(expected.normalised);
    expect(await page.textContent('#fingerprint')).toContain(runB.fingerprint.machine.cpuModel);
    expect(await page.textContent('#fingerprint')).toContain(runB.fingerprint.project.commit!);

    // Controls: another phase and baseline, and an engine hidden.
    await page.selectOption('select[name="phase"]', 'compile');
    expect(await page.inputValue('select[name="baseline"]')).not.toBe('native'); // native has no compile phase
    await page.selectOption('select[name="phase"]', 'execute');
    await page.selectOption('select[name="baseline"]', 'v8-turbofan');
    await page.uncheck('input[name="engine"][value="v8-default"]');
    const afterChoices = await readCharts(page, colourTable());
    expect(afterChoices.find((chart) => chart.name === 'normalised')!.legend.sort()).toEqual(enginesInData(runB, 'execute', 'v8-turbofan').filter((engine) => engine !== 'v8-default'));
    await page.check('input[name="engine"][value="v8-default"]');
    await page.selectOption('select[name="baseline"]', 'native');

    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(statSync(SCREENSHOT_PATH).size).toBeGreaterThan(20_000);
    console.log(`report screenshot: ${SCREENSHOT_PATH}`);
    await page.close();
  });

  test('files that are not results, or of another schema version, are refused with a clear message', async () => {
    const page = await openPage(server.url);
    const notResults = join(workDirectory, 'package.json');
    writeFileSync(notResults, JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    const otherVersion = join(workDirectory, 'results-v3.json');
    writeFileSync(otherVersion, JSON.stringify({ ...runB, version: 4 }));
    const notJson = join(workDirectory, 'notes.json');
    writeFileSync(notJson, 'these are not JSON');
    await page.setInputFiles('#add-files', [notResults, otherVersion, notJson]);
    await page.waitForSelector('#load-errors:not([hidden]) li[data-file="notes.json"]');
    const messages = await page.$$eval('#load-errors li', (items) => items.map((item) => item.textContent ?? ''));
    expect(messages).toEqual([
      'package.json is not a workbench results file (no "schema": "wasm-llvm-jit/bench-results")',
      'results-v3.json has results schema version 4; this workbench reads versions 1, 2 and 3',
      expect.stringMatching(/^notes\.json is not JSON: /),
    ]);
    // The report itself is still there.
    expect(await page.getAttribute('section[data-chart="normalised"]', 'data-state')).toBe('drawn');
    await page.close();
  });

  test('a run of both build variants: each engine’s SIMD series hollow beside its scalar one, native the reference of both', async () => {
    const page = await openPage(server.url);
    const both = { ...withSimdVariant(runB, 0.7, { failSimdOf: 'wasmtime-winch' }), startedAt: '2030-01-01T00:00:00.000Z', finishedAt: '2030-01-01T00:05:00.000Z' };
    const path = join(workDirectory, 'polybench-mini-scalar+simd.json');
    writeFileSync(path, JSON.stringify(both));
    await page.setInputFiles('#add-files', [path]);
    await page.waitForSelector('section[data-chart="normalised"] .legend li[data-engine="v8-turbofan+simd"]');
    const legend = await page.$$eval('section[data-chart="normalised"] .legend li', (items) => items.map((item) => item.getAttribute('data-engine')));
    expect(legend).toEqual(['v8-turbofan', 'v8-turbofan+simd', 'v8-liftoff', 'v8-liftoff+simd', 'v8-default', 'v8-default+simd', 'wasmtime-cranelift', 'wasmtime-cranelift+simd', 'wasmtime-winch']);
    const swatch = (series: string) => page.getAttribute(`section[data-chart="normalised"] .legend li[data-engine="${series}"] .legend-swatch`, 'style');
    expect(await swatch('v8-turbofan+simd')).toContain('box-shadow');
    expect(await swatch('v8-turbofan')).not.toContain('box-shadow');
    expect(await page.$$eval('#summary tr[data-phase="execute"]', (rows) => rows.map((row) => row.getAttribute('data-engine')))).toContain('v8-turbofan+simd');
    expect(await page.textContent('#failures')).toContain('wasmtime-winch+simd');
    expect(await page.textContent('#fingerprint')).toContain('scalar, simd (-msimd128)');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('the same folder opens from the file system', async () => {
    const page = await openPage(pathToFileURL(built.indexPath).href);
    const charts = await readCharts(page, colourTable());
    expect(charts.filter((chart) => chart.state === 'drawn')).toHaveLength(4);
    await page.close();
  });

  test('no console errors and no request left the machine', () => {
    expect(consoleErrors).toEqual([]);
    expect(offSiteRequests).toEqual([]);
  });
});
