// Report builder, the page's script: bundles web/page/main.ts with chart.js, zod and the
// workbench's own analysis code (bench/analysis, bench/gate, bench/results/schema) into one
// classic script (IIFE, not an ES module: module scripts do not load from file:// URLs).

import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { repositoryRoot } from '../../bench/paths.js';

export const PAGE_ENTRY = join(repositoryRoot, 'web', 'page', 'main.ts');

/**
 * console-summary.ts holds the workbench's number formats (formatNs, formatRatio), which
 * the page shares, beside its terminal tables, which the page never draws; its table
 * library needs Node's os and util. In the page it is replaced by a stand-in that fails
 * loudly if it is ever used.
 */
const terminalTablesStandIn: Plugin = {
  name: 'terminal-tables-stand-in',
  setup(builder) {
    builder.onResolve({ filter: /^cli-table3$/ }, () => ({ path: 'cli-table3', namespace: 'terminal-tables-stand-in' }));
    builder.onLoad({ filter: /.*/, namespace: 'terminal-tables-stand-in' }, () => ({
      contents: 'export default class TerminalTable { constructor() { throw new Error("terminal tables are not available in the report page"); } }',
      loader: 'js',
    }));
  },
};

export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2020'],
    minify: true,
    legalComments: 'eof',
    write: false,
    logLevel: 'silent',
    plugins: [terminalTablesStandIn],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the report page');
  return output.text;
}
