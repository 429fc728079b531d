/**
 * `npm run bench -- [suite ...] [--json FILE] [--only a,b] [--keep] [--strict] [--train DIR --test DIR --folds N]`
 *
 * Runs benchmark suites (all when none is named), prints a table per suite and, with
 * `--json`, writes `{"suite":...,"results":[{"name","value","unit",...}]}` (an array
 * of those when several suites ran). Benchmarks are not tests: they never run in
 * `npm test`, and a missed bound only fails the process with `--strict`.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, passes, suiteReport, writeJson, type BenchResult, type Suite } from './harness.js';
import { apiSuite } from './api/suite.js';
import { featuresSuite } from './features/suite.js';
import { flowsSuite } from './flows/suite.js';
import { lakeSuite } from './lake/suite.js';
import { modelsSuite } from './models/suite.js';
import { monitoringSuite } from './monitoring/suite.js';
import { sqlSuite } from './sql/suite.js';
import { tracesSuite } from './traces/suite.js';
import { uiSuite } from './ui/suite.js';

const SUITES: readonly Suite[] = [
  lakeSuite,
  sqlSuite,
  flowsSuite,
  apiSuite,
  uiSuite,
  featuresSuite,
  modelsSuite,
  monitoringSuite,
  tracesSuite,
];

const USAGE = `usage: npm run bench -- [suite ...] [--json FILE] [--only scenario,...] [--keep] [--strict]
suites: ${SUITES.map((s) => `${s.name} (${s.scenarios.map((c) => c.name).join(', ')})`).join('; ')}
  --json FILE   write the results as JSON
  --only LIST   run only these scenarios (comma-separated)
  --keep        keep the work directory (tables and files written) and print its path
  --strict      exit with status 1 when a result misses its bound
  --train DIR   traces: executions to learn from (default ../shared/traces/wfcommons)
  --test DIR    traces: executions to predict (default: leave runs out of --train)
  --folds N     traces: leave-runs-out folds when there is no --test (default 10)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      train: { type: 'string' },
      test: { type: 'string' },
      folds: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = positionals.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`unknown suite ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const suites = positionals.length === 0 ? SUITES : SUITES.filter((s) => positionals.includes(s.name));
  const only = values.only
    ? new Set(
        values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : undefined;
  const known = new Set(suites.flatMap((s) => s.scenarios.map((c) => c.name)));
  const missing = [...(only ?? [])].filter((name) => !known.has(name));
  if (missing.length > 0) {
    console.error(`unknown scenario ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }

  const workRoot = await fs.mkdtemp(path.join(tmpdir(), 'strata-bench-'));
  const reports = [];
  let failed = false;
  try {
    for (const suite of suites) {
      const results: BenchResult[] = [];
      for (const scenario of suite.scenarios) {
        if (only && !only.has(scenario.name)) continue;
        const workDir = path.join(workRoot, suite.name, scenario.name);
        await fs.mkdir(workDir, { recursive: true });
        const started = performance.now();
        const log = (message: string) =>
          console.error(
            `[${suite.name}/${scenario.name} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`,
          );
        log(scenario.description);
        results.push(
          ...(await scenario.run({
            workDir,
            log,
            args: { train: values.train, test: values.test, folds: values.folds },
          })),
        );
        log('done');
      }
      console.log(`\n${formatTable(suite.name, results)}\n`);
      failed ||= results.some((r) => passes(r) === false);
      reports.push(suiteReport(suite.name, results));
    }
    if (values.json) {
      await writeJson(values.json, reports.length === 1 ? reports[0] : reports);
      console.log(`wrote ${values.json}`);
    }
  } finally {
    if (values.keep) console.log(`work directory kept: ${workRoot}`);
    else await fs.rm(workRoot, { recursive: true, force: true });
  }
  return failed && values.strict ? 1 : 0;
}

process.exitCode = await main();
