/**
 * Child process: deletes the rows matching a predicate (a replaceWhere overwrite with
 * no new rows), racing another process from the same table version.
 *
 * argv[2] is JSON `{ location, predicate }`. Opens the table, prints `READY <version>`,
 * waits for `GO` on stdin, deletes, and prints `RESULT <json>`: `{ ok: true, version }`
 * or `{ ok: false, name, code, rule, message }`. Exits 0 either way (1 only on a bug here).
 */
import { CommitConflictError, DeltaTable, fromSql } from '../../../src/lake/index.js';
import { StrataError } from '../../../src/core/index.js';
import { goSignal } from './go-signal.js';

interface Config {
  readonly location: string;
  readonly predicate: string;
}

const NO_ROWS = 'SELECT 0::BIGINT AS writer, 0::BIGINT AS batch, 0::BIGINT AS seq WHERE false';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as Config;
  const go = goSignal();
  const table = await DeltaTable.open(config.location);
  process.stdout.write(`READY ${table.version}\n`);
  await go;
  let result: Record<string, unknown>;
  try {
    const written = await table.overwrite(fromSql(NO_ROWS), { replaceWhere: config.predicate });
    result = { ok: true, version: written.version };
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    result = {
      ok: false,
      name: error.name,
      code: error.code,
      rule: error instanceof CommitConflictError ? error.rule : undefined,
      message: error.message,
    };
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
