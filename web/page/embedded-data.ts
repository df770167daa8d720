// Report page: the results files that `npm run report` put beside the page, in data.js as
// a plain script (a classic script, not fetch(), so the page also works opened straight
// from the file system). Every file is validated here like a file the reader adds.

import { EMBEDDED_DATA_GLOBAL, type EmbeddedReportData } from '../model/embedded-report-data.js';
import { isLoadError, loadResultsData, type LoadError, type LoadedResults } from '../model/results-catalog.js';

export function readEmbeddedData(): { generatedAt: string | null; files: LoadedResults[]; errors: LoadError[] } {
  const embedded = (window as unknown as Record<string, EmbeddedReportData | undefined>)[EMBEDDED_DATA_GLOBAL];
  const files: LoadedResults[] = [];
  const errors: LoadError[] = [];
  for (const file of embedded?.files ?? []) {
    const loaded = loadResultsData(file.name, file.data);
    if (isLoadError(loaded)) errors.push(loaded);
    else files.push(loaded);
  }
  return { generatedAt: embedded?.generatedAt ?? null, files, errors };
}
