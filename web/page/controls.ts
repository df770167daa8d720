// Report page: the controls — suite, which run of it, phase, baseline engine, engines
// shown, and a file picker (drag and drop works too) to add results files to the report.

import { PHASES, type Phase } from '../../bench/results/schema.js';
import { describeRun } from '../model/history.js';
import type { SuiteGroup } from '../model/results-catalog.js';
import { createElement } from './create-element.js';

export interface ControlsView {
  groups: readonly SuiteGroup[];
  group: SuiteGroup;
  runIndex: number;
  phase: Phase;
  baseline: string | null;
  baselineChoices: readonly string[];
  engines: readonly string[];
  hiddenEngines: ReadonlySet<string>;
}

export interface ControlsChange {
  suiteKey?: string;
  runIndex?: number;
  phase?: Phase;
  baseline?: string;
  toggleEngine?: string;
}

function labelled(label: string, control: HTMLElement): HTMLElement {
  return createElement('label', { class: 'control' }, createElement('span', {}, label), control);
}

function select(name: string, options: { value: string; label: string }[], selected: string, onChange: (value: string) => void): HTMLSelectElement {
  const element = createElement('select', { name }, ...options.map((option) => createElement('option', { value: option.value }, option.label)));
  element.value = selected;
  element.addEventListener('change', () => onChange(element.value));
  return element;
}

export function renderControls(container: HTMLElement, view: ControlsView, onChange: (change: ControlsChange) => void): void {
  const suite = select('suite', view.groups.map((group) => ({ value: group.key, label: `${group.key} — ${group.files.length} file${group.files.length === 1 ? '' : 's'}` })), view.group.key, (value) => onChange({ suiteKey: value }));
  const run = select(
    'run',
    view.group.files.map((file, index) => ({ value: String(index), label: `${describeRun(file)} — ${file.name}` })),
    String(view.runIndex),
    (value) => onChange({ runIndex: Number(value) }),
  );
  const PHASE_LABELS: Record<Phase, string> = { compile: 'compilation', instantiate: 'instantiation', execute: 'execution', total: 'total (time to a result)' };
  const phase = select('phase', PHASES.map((name) => ({ value: name, label: PHASE_LABELS[name] })), view.phase, (value) => onChange({ phase: value as Phase }));
  const baseline = select('baseline', view.baselineChoices.map((name) => ({ value: name, label: name })), view.baseline ?? '', (value) => onChange({ baseline: value }));
  const engines = createElement(
    'fieldset',
    { class: 'engines' },
    createElement('legend', {}, 'engines'),
    ...view.engines.map((engine) => {
      const box = createElement('input', { type: 'checkbox', name: 'engine', value: engine });
      box.checked = !view.hiddenEngines.has(engine);
      box.addEventListener('change', () => onChange({ toggleEngine: engine }));
      return createElement('label', { class: 'engine-choice' }, box, engine);
    }),
  );
  container.replaceChildren(
    createElement('div', { class: 'control-row' }, labelled('suite', suite), labelled('run', run), labelled('phase', phase), labelled('baseline', baseline)),
    engines,
  );
}

/** The file picker lives outside the re-rendered controls so that it keeps its state. */
export function attachFilePicker(input: HTMLInputElement, dropTarget: HTMLElement, onFiles: (files: File[]) => void): void {
  input.addEventListener('change', () => {
    if (input.files?.length) onFiles(Array.from(input.files));
    input.value = '';
  });
  dropTarget.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropTarget.classList.add('dropping');
  });
  dropTarget.addEventListener('dragleave', () => dropTarget.classList.remove('dropping'));
  dropTarget.addEventListener('drop', (event) => {
    event.preventDefault();
    dropTarget.classList.remove('dropping');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) onFiles(files);
  });
}
