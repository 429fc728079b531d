/**
 * A child process that opens the embedded metadata database of a warehouse.
 *   node --import tsx meta-worker.ts '{"warehouse": "...", "mode": "hold" | "open" | "exit"}'
 * Prints one JSON line: {"event":"open","pid":...} or {"event":"error","code":...,"message":...}.
 * hold: keeps it open (after writing a row) until stdin says CLOSE, then closes;
 *       when stdin ends, exits without closing (as a crash would, minus the signal).
 * open: opens and closes at once. exit: opens, then process.exit(0) without closing.
 */
import { openAll } from './modules.js';
import { StrataError } from '../../../src/core/index.js';

const { warehouse, mode } = JSON.parse(process.argv[2] ?? '{}') as {
  warehouse: string;
  mode: 'hold' | 'open' | 'exit';
};
const say = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);

try {
  const meta = await openAll({ warehouse, env: {} });
  await meta.db
    .insertInto('strata_settings')
    .values({ key: `worker.${process.pid}`, value: mode })
    .execute();
  say({ event: 'open', pid: process.pid });
  if (mode === 'exit') process.exit(0);
  if (mode === 'open') {
    await meta.close();
  } else {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes('CLOSE'))
        void meta.close().then(() => {
          say({ event: 'closed' });
          process.exit(0);
        });
    });
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
