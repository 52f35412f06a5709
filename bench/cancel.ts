// Ingo's cost/benefit table for the four cancellation designs (issue 11), from measurements: the
// same table as `ecall explore --report cancel` (src/cli/explore_cancel.ts says what each column
// measures), with the benchmark's defaults: 10,000 PCT runs per design, 20,000 calls per cost run.
//
//   npm run bench:cancel -- [--runs N] [--calls N] [--jobs J] [--design cancel_NAME]... [--json] [--progress]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { cancelReport, DEFAULT_COST_CALLS, DEFAULT_REPORT_RUNS, formatCancelReport } from '../src/cli/explore_cancel.js';

/** The CLI module the explorer's workers load. */
const MAIN_MODULE = new URL('../src/cli/main.js', import.meta.url);

const { values } = parseArgs({ options: {
  runs: { type: 'string' }, calls: { type: 'string' }, jobs: { type: 'string' }, design: { type: 'string', multiple: true },
  json: { type: 'boolean' }, progress: { type: 'boolean' },
} });
const table = await cancelReport({
  runs: Number(values.runs ?? DEFAULT_REPORT_RUNS),
  costCalls: Number(values.calls ?? DEFAULT_COST_CALLS),
  jobs: Number(values.jobs ?? availableParallelism()),
  moduleUrl: MAIN_MODULE,
  only: values.design,
  progress: process.stderr.isTTY === true || values.progress === true ? (s) => process.stderr.write(s) : undefined,
});
console.log(values.json === true ? JSON.stringify(table, null, 2) : formatCancelReport(table));
