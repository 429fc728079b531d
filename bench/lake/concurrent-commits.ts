/**
 * concurrent_commits_per_s: 8 writer processes appending small batches to one table.
 *
 * Each writer (append-worker.ts, a forked `node --import tsx` process) makes 50 appends
 * of 10 mixed rows; the figure is commits per second from the go signal until the last
 * writer reports done, so process start-up and warm-up are excluded. Baseline, on a
 * fresh table in the same run: the same 400 appends by one writer process. The sides
 * alternate when there is more than one round. Afterwards the table is checked: every
 * version present, every row there. Lost races per commit come from the log: a commit
 * at version v that read version r lost v - r - 1 races before it won.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import type { WorkerMessage } from './append-worker.js';
import { mixedRowsSql } from './mixed-rows.js';

const WRITERS = 8;
const APPENDS_PER_WRITER = 50;
const ROWS_PER_APPEND = 10;
const ROUNDS = 3;
const TOTAL_APPENDS = WRITERS * APPENDS_PER_WRITER;
const START_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 240_000;

const WORKER = fileURLToPath(new URL('./append-worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface RunOutcome {
  readonly commitsPerSecond: number;
  readonly wallMs: number;
  readonly lostRacesPerCommit: number;
}

export const concurrentCommits: Scenario = {
  name: 'concurrent_commits_per_s',
  description: `${WRITERS} writer processes × ${APPENDS_PER_WRITER} appends of ${ROWS_PER_APPEND} rows vs 1 process × ${TOTAL_APPENDS}, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const concurrent: RunOutcome[] = [];
    const single: RunOutcome[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plans = [
        { writers: WRITERS, appends: APPENDS_PER_WRITER, into: concurrent },
        { writers: 1, appends: TOTAL_APPENDS, into: single },
      ];
      for (const plan of round % 2 === 0 ? plans : plans.reverse()) {
        const dir = path.join(workDir, `round-${round}-${plan.writers}w`);
        const outcome = await runWriters(dir, plan.writers, plan.appends, log);
        log(
          `round ${round + 1}/${ROUNDS}, ${plan.writers} writer(s): ${outcome.commitsPerSecond.toFixed(1)} commits/s (${outcome.wallMs.toFixed(0)} ms, ${outcome.lostRacesPerCommit.toFixed(2)} lost races per commit)`,
        );
        plan.into.push(outcome);
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
    const rate = (outcomes: readonly RunOutcome[]) => median(outcomes.map((o) => o.commitsPerSecond));
    return [
      {
        name: 'concurrent_commits_per_s',
        value: rate(concurrent),
        unit: 'commits/s',
        note: `${WRITERS} processes × ${APPENDS_PER_WRITER} appends of ${ROWS_PER_APPEND} rows, go signal to last done; rounds ${spread(
          concurrent.map((o) => o.commitsPerSecond),
          1,
        )}`,
      },
      {
        name: 'single_writer_commits_per_s',
        value: rate(single),
        unit: 'commits/s',
        note: `1 process × ${TOTAL_APPENDS} appends; rounds ${spread(
          single.map((o) => o.commitsPerSecond),
          1,
        )}`,
      },
      {
        name: 'concurrent_commits_ratio',
        value: rate(concurrent) / rate(single),
        unit: 'ratio',
        note: 'concurrent_commits_per_s ÷ single_writer_commits_per_s',
      },
      {
        name: 'concurrent_lost_races_per_commit',
        value: median(concurrent.map((o) => o.lostRacesPerCommit)),
        unit: 'races/commit',
        note: 'put-if-absent attempts lost before each commit won (each costs reading the winner and a conflict check)',
      },
    ];
  },
};

async function runWriters(
  dir: string,
  writers: number,
  appends: number,
  log: (message: string) => void,
): Promise<RunOutcome> {
  const location = path.join(dir, 'table');
  await DeltaTable.create(location, { data: fromSql(mixedRowsSql(0)) });
  const children: ChildProcess[] = [];
  try {
    const messages = Array.from({ length: writers }, (_, i) => {
      const child = fork(
        WORKER,
        [
          location,
          String(appends),
          String(ROWS_PER_APPEND),
          String(i * appends * ROWS_PER_APPEND),
          path.join(dir, `warm-up-${i}`),
        ],
        {
          cwd: PROJECT_ROOT,
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      children.push(child);
      return inbox(child, i);
    });
    const startupStarted = performance.now();
    await withTimeout(Promise.all(messages.map((m) => m.next('ready'))), START_TIMEOUT_MS, 'writers to start');
    log(`${writers} writer(s) ready after ${((performance.now() - startupStarted) / 1000).toFixed(1)} s`);
    const start = performance.now();
    for (const child of children) child.send('go');
    await withTimeout(Promise.all(messages.map((m) => m.next('done'))), RUN_TIMEOUT_MS, 'writers to finish');
    const wallMs = performance.now() - start;
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)),
      ),
    );

    const commits = writers * appends;
    return { commitsPerSecond: commits / (wallMs / 1000), wallMs, lostRacesPerCommit: await verify(location, commits) };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/** Messages of one child in arrival order; an error message or an early exit rejects. */
function inbox(child: ChildProcess, index: number): { next(kind: 'ready' | 'done'): Promise<void> } {
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  child.on('message', (message: WorkerMessage) => {
    if (message.kind === 'error') failure ??= new Error(`writer ${index} failed: ${message.message}`);
    else queue.push(message);
    wake?.();
  });
  child.on('exit', (code, signal) => {
    if (code !== 0) failure ??= new Error(`writer ${index} exited with ${signal ?? `code ${code}`}`);
    wake?.();
  });
  return {
    async next(kind) {
      for (;;) {
        const message = queue.shift();
        if (message) {
          if (message.kind !== kind) throw new Error(`writer ${index} sent ${message.kind}, expected ${kind}`);
          return;
        }
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks versions 1..commits exist with every row, and returns the mean lost races per commit. */
async function verify(location: string, commits: number): Promise<number> {
  const table = await DeltaTable.open(location);
  const rows = commits * ROWS_PER_APPEND;
  if (table.version !== commits) throw new Error(`table is at version ${table.version}, expected ${commits}`);
  if (table.snapshot.numRecords !== rows)
    throw new Error(`table has ${table.snapshot.numRecords} rows, expected ${rows}`);
  const history = await table.history();
  let lost = 0;
  for (const entry of history) {
    if (entry.version === 0) continue;
    const read = entry.readVersion;
    if (typeof read !== 'number') throw new Error(`version ${entry.version} has no readVersion`);
    lost += entry.version - read - 1;
  }
  return lost / commits;
}
