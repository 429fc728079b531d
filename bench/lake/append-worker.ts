/**
 * One writer process of concurrent_commits_per_s, started with
 * `child_process.fork(..., { execArgv: ['--import', 'tsx'] })`.
 *
 * argv: <table location> <appends> <rows per append> <first row id> <scratch table location>
 *
 * It warms up on its own scratch table (modules, DuckDB, the COPY and commit paths),
 * opens the shared table, sends `ready`, waits for `go`, makes its appends with one
 * long-lived DeltaTable (as an application would, so after other writers' commits it
 * loses races and retries), then sends `done` with its own elapsed time.
 */
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import { mixedRowsSql } from './mixed-rows.js';

export type WorkerMessage = { kind: 'ready' } | { kind: 'done'; ms: number } | { kind: 'error'; message: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('append-worker runs as a forked child process');
  const [location, appendsText, rowsText, firstText, scratch] = process.argv.slice(2);
  const appends = Number(appendsText);
  const rows = Number(rowsText);
  const first = Number(firstText);
  if (!location || !scratch || !Number.isInteger(appends) || !Number.isInteger(rows) || !Number.isInteger(first)) {
    throw new Error(
      `usage: append-worker <table> <appends> <rows> <first id> <scratch table>; got ${process.argv.slice(2).join(' ')}`,
    );
  }
  const warm = await DeltaTable.create(scratch, { data: fromSql(mixedRowsSql(rows, first)) });
  await warm.append(fromSql(mixedRowsSql(rows, first)));

  const table = await DeltaTable.open(location);
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  await send({ kind: 'ready' });
  await go;
  const start = performance.now();
  for (let i = 0; i < appends; i++) {
    await table.append(fromSql(mixedRowsSql(rows, first + i * rows)));
  }
  await send({ kind: 'done', ms: performance.now() - start });
}

try {
  await main();
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.send) await send({ kind: 'error', message });
  else console.error(message);
  process.exitCode = 1;
} finally {
  if (process.connected) process.disconnect();
}
