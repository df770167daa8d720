// Report page, panels: files that could not be shown, each with the reason in plain words
// ("is not a workbench results file", "has results schema version 2; this workbench reads
// version 1", ...), as the schema's parser words it.

import type { LoadError } from '../../model/results-catalog.js';
import { createElement } from '../create-element.js';

export function renderLoadErrors(container: HTMLElement, errors: readonly LoadError[]): void {
  container.hidden = errors.length === 0;
  container.replaceChildren(
    createElement('h2', {}, errors.length === 1 ? 'A file could not be shown' : `${errors.length} files could not be shown`),
    createElement('ul', {}, ...errors.map((error) => createElement('li', { 'data-file': error.name }, error.message))),
  );
}
