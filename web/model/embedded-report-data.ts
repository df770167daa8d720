// Report model, the contract between the report builder and the page: data.js assigns
// this object to window.WORKBENCH_REPORT_DATA; web/report-builder/build-report.ts writes it and
// web/page/embedded-data.ts reads it.

export interface EmbeddedReportData {
  generatedAt: string;
  files: { name: string; data: unknown }[];
}

export const EMBEDDED_DATA_GLOBAL = 'WORKBENCH_REPORT_DATA';
