#!/usr/bin/env node
// Regression gate command line: `npm run gate -- <baseline.json> <candidate.json> [options]` (see --help).
import { GATE_REFUSED, gateMain } from './gate-command.js';

gateMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`gate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = GATE_REFUSED;
  },
);
