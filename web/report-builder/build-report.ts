// Report builder: writes the self-contained report folder — index.html, report.css,
// report.js (the bundled page) and data.js (the results files it shows) — that opens
// from the file system and from any static host. Results are validated with the
// workbench's schema first; a file that is not one is refused with the parser's words.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repositoryRoot } from '../../bench/paths.js';
import type { Results } from '../../bench/results/schema.js';
import { readResults } from '../../bench/results/store.js';
import { EMBEDDED_DATA_GLOBAL, type EmbeddedReportData } from '../model/embedded-report-data.js';
import { bundlePage } from './bundle-page.js';

export const PAGE_DIRECTORY = join(repositoryRoot, 'web', 'page');
export const DEFAULT_REPORT_DIRECTORY = join(repositoryRoot, 'web', 'out', 'report');

export interface ReportInput {
  /** Name shown on the page (the file's base name). */
  name: string;
  results: Results;
}

export async function readReportInputs(paths: readonly string[]): Promise<ReportInput[]> {
  return Promise.all(paths.map(async (path) => ({ name: basename(path), results: await readResults(path) })));
}

export interface BuiltReport {
  directory: string;
  indexPath: string;
  files: string[];
}

export async function buildReport(inputs: readonly ReportInput[], directory: string = DEFAULT_REPORT_DIRECTORY): Promise<BuiltReport> {
  const script = await bundlePage();
  const data: EmbeddedReportData = { generatedAt: new Date().toISOString(), files: inputs.map((input) => ({ name: input.name, data: input.results })) };
  mkdirSync(directory, { recursive: true });
  const written = {
    'index.html': readFileSync(join(PAGE_DIRECTORY, 'index.html'), 'utf8'),
    'report.css': readFileSync(join(PAGE_DIRECTORY, 'report.css'), 'utf8'),
    'report.js': script,
    // JSON is a JavaScript expression; a classic script, so file:// works (fetch() would not).
    'data.js': `window.${EMBEDDED_DATA_GLOBAL} = ${JSON.stringify(data)};\n`,
  };
  for (const [name, text] of Object.entries(written)) writeFileSync(join(directory, name), text);
  return { directory, indexPath: join(directory, 'index.html'), files: Object.keys(written) };
}
