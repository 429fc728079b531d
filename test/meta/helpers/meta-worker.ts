/**
 * A child process that opens the embedded metadata database of a warehouse.
 *   node --import tsx meta-worker.ts '{"warehouse": "...", "mode": "hold" | "open" | "exit" | "transaction"}'
 * Prints JSON lines: {"event":"open","pid":...,"kind":...} or {"event":"error","code":...,"message":...}.
 * hold: keeps it open (after writing a row) until stdin says CLOSE, then closes;
 *       when stdin ends, exits without closing (as a crash would, minus the signal).
 * open: opens and closes at once. exit: opens, then process.exit(0) without closing.
 * transaction: opens, writes its row inside a transaction, says {"event":"in-transaction"},
 *       waits for GO on stdin, then writes a second row in the same transaction and commits
 *       (says {"event":"committed"} or the error).
 */
import { openAll } from './modules.js';
import { StrataError } from '../../../src/core/index.js';

const { warehouse, mode } = JSON.parse(process.argv[2] ?? '{}') as {
  warehouse: string;
  mode: 'hold' | 'open' | 'exit' | 'transaction';
};
const say = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);
const stdinSays = (word: string) =>
  new Promise<void>((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes(word)) resolve();
    });
  });

try {
  const meta = await openAll({ warehouse, env: {} });
  if (mode === 'transaction') {
    say({ event: 'open', pid: process.pid, kind: meta.kind });
    await meta.transaction(async (trx) => {
      await trx
        .insertInto('strata_settings')
        .values({ key: `worker.${process.pid}`, value: mode })
        .execute();
      say({ event: 'in-transaction' });
      await stdinSays('GO');
      await trx
        .insertInto('strata_settings')
        .values({ key: `worker.${process.pid}.2`, value: mode })
        .execute();
    });
    say({ event: 'committed' });
    await meta.close();
    process.exit(0);
  }
  await meta.db
    .insertInto('strata_settings')
    .values({ key: `worker.${process.pid}`, value: mode })
    .execute();
  say({ event: 'open', pid: process.pid, kind: meta.kind });
  if (mode === 'exit') process.exit(0);
  if (mode === 'open') {
    await meta.close();
  } else {
    void stdinSays('CLOSE').then(() =>
      meta.close().then(() => {
        say({ event: 'closed' });
        process.exit(0);
      }),
    );
    process.stdin.on('end', () => process.exit(0));
  }
} catch (error) {
  say({
    event: 'error',
    code: error instanceof StrataError ? error.code : undefined,
    message: (error as Error).message,
  });
  process.exit(1);
}
