#!/usr/bin/env node
// Report command: `npm run report -- [results.json ...] [options]` (see --help). Builds the
// report folder from the named results files (default: every results/*.json); --serve
// serves it on 127.0.0.1; --markdown prints the summary table instead; --screenshot
// pictures it in headless Chromium.

import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { resultsDirectory } from '../../bench/paths.js';
import { groupBySuite } from '../model/results-catalog.js';
import { renderMarkdownSummary } from '../model/markdown-summary.js';
import { DEFAULT_REPORT_DIRECTORY, buildReport, readReportInputs } from './build-report.js';
import { captureReportScreenshot } from './capture-screenshot.js';
import { serveDirectory } from './serve-report.js';

interface ReportCliOptions {
  out: string;
  serve?: boolean;
  port: number;
  markdown?: boolean;
  baseline?: string;
  screenshot?: string;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number (0 picks a free one)');
  return port;
}

function defaultInputs(): string[] {
  let names: string[];
  try {
    names = readdirSync(resultsDirectory);
  } catch {
    names = [];
  }
  return names.filter((name) => name.endsWith('.json')).sort().map((name) => join(resultsDirectory, name));
}

export function buildReportCommand(): Command {
  return new Command('report')
    .description('Build the static comparison report (chart.js) from workbench results files: one folder that opens from the file system or any static host.')
    .argument('[results...]', 'results files (default: every results/*.json)')
    .option('--out <directory>', 'report folder', relative(process.cwd(), DEFAULT_REPORT_DIRECTORY) || DEFAULT_REPORT_DIRECTORY)
    .option('--serve', 'serve the report on 127.0.0.1 and print its address (Ctrl-C stops)')
    .option('--port <n>', 'port for --serve (0: any free port)', portNumber, 0)
    .option('--markdown', 'print the geometric-mean summary table of the newest file of each suite as Markdown, and build nothing')
    .option('--baseline <engine>', 'baseline engine of the Markdown table (default: native, when present)')
    .option('--screenshot <png>', 'also save a screenshot of the built report (headless Chromium)');
}

export async function reportMain(argv: string[]): Promise<number> {
  const command = buildReportCommand();
  command.parse(argv, { from: 'user' });
  const options = command.opts<ReportCliOptions>();
  const paths = (command.processedArgs[0] as string[]).length > 0 ? (command.processedArgs[0] as string[]) : defaultInputs();
  if (paths.length === 0) {
    console.error(`report: no results files named and none in ${relative(process.cwd(), resultsDirectory) || resultsDirectory}/; run npm run bench first, or name the files`);
    return 2;
  }
  const inputs = await readReportInputs(paths);

  if (options.markdown) {
    const newest = groupBySuite(inputs).map((group) => group.files[group.files.length - 1]);
    console.log(newest.map((file) => renderMarkdownSummary(file.results, options.baseline ?? null)).join('\n\n'));
    return 0;
  }

  const built = await buildReport(inputs, resolve(options.out));
  console.log(`report: ${built.indexPath} (${inputs.length} results file${inputs.length === 1 ? '' : 's'}: ${inputs.map((input) => input.name).join(', ')})`);
  console.log(`open ${pathToFileURL(built.indexPath).href}`);
  if (options.screenshot) {
    await captureReportScreenshot(built.directory, resolve(options.screenshot));
    console.log(`screenshot: ${options.screenshot}`);
  }
  if (options.serve) {
    const server = await serveDirectory(built.directory, options.port);
    console.log(`serving the report at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((stop) => {
      const shutDown = () => void server.close().then(stop);
      process.once('SIGINT', shutDown);
      process.once('SIGTERM', shutDown);
    });
  }
  return 0;
}

reportMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`report: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
