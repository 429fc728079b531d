/**
 * Child process: appends batches to one table, one commit per batch.
 *
 * argv[2] is JSON `{ location, writer, firstBatch, count?, waitForGo? }`. Prints
 * `LOADED` once its modules and DuckDB are up (then, with waitForGo, waits for a `GO`
 * line on stdin: a parent can start the next worker early and release it later),
 * `READY <version>` once the table is open, and `ACK <batch>` only after `append`
 * for that batch returned. Without `count` it appends until killed. Any error:
 * message on stderr, exit 1.
 */
import { DeltaTable, fromSql, sharedDuckdb } from '../../../src/lake/index.js';
import { batchSql } from './batches.js';
import { goSignal } from './go-signal.js';

interface Config {
  readonly location: string;
  readonly writer: number;
  readonly firstBatch: number;
  readonly count?: number;
  readonly waitForGo?: boolean;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as Config;
  const go = goSignal();
  await sharedDuckdb();
  process.stdout.write('LOADED\n');
  if (config.waitForGo) await go;
  const table = await DeltaTable.open(config.location);
  process.stdout.write(`READY ${table.version}\n`);
  const end = config.count === undefined ? Number.POSITIVE_INFINITY : config.firstBatch + config.count;
  for (let batch = config.firstBatch; batch < end; batch++) {
    await table.append(fromSql(batchSql(config.writer, batch)));
    process.stdout.write(`ACK ${batch}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
