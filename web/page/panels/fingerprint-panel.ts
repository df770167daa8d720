// Report page, panels: where and with what the numbers were measured — machine, software,
// project commit and suite binaries, the run's configuration, and each engine's version
// and flags (or why it was unavailable).

import { formatNs } from '../../../bench/analysis/console-summary.js';
import type { Results } from '../../../bench/results/schema.js';
import { createElement } from '../create-element.js';

function definitionList(entries: [string, string][]): HTMLElement {
  return createElement('dl', {}, ...entries.flatMap(([term, value]) => [createElement('dt', {}, term), createElement('dd', {}, value)]));
}

export function renderFingerprint(container: HTMLElement, results: Results, fileName: string): void {
  const { machine, software, project } = results.fingerprint;
  const { config } = results;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const machineList = definitionList([
    ['CPU', `${machine.cpuModel} × ${machine.cpuCount}`],
    ['memory', gib(machine.memoryBytes)],
    ['system', `${machine.kernel} (${machine.platform}/${machine.arch})`],
    ['host', machine.hostname],
  ]);
  const softwareList = definitionList([
    ['Node / V8', `${software.node} / ${software.v8}`],
    ['Wasmtime', software.wasmtime ?? '—'],
    ['Python', software.python ?? '—'],
    ['clang / LLVM', `${software.clang ?? '—'} / ${software.llvm ?? '—'}`],
    ['commit', `${project.commit ?? 'unknown'}${project.dirty ? ' (with uncommitted changes)' : ''}`],
    ['suite manifest sha256', project.suiteManifestSha256 ?? '—'],
    ...(project.simdSuiteManifestSha256 !== undefined ? [['SIMD suite manifest sha256', project.simdSuiteManifestSha256 ?? '—'] as [string, string]] : []),
  ]);
  const runList = definitionList([
    ['file', fileName],
    ['run', `${results.startedAt} → ${results.finishedAt}${results.complete ? '' : ' (interrupted: partial results)'}`],
    ['suite', `${config.suite}, dataset ${config.dataset}${config.filter ? `, filter /${config.filter}/` : ''}`],
    ['wasm build', (config.variants ?? ['scalar']).map((variant) => (variant === 'simd' ? 'simd (-msimd128)' : variant)).join(', ')],
    ['design', `${config.processes} processes × ${config.iterations} iterations per engine and benchmark, seed ${config.seed}, time limit ${config.timeoutSeconds} s`],
    ['wall time', formatNs((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) * 1e6)],
  ]);
  const engineRows = results.engines.map((engine) =>
    createElement(
      'tr',
      { 'data-engine': engine.name },
      createElement('td', {}, engine.name),
      createElement('td', {}, engine.version ?? '—'),
      createElement('td', { class: 'flags' }, engine.flags.join(' ') || '—'),
      createElement('td', {}, engine.available ? engine.phases.join(', ') : `unavailable: ${engine.unavailableReason ?? 'no reason recorded'}`),
    ),
  );
  const engineTable = createElement(
    'table',
    {},
    createElement('thead', {}, createElement('tr', {}, ...['engine', 'version', 'flags', 'phases'].map((text) => createElement('th', { scope: 'col' }, text)))),
    createElement('tbody', {}, ...engineRows),
  );
  container.replaceChildren(
    createElement('h2', {}, 'Machine and engine fingerprint'),
    createElement('div', { class: 'fingerprint-columns' }, createElement('div', {}, createElement('h3', {}, 'machine'), machineList), createElement('div', {}, createElement('h3', {}, 'software'), softwareList), createElement('div', {}, createElement('h3', {}, 'run'), runList)),
    createElement('h3', {}, 'engines'),
    engineTable,
  );
}
